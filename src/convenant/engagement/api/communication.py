"""API of the deep track's step E: a case's communications (generated from publishable fields,
approved by the group, published) and the public list of what the groups published.

Reads answer what the caller may read (404 for a case or communication they may not, as if it
did not exist); writes go through the same actions as the pages and need the right in the
case (403 otherwise). A refused step of the flow answers 409 with the reason."""

import datetime
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from convenant.core import access, limits
from convenant.core.api import PUBLIC
from convenant.core.errors import ActionError
from convenant.engagement import case_rules
from convenant.engagement.actions import communication as actions
from convenant.engagement.models import Case, Communication, CommunicationApproval
from convenant.parties.models import Party

router = Router(tags=["engagement"])

Line = Annotated[str, Field(max_length=limits.LINE)]
Text = Annotated[str, Field(max_length=limits.TEXT)]
Reference = Annotated[str, Field(max_length=40)]


class FieldError(Schema):
    detail: str
    field: str = ""


class Error(Schema):
    detail: str


class CommunicationOut(Schema):
    id: int
    case: str  # the case's reference
    kind: str  # public or confidential
    title: str
    text: str
    generated_from: list[str]  # the publishable fields a public text was generated from
    names_company: bool
    status: str  # draft, proposed, approved, published or withdrawn
    published_on: datetime.date | None
    approved_by: list[str]  # the codes of the parties that approved the text as it stands
    awaiting: list[str]  # the codes of the parties whose approval is still needed


class CommunicationIn(Schema):
    """A public text is generated from the case's publishable fields (``title`` and
    ``text`` are ignored); a confidential one is sent with its ``title`` and ``text``."""

    kind: Literal["public", "confidential"]
    names_company: bool = False
    language: Literal["nl", "en"] = "nl"
    title: Line = ""
    text: Text = ""


class PublicationOut(Schema):
    case: str  # the case's reference: its public page is /deep-track/<reference>/
    title: str
    text: str
    published_on: datetime.date | None


# --- Helpers -----------------------------------------------------------------------------


def _case(request: HttpRequest, reference: str) -> Case:
    return access.get_visible_or_404(
        Case.objects.select_related("issuer"), request.user, reference=reference
    )


def _communication(request: HttpRequest, pk: int) -> Communication:
    return access.get_visible_or_404(
        Communication.objects.select_related("case__issuer"), request.user, pk=pk
    )


def _out(request: HttpRequest, communications: list[Communication]) -> list[dict[str, Any]]:
    approved: dict[int, list[str]] = {c.pk: [] for c in communications}
    for a in (
        CommunicationApproval.objects.visible_to(request.user)
        .filter(communication__in=communications)
        .select_related("party")
        .order_by("approved_at", "pk")
    ):
        approved[a.communication_id].append(a.party.code)
    # Only the case's readers see a proposed text, so only they learn who is awaited.
    awaited: dict[int, set[str]] = {}
    for c in communications:
        if c.status == Communication.Status.PROPOSED and c.case_id not in awaited:
            awaited[c.case_id] = set(
                Party.objects.filter(pk__in=actions.approving_parties(c.case)).values_list(
                    "code", flat=True
                )
            )
    return [
        {
            "id": c.pk,
            "case": c.case.reference,
            "kind": c.kind,
            "title": c.title,
            "text": c.text,
            "generated_from": list(c.generated_from),
            "names_company": c.names_company,
            "status": c.status,
            "published_on": c.published_on,
            "approved_by": approved[c.pk],
            "awaiting": sorted(awaited.get(c.case_id, set()) - set(approved[c.pk]))
            if c.status == Communication.Status.PROPOSED
            else [],
        }
        for c in communications
    ]


def _refused(error: ActionError) -> Status:
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _may(request: HttpRequest, case: Case, right: str) -> bool:
    return right in case_rules.actor_rights(access.actor_for(request.user), case)


# --- Communications ----------------------------------------------------------------------


@router.get(
    "/cases/{reference}/communications",
    response={200: list[CommunicationOut], 404: Error},
    summary="A case's communications",
)
@paginate
def list_case_communications(request: HttpRequest, reference: Reference) -> Any:
    """Every communication of a case the caller reads (newest first), with the parties that
    approved it and those still awaited."""
    case = _case(request, reference)
    rows = list(
        Communication.objects.visible_to(request.user)
        .filter(case=case)
        .select_related("case")
        .order_by("-created_at", "-pk")
    )
    return _out(request, rows)


@router.post(
    "/cases/{reference}/communications",
    response={201: CommunicationOut, 400: FieldError, 403: Error, 404: Error},
    summary="Draft a case communication",
)
def draft_case_communication(
    request: HttpRequest, reference: Reference, body: CommunicationIn
) -> Status:
    """As a member of the group with the right to draft (the lead fund, the secretary)."""
    case = _case(request, reference)
    if not _may(request, case, "draft_communication"):
        return Status(403, {"detail": "Only those who draft the case's communications may."})
    try:
        communication = actions.draft_communication(
            by=request.user,
            case=case,
            kind=body.kind,
            names_company=body.names_company,
            language=body.language,
            title=body.title,
            text=body.text,
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _out(request, [communication])[0])


@router.get(
    "/communications/{pk}",
    response={200: CommunicationOut, 404: Error},
    summary="A case communication",
)
def get_communication(request: HttpRequest, pk: int) -> Any:
    return _out(request, [_communication(request, pk)])[0]


def _flow(
    request: HttpRequest, pk: int, right: Callable[[Case], bool], do: Callable[..., Any]
) -> Status:
    communication = _communication(request, pk)
    if not right(communication.case):
        return Status(403, {"detail": "You may not take this step for the case."})
    try:
        communication = do(by=request.user, communication=communication)
    except ActionError as error:
        return _refused(error)
    except PermissionDenied:
        return Status(403, {"detail": "You may not take this step for the case."})
    return Status(200, _out(request, [communication])[0])


FLOW = {200: CommunicationOut, 400: FieldError, 403: Error, 404: Error, 409: Error}


@router.post("/communications/{pk}/propose", response=FLOW, summary="Put a draft to the group")
def propose_communication(request: HttpRequest, pk: int) -> Status:
    return _flow(
        request,
        pk,
        lambda case: _may(request, case, "draft_communication"),
        actions.propose_communication,
    )


@router.post("/communications/{pk}/approve", response=FLOW, summary="Approve a text for your party")
def approve_communication(request: HttpRequest, pk: int) -> Status:
    """For the party the caller sits for in the group; approved once every party has."""
    return _flow(
        request,
        pk,
        lambda case: _may(request, case, "approve_communication"),
        actions.approve_communication,
    )


@router.post(
    "/communications/{pk}/publish", response=FLOW, summary="Publish an approved public text"
)
def publish_communication(request: HttpRequest, pk: int) -> Status:
    return _flow(
        request, pk, lambda case: _may(request, case, "publish"), actions.publish_communication
    )


@router.post("/communications/{pk}/withdraw", response=FLOW, summary="Withdraw a communication")
def withdraw_communication(request: HttpRequest, pk: int) -> Status:
    return _flow(
        request,
        pk,
        lambda case: _may(request, case, "draft_communication") or _may(request, case, "publish"),
        actions.withdraw_communication,
    )


# --- What the public reads ---------------------------------------------------------------


@router.get(
    "/deep-track/publications",
    response=list[PublicationOut],
    auth=PUBLIC,
    summary="What the deep track's cases published",
)
@paginate
def list_publications(request: HttpRequest) -> Any:
    """Every published public communication of every case, newest first: all the public
    knows of the deep track. No log-in needed."""
    rows = (
        Communication.objects.visible_to(request.user)
        .published()
        .select_related("case")
        .order_by("-published_on", "-pk")
    )
    return [
        {"case": c.case.reference, "title": c.title, "text": c.text, "published_on": c.published_on}
        for c in rows
    ]
