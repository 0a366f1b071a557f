"""API of governance's bodies, meetings and action items: the same rows as the pages. Who
sits where is public to every signed-in caller; meetings reach only the body's members and
the secretariat; action items are the caller's own, their party's and their bodies'."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from convenant.core import access
from convenant.core.api import Converted, Error
from convenant.governance.models import (
    ActionItem,
    AgendaDocument,
    AgendaItem,
    Body,
    Meeting,
)
from convenant.governance.views.bodies import seat_table

router = Router(tags=["governance"])


class PersonRef(Schema):
    name: str
    party: str | None


class SeatOut(Schema):
    id: int
    label: str
    constituency: str | None
    has_vote: bool
    holder: PersonRef | None  # null: vacant
    deputy: PersonRef | None


class BodyOut(Schema):
    slug: str
    name: str
    kind: str
    parent: str | None  # the slug of the body it reports to
    established_on: datetime.date
    dissolved_on: datetime.date | None


class BodyDetailOut(BodyOut):
    mandate: str
    seats: list[SeatOut]
    members: list[PersonRef]


class MeetingOut(Schema):
    id: int
    body: str  # slug
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str
    state: str


class DocumentOut(Schema):
    id: int
    title: str
    url: str


class AgendaItemOut(Schema):
    id: int
    parent: int | None
    title: str
    presenter: str | None
    duration_minutes: int
    handled: bool
    outcome: str
    outcome_text: str
    proposal: int | None  # its number
    carried_from: int | None  # the item it continues
    documents: list[DocumentOut]


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut]
    minutes: str  # the draft too: only the body's members and the secretariat get here
    minutes_approved: bool


class ActionItemOut(Schema):
    id: int
    body: str
    title: str
    owner_person: str | None
    owner_party: str | None
    due_on: datetime.date
    status: str
    overdue: bool


def _person(assignment: object | None) -> dict[str, str | None] | None:
    if assignment is None:
        return None
    party = getattr(assignment, "party", None)
    return {"name": assignment.user.full_name, "party": party.name if party else None}  # type: ignore[attr-defined]


def _body_out(body: Body) -> dict[str, object]:
    return {
        "slug": body.slug,
        "name": str(body),
        "kind": body.kind,
        "parent": body.parent.slug if body.parent else None,
        "established_on": body.established_on,
        "dissolved_on": body.dissolved_on,
    }


@router.get("/bodies", response=list[BodyOut], summary="List the covenant's bodies")
def list_bodies(request: HttpRequest) -> list[dict[str, object]]:
    bodies = Body.objects.visible_to(request.user).select_related("parent")
    return [_body_out(b) for b in bodies]


@router.get(
    "/bodies/{slug}",
    response={200: BodyDetailOut, 404: Error},
    summary="Get a body with its seats today",
)
def get_body(request: HttpRequest, slug: str) -> dict[str, object]:
    """Each seat with its holder and deputy today; a holder who left their party leaves the
    seat vacant (null)."""
    body = access.get_visible_or_404(Body.objects.select_related("parent"), request.user, slug=slug)
    today = timezone.localdate()
    members = (
        body.memberships.visible_to(request.user).current(today).select_related("user", "party")
    )
    return {
        **_body_out(body),
        "mandate": body.description,
        "seats": [
            {
                "id": row["seat"].pk,
                "label": row["seat"].label,
                "constituency": str(row["seat"].constituency) if row["seat"].constituency else None,
                "has_vote": row["seat"].has_vote,
                "holder": _person(row["holder"]),
                "deputy": _person(row["deputy"]),
            }
            for row in seat_table(body, today)
        ],
        "members": [_person(m) for m in members],
    }


def _meeting_out(m: Meeting) -> dict[str, object]:
    return {
        "id": m.pk,
        "body": m.body.slug,
        "title": m.title,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "location": m.location,
        "state": m.state,
    }


@router.get("/meetings", response=list[MeetingOut], summary="List the meetings of your bodies")
@paginate
def list_meetings(request: HttpRequest, body: str = "", upcoming: bool = False):
    meetings = Meeting.objects.visible_to(request.user).select_related("body")
    if body:
        meetings = meetings.filter(body__slug=body)
    if upcoming:
        meetings = meetings.filter(ends_at__gte=timezone.now()).order_by("starts_at")
    return Converted(meetings, lambda page: [_meeting_out(m) for m in page])


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut, 404: Error},
    summary="Get a meeting with its agenda",
)
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, object]:
    from django.urls import reverse

    meeting = access.get_visible_or_404(
        Meeting.objects.select_related("body"), request.user, pk=meeting_id
    )
    items = (
        AgendaItem.objects.visible_to(request.user)
        .filter(meeting=meeting)
        .select_related("presenter", "proposal")
        .order_by("parent_id", "order", "pk")
    )
    documents: dict[int, list[dict[str, object]]] = {}
    for d in AgendaDocument.objects.visible_to(request.user).filter(item__meeting=meeting):
        documents.setdefault(d.item_id, []).append(
            {"id": d.pk, "title": d.title, "url": reverse("agenda_document", args=[d.pk])}
        )
    return {
        **_meeting_out(meeting),
        "agenda": [
            {
                "id": i.pk,
                "parent": i.parent_id,
                "title": i.title,
                "presenter": i.presenter.full_name if i.presenter else None,
                "duration_minutes": i.duration_minutes,
                "handled": i.handled,
                "outcome": i.outcome,
                "outcome_text": i.outcome_text,
                "proposal": i.proposal.number if i.proposal else None,
                "carried_from": i.carried_from_id,
                "documents": documents.get(i.pk, []),
            }
            for i in items
        ],
        "minutes": meeting.minutes,
        "minutes_approved": meeting.state == Meeting.State.MINUTES_APPROVED,
    }


@router.get("/action-items", response=list[ActionItemOut], summary="Your action items")
@paginate
def list_action_items(request: HttpRequest, status: str = "open", mine: bool = False):
    """The action items you own, your party owns, or of the bodies you sit in; ``mine=true``
    for only those you or your party own, ``status=all`` for done and cancelled ones too."""
    items = ActionItem.objects.visible_to(request.user).select_related(
        "body", "owner_user", "owner_party"
    )
    if mine:
        actor = access.actor_for(request.user)
        items = items.filter(Q(owner_user_id=actor.user_id) | Q(owner_party_id__in=actor.party_ids))
    if status != "all":
        items = items.filter(status=status if status in ActionItem.Status.values else "open")
    return Converted(
        items.order_by("due_on", "pk"),
        lambda page: [
            {
                "id": a.pk,
                "body": a.body.slug,
                "title": a.title,
                "owner_person": a.owner_user.full_name if a.owner_user else None,
                "owner_party": a.owner_party.name if a.owner_party else None,
                "due_on": a.due_on,
                "status": a.status,
                "overdue": a.overdue,
            }
            for a in page
        ],
    )
