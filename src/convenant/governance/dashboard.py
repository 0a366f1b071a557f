"""The governance panel on the dashboard: for a person who sits in a body, their bodies, the
upcoming meetings, the proposals waiting for their seat's vote and their open action items,
so government officers and the monitoring committee find their work on the first page."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from convenant.core.access import Actor
from convenant.governance import annual

LIMIT = 8


def link(url_name: str, *args: Any) -> str:
    """The page of a meeting or proposal, where that page exists."""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""


def waiting_proposals(user: Any, actor: Actor) -> list[dict[str, Any]]:
    """Open proposals of a body where the person holds (or deputises for) a voting seat and
    that seat has no vote on the current text (a consent to an older version is stale)."""
    from convenant.governance.models import Proposal, ProposalVersion, SeatAssignment, Vote

    today, now = timezone.localdate(), timezone.now()
    seats = list(
        SeatAssignment.objects.visible_to(user)
        .current(today)
        .filter(Q(party__isnull=True) | Q(party_id__in=actor.party_ids))
        .filter(user_id=actor.user_id, seat__has_vote=True, seat__body_id__in=actor.body_ids)
        .select_related("seat")
    )
    waiting = []
    for assignment in seats:
        latest = (
            ProposalVersion.objects.visible_to(user)
            .filter(proposal=OuterRef("pk"))
            .order_by("-number")
            .values("pk")[:1]
        )
        voted = Vote.objects.visible_to(user).filter(
            proposal=OuterRef("pk"),
            seat=assignment.seat,
            current=True,
            version_id=OuterRef("latest"),
        )
        proposals = (
            Proposal.objects.visible_to(user)
            .filter(body_id=assignment.seat.body_id, state=Proposal.State.OPEN, closes_at__gt=now)
            .annotate(latest=Subquery(latest))
            .filter(~Exists(voted))
            .order_by("closes_at")[:LIMIT]
        )
        waiting += [
            {
                "proposal": p,
                "seat": assignment.seat,
                "url": link("proposal_detail", p.number),
            }
            for p in proposals
        ]
    return sorted(waiting, key=lambda w: w["proposal"].closes_at)[:LIMIT]


def governance_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    from convenant.governance.models import ActionItem, Body, Meeting

    if not actor.is_authenticated:
        return None
    user = request.user
    bodies = (
        list(Body.objects.visible_to(user).filter(pk__in=actor.body_ids)) if actor.body_ids else []
    )
    meetings = (
        list(
            Meeting.objects.visible_to(user)
            .filter(body_id__in=actor.body_ids, ends_at__gte=timezone.now())
            .exclude(state=Meeting.State.MINUTES_APPROVED)
            .select_related("body")
            .order_by("starts_at")[:LIMIT]
        )
        if actor.body_ids
        else []
    )
    mine = Q(owner_user_id=actor.user_id) | Q(owner_party_id__in=actor.party_ids)
    actions = list(
        ActionItem.objects.visible_to(user)
        .filter(mine, status=ActionItem.Status.OPEN)
        .select_related("body", "owner_party", "owner_user")
        .order_by("due_on", "pk")[:LIMIT]
    )
    proposals = waiting_proposals(user, actor) if actor.body_ids else []
    # Every party's people are invited to the annual covenant meeting, seat or not.
    annual_meeting = (
        annual.annual_meetings().filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
        if annual.can_read(actor)
        else None
    )
    if not (bodies or meetings or actions or proposals or annual_meeting):
        return None
    return {
        "bodies": [{"body": b, "url": link("body_detail", b.slug)} for b in bodies],
        "meetings": [{"meeting": m, "url": link("meeting_detail", m.pk)} for m in meetings],
        "proposals": proposals,
        "actions": actions,
        "annual": annual_meeting,
        "today": timezone.localdate(),
    }
