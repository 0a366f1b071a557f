"""What the engagements area plugs into the rest: its audit verbs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convenant.core.audit import register_verbs


def register() -> None:
    register_verbs(
        {
            "engagement.create": _("Engagement started"),
            "engagement.add_participant": _("Party joined an engagement"),
            "engagement.end_participation": _("Party left an engagement"),
            "engagement.add_objective": _("Engagement objective added"),
            "engagement.set_milestone_target": _("Milestone target date set"),
            "engagement.reach_milestone": _("Milestone reached"),
            "engagement.record_outcome": _("Objective outcome recorded"),
            "engagement.log_activity": _("Engagement activity logged"),
            "engagement.update_activity": _("Engagement activity corrected"),
            "engagement.annotate_activity": _("Note added to an engagement activity"),
            "engagement.link_risk": _("Risk linked to an engagement"),
            "engagement.link_signal": _("Signal linked to an engagement"),
            "engagement.add_attachment": _("Document attached to an engagement activity"),
        }
    )
