"""What the deep track's communication area adds to the rest of the product: its audit verbs,
its e-mail asking the group to approve a text, and the public case pages in the navigation
(for everyone, signed in or not, like the decision log)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs


def register() -> None:
    from convenant.core.mail import register_email_purpose
    from convenant.engagement.actions.communication import ASK_MAIL

    register_email_purpose(ASK_MAIL, _("A case's text awaits a party's approval"))
    register_verbs(
        {
            "engagement.draft_communication": _("Case communication drafted"),
            "engagement.update_communication": _("Case communication changed"),
            "engagement.propose_communication": _("Case communication put to the group"),
            "engagement.approve_communication": _("Case communication approved for a party"),
            "engagement.publish_communication": _("Case communication published"),
            "engagement.withdraw_communication": _("Case communication withdrawn"),
        }
    )
    navigation.register_nav_item(
        navigation.NavItem(_("Public case pages"), "case_public_list", lambda a: True, 58)
    )
