"""What the engagements area plugs into the rest: its audit verbs."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
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
            "engagement.update_objective": _("Engagement objective corrected"),
            "engagement.close": _("Engagement closed"),
            "engagement.reopen": _("Engagement reopened"),
        }
    )
    # Every member of a party in the covenant may read covenant-level engagements.
    navigation.register_nav_item(
        navigation.NavItem(
            _("Engagements"),
            "engagement_list",
            lambda a: a.is_covenant_member or a.is_secretariat,
            55,
        )
    )
    from convenant.risk.annotations import register_risk_annotation
    from convenant.signals.annotations import register_signal_followup

    register_risk_annotation("engagement", _being_engaged)
    register_signal_followup("engagement", _follow_up)


def _being_engaged(user: Any, pairs: set[tuple[int, str]]) -> dict[Any, list[Any]]:
    """A fund's risk (company and theme) that an active engagement the reader may read
    answers: "being engaged", linking to it."""
    from django.urls import reverse

    from convenant.engagement.models import RiskLink
    from convenant.risk.annotations import RiskAnnotation

    links = (
        RiskLink.objects.visible_to(user)
        .filter(issuer_id__in={i for i, _t in pairs}, engagement__status="active")
        .select_related("engagement")
        .order_by("engagement__start_date", "pk")
    )
    found: dict[Any, list[Any]] = {}
    for link in links:
        if (link.issuer_id, link.theme) in pairs:
            found.setdefault((link.issuer_id, link.theme), []).append(
                RiskAnnotation(
                    str(_("Being engaged")),
                    reverse("engagement_detail", args=[link.engagement_id]),
                    link.engagement.title,
                )
            )
    return found


def _follow_up(user: Any, signal: Any) -> list[Any]:
    """The engagements the reader may read that follow the signal up."""
    from django.urls import reverse

    from convenant.engagement.models import SignalLink
    from convenant.signals.annotations import FollowUp

    links = (
        SignalLink.objects.visible_to(user)
        .filter(signal=signal)
        .select_related("engagement")
        .order_by("engagement__start_date", "pk")
    )
    return [
        FollowUp(
            str(_("Engagement")),
            reverse("engagement_detail", args=[link.engagement_id]),
            link.engagement.title,
        )
        for link in links
    ]
