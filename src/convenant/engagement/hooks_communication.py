"""What the deep track's communication area adds to the rest of the product: its audit verbs
and the public case pages in the navigation (for everyone, signed in or not, like the
decision log)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs


def register() -> None:
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
