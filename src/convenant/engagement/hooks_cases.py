"""What the deep track's cases area adds to the rest of the product: the names of its audit
verbs (the case board itself is in the navigation through the selection area's item)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convenant.core.audit import register_verbs


def register() -> None:
    register_verbs(
        {
            "engagement.open_case": _("Deep-track case opened"),
            "engagement.add_case_member": _("Person joined a case's sub-working group"),
            "engagement.end_case_member": _("Person left a case's sub-working group"),
            "engagement.update_plan": _("Case's collaboration plan changed"),
            "engagement.agree_plan": _("Case's collaboration plan agreed"),
            "engagement.add_plan_milestone": _("Milestone added to a case's plan"),
            "engagement.update_plan_milestone": _("Case's plan milestone changed"),
            "engagement.set_publishable": _("Case's publishable fields set"),
            "engagement.move_step": _("Case moved to another step"),
            "engagement.link_case": _("Engagement linked to a deep-track case"),
        }
    )
