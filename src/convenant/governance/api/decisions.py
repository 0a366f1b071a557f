"""API of governance's decisions: a body's proposals with their seats and votes (its members
and the secretariat only), casting a vote (the same action as the page), and the decision
log, public apart from confidential decisions."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from convenant.core import access
from convenant.core.api import PUBLIC, Converted, Error
from convenant.core.errors import ActionError
from convenant.governance.actions import decisions as actions
from convenant.governance.models import Decision, Proposal, Seat, Vote
from convenant.governance.views.decisions import effect_text

router = Router(tags=["governance"])


class SeatVoteOut(Schema):
    seat: str
    has_vote: bool
    choice: str | None  # null: not voted (or only on an earlier version: ``stale``)
    stale: bool
    reason: str
    cast_by: str | None
    proxy_of: str | None  # who gave the proxy, when the vote was cast by proxy


class ProposalOut(Schema):
    number: int
    body: str  # slug
    kind: str
    title: str
    state: str
    outcome: str
    closes_at: datetime.datetime
    confidential: bool
    version: int


class ProposalDetailOut(ProposalOut):
    text: str
    outcome_statement: str
    review_on: datetime.date | None
    not_voted: list[str]
    seats: list[SeatVoteOut]
    decision: int | None


class VoteIn(Schema):
    seat: Annotated[str, Field(max_length=120)]  # the seat's label, as on the page
    choice: Annotated[str, Field(max_length=10)]  # consent, objection or abstention
    reason: Annotated[str, Field(max_length=5000)] = ""


class VoteOut(Schema):
    seat: str
    choice: str
    version: int
    cast_by: str
    by_proxy: bool


class FieldError(Schema):
    detail: str
    field: str = ""


class DecisionOut(Schema):
    number: int
    body: str
    title: str
    text: str
    decided_on: datetime.date
    confidential: bool
    corrects: int | None
    corrected_by: list[int]
    effect_type: str
    effect: str
    effect_state: str
    proposal: int | None  # null for a reader outside the body


def _proposal_out(p: Proposal) -> dict[str, Any]:
    version = actions.current_version(p)
    return {
        "number": p.number,
        "body": p.body.slug,
        "kind": p.kind,
        "title": p.title,
        "state": p.state,
        "outcome": p.outcome,
        "closes_at": p.closes_at,
        "confidential": p.confidential,
        "version": version.number if version else 0,
    }


@router.get("/proposals", response=list[ProposalOut], summary="List proposals")
@paginate
def list_proposals(request: HttpRequest, body: str = "", state: str = ""):
    """Proposals of the bodies you sit in (the secretariat: all), newest first; those past
    their deadline are closed first, as on the page."""
    qs = Proposal.objects.visible_to(request.user).select_related("body").order_by("-number")
    for due in qs.filter(state=Proposal.State.OPEN, closes_at__lte=timezone.now()):
        actions.close_if_due(due)
    if body:
        qs = qs.filter(body__slug=body)
    if state in Proposal.State.values:
        qs = qs.filter(state=state)
    return Converted(qs, lambda page: [_proposal_out(p) for p in page])


@router.get(
    "/proposals/{number}",
    response={200: ProposalDetailOut, 404: Error},
    summary="Get a proposal with its seats and votes",
)
def get_proposal(request: HttpRequest, number: int) -> dict[str, Any]:
    """Closed first if its deadline has passed, as on the page."""
    proposal = access.get_visible_or_404(
        Proposal.objects.select_related("body"), request.user, number=number
    )
    proposal = actions.close_if_due(proposal)
    tally = actions.tally_of(proposal)
    votes = actions.current_votes(proposal)
    seats = []
    for seat in Seat.objects.filter(body=proposal.body).order_by("order", "pk"):
        vote = votes.get(seat.pk)
        stale = seat.pk in tally.stale
        seats.append(
            {
                "seat": seat.label,
                "has_vote": seat.has_vote,
                "choice": vote.choice if vote and not stale else None,
                "stale": stale,
                "reason": vote.reason if vote else "",
                "cast_by": vote.cast_by.full_name if vote else None,
                "proxy_of": vote.proxy.granted_by.full_name if vote and vote.proxy else None,
            }
        )
    labels = {s.pk: s.label for s in Seat.objects.filter(body=proposal.body)}
    decision = Decision.objects.visible_to(request.user).filter(proposal=proposal).first()
    version = actions.current_version(proposal)
    return _proposal_out(proposal) | {
        "text": version.text if version else "",
        "outcome_statement": proposal.outcome_statement,
        "review_on": proposal.review_on,
        "not_voted": [labels[s] for s in tally.not_voted],
        "seats": seats,
        "decision": decision.number if decision else None,
    }


@router.post(
    "/proposals/{number}/votes",
    response={201: VoteOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Cast a seat's vote",
)
def cast_vote(request: HttpRequest, number: int, body: VoteIn) -> Status:
    """The same action as the page: as a holder or deputy of the seat, or with the seat's
    proxy. An objection needs a reason; a vote can be changed until the close."""
    proposal = access.get_visible_or_404(
        Proposal.objects.select_related("body"), request.user, number=number
    )
    seat = Seat.objects.filter(body=proposal.body, label=body.seat).first()
    if seat is None:
        return Status(400, {"detail": f"No seat {body.seat!r} in this body.", "field": "seat"})
    try:
        vote: Vote = actions.cast_vote(
            by=request.user,  # type: ignore[arg-type]  # the auth guarantees a person
            proposal=proposal,
            seat=seat,
            choice=body.choice,
            reason=body.reason,
        )
    except PermissionDenied:
        return Status(403, {"detail": "You may not cast this seat's vote."})
    except ActionError as error:
        if error.code == "conflict":
            return Status(409, {"detail": error.messages[0]})
        return Status(400, {"detail": error.messages[0], "field": error.field or ""})
    return Status(
        201,
        {
            "seat": seat.label,
            "choice": vote.choice,
            "version": vote.version.number,
            "cast_by": vote.cast_by.full_name,
            "by_proxy": vote.proxy_id is not None,
        },
    )


def _decision_out(d: Decision, actor: access.Actor) -> dict[str, Any]:
    return {
        "number": d.number,
        "body": d.body.slug,
        "title": d.title,
        "text": d.text,
        "decided_on": d.decided_on,
        "confidential": d.confidential,
        "corrects": d.corrects.number if d.corrects else None,
        "corrected_by": [c.number for c in d.corrections.all()],
        "effect_type": d.effect_type,
        "effect": effect_text(d.effect_type, d.effect_params),
        "effect_state": d.effect_state,
        "proposal": (d.proposal.number if d.proposal and actions.can_see(actor, d.body) else None),
    }


def _decisions(request: HttpRequest) -> Any:
    return (
        Decision.objects.visible_to(request.user)
        .select_related("body", "corrects", "proposal")
        .prefetch_related("corrections")
        .order_by("-number")
    )


@router.get("/decisions", response=list[DecisionOut], auth=PUBLIC, summary="The decision log")
@paginate
def list_decisions(request: HttpRequest):
    """Public, newest first; confidential decisions only for their body and the
    secretariat."""
    actor = access.actor_for(request.user)
    return Converted(_decisions(request), lambda page: [_decision_out(d, actor) for d in page])


@router.get(
    "/decisions/{number}",
    response={200: DecisionOut, 404: Error},
    auth=PUBLIC,
    summary="Get a decision",
)
def get_decision(request: HttpRequest, number: int) -> dict[str, Any]:
    decision = access.get_visible_or_404(_decisions(request), request.user, number=number)
    return _decision_out(decision, access.actor_for(request.user))
