"""API of the deep track: a case's consultations (step A, with the group-level confidentiality and
redaction), remedies and company policy changes (step C), and progress with the grievance-
mechanism assessments against UNGP 31 (step D). Writes go through the same actions as the pages.

Reads answer what the caller may read, as the pages do: a case the caller may not read is
404; a ``group`` record is absent for readers outside the sub-working group, and a redacted
field of a consultation comes as ``null`` with its name in ``hidden``. Writes need the
``record`` right in the case (403 for its other readers); a refused one answers 400 with the
field, 409 when the record is locked or the case closed."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from convenant.core import access, limits
from convenant.core.errors import ActionError
from convenant.engagement.actions import fieldwork as actions
from convenant.engagement.models import (
    Case,
    Consultation,
    ConsultationNote,
    GrievanceAssessment,
    GrievanceScore,
    Remedy,
    in_group,
)
from convenant.engagement.models.cases import CONSULTATION_REDACTABLE

router = Router(tags=["engagement"])

Line = Annotated[str, Field(max_length=limits.LINE)]
Message = Annotated[str, Field(max_length=limits.MESSAGE)]
Text = Annotated[str, Field(max_length=limits.TEXT)]
Key = Annotated[str, Field(max_length=40)]
Reference = Annotated[str, Field(max_length=40)]


class FieldError(Schema):
    detail: str
    field: str = ""


class Error(Schema):
    detail: str


# --- Schemas -----------------------------------------------------------------------------


class ConsultationOut(Schema):
    id: int
    case: str
    held_on: datetime.date
    kind: str
    with_whom: str
    groups: list[str]
    # null when hidden from the caller (named in ``hidden``).
    people: str | None
    site: str | None
    findings: str | None
    hidden: list[str]
    people_at_risk: bool
    level: str
    redactions: dict[str, str]
    locked: bool  # past the lock period: add a note instead of correcting it
    notes: list[str]


class ConsultationIn(Schema):
    held_on: datetime.date
    kind: Key  # stakeholder, local_partner or affected_group
    with_whom: Line
    findings: Text
    groups: list[Key] = Field(default=[], max_length=10)
    people: Message = ""
    site: Line = ""
    people_at_risk: bool = False
    level: Key = ""  # case or group; empty: group where people are at risk, else case
    # Fields opened to the case's readers: {"findings": "case"}; absent: the group only.
    redactions: dict[Key, Key] = Field(default={}, max_length=5)


class ConsultationPatch(Schema):
    held_on: datetime.date | None = None
    kind: Key | None = None
    with_whom: Line | None = None
    findings: Text | None = None
    groups: list[Key] | None = Field(default=None, max_length=10)
    people: Message | None = None
    site: Line | None = None
    people_at_risk: bool | None = None
    level: Key | None = None
    redactions: dict[Key, Key] | None = Field(default=None, max_length=5)


class NoteIn(Schema):
    text: Message


class RemedyOut(Schema):
    id: int
    case: str
    kind: str
    what: str
    for_whom: str
    by_whom: str
    status: str
    status_on: datetime.date
    due_on: datetime.date | None
    evidence: str
    level: str


class RemedyIn(Schema):
    kind: Key  # remedy or policy_change
    what: Text
    for_whom: Line = ""
    by_whom: Line = ""
    status: Key = "identified"
    status_on: datetime.date | None = None
    due_on: datetime.date | None = None
    evidence: Text = ""
    level: Key = "case"


class RemedyStatusIn(Schema):
    status: Key
    status_on: datetime.date | None = None
    evidence: Text | None = None  # not sent: the evidence stays
    note: Message = ""


class RatingIn(Schema):
    criterion: Key
    rating: int = Field(ge=0, le=3)
    evidence: Message


class RatingOut(Schema):
    criterion: str
    rating: int
    evidence: str


class AssessmentIn(Schema):
    assessed_on: datetime.date
    mechanism: Line
    summary: Text = ""
    ratings: list[RatingIn] = Field(max_length=8)


class AssessmentOut(Schema):
    id: int
    case: str
    assessed_on: datetime.date
    mechanism: str
    summary: str
    ratings: list[RatingOut]


# --- Helpers -----------------------------------------------------------------------------


def _refused(error: ActionError) -> Status:
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _case(request: HttpRequest, reference: str) -> Case:
    return access.get_visible_or_404(Case, request.user, reference=reference)


def _consultations_out(request: HttpRequest, rows: list[Consultation]) -> list[dict[str, Any]]:
    actor = access.actor_for(request.user)
    notes: dict[int, list[str]] = {c.pk: [] for c in rows}
    for note in ConsultationNote.objects.visible_to(request.user).filter(consultation__in=rows):
        notes[note.consultation_id].append(note.text)
    out = []
    for c in rows:
        member = in_group(actor, c.case)
        hidden = [f for f in CONSULTATION_REDACTABLE if not c.shows(f, member)]
        out.append(
            {
                "id": c.pk,
                "case": c.case.reference,
                "held_on": c.held_on,
                "kind": c.kind,
                "with_whom": c.with_whom,
                "groups": list(c.groups),
                **{f: None if f in hidden else getattr(c, f) for f in CONSULTATION_REDACTABLE},
                "hidden": hidden,
                "people_at_risk": c.people_at_risk,
                "level": c.level,
                "redactions": dict(c.redactions),
                "locked": actions.is_locked(c),
                "notes": notes[c.pk],
            }
        )
    return out


def _remedy_out(r: Remedy) -> dict[str, Any]:
    return {
        "id": r.pk,
        "case": r.case.reference,
        "kind": r.kind,
        "what": r.what,
        "for_whom": r.for_whom,
        "by_whom": r.by_whom,
        "status": r.status,
        "status_on": r.status_on,
        "due_on": r.due_on,
        "evidence": r.evidence,
        "level": r.level,
    }


def _assessments_out(
    request: HttpRequest, assessments: list[GrievanceAssessment]
) -> list[dict[str, Any]]:
    scores: dict[int, list[GrievanceScore]] = {a.pk: [] for a in assessments}
    for s in GrievanceScore.objects.visible_to(request.user).filter(assessment__in=assessments):
        scores[s.assessment_id].append(s)
    return [
        {
            "id": a.pk,
            "case": a.case.reference,
            "assessed_on": a.assessed_on,
            "mechanism": a.mechanism,
            "summary": a.summary,
            "ratings": [
                {"criterion": s.criterion, "rating": s.rating, "evidence": s.evidence}
                for s in sorted(scores[a.pk], key=lambda s: s.pk)
            ],
        }
        for a in assessments
    ]


def _no_right() -> Status:
    return Status(403, {"detail": "Only the case's group members who record may do this."})


# --- Step A: consultations ---------------------------------------------------------------


@router.get(
    "/cases/{reference}/consultations",
    response={200: list[ConsultationOut], 404: Error},
    summary="A case's consultations, newest first (redacted as for the caller)",
)
def list_case_consultations(request: HttpRequest, reference: Reference) -> Any:
    case = _case(request, reference)
    rows = list(
        Consultation.objects.visible_to(request.user)
        .filter(case=case)
        .select_related("case")
        .order_by("-held_on", "-pk")
    )
    return _consultations_out(request, rows)


@router.post(
    "/cases/{reference}/consultations",
    response={201: ConsultationOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Record a consultation",
)
def record_case_consultation(
    request: HttpRequest, reference: Reference, body: ConsultationIn
) -> Any:
    """Where people are at risk (``people_at_risk``) the names of people and the exact
    location never leave the group: opening them is refused."""
    case = _case(request, reference)
    if not actions.may_record(request.user, case):
        return _no_right()
    try:
        consultation = actions.record_consultation(by=request.user, case=case, **body.dict())
    except ActionError as error:
        return _refused(error)
    return Status(201, _consultations_out(request, [consultation])[0])


@router.patch(
    "/consultations/{pk}",
    response={200: ConsultationOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Correct a consultation (within the lock period)",
)
def correct_case_consultation(request: HttpRequest, pk: int, body: ConsultationPatch) -> Any:
    consultation = access.get_visible_or_404(
        Consultation.objects.select_related("case"), request.user, pk=pk
    )
    if not actions.may_record(request.user, consultation.case):
        return _no_right()
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    try:
        for name, value in changes.items():
            if value is None:
                raise ActionError(f"{name} cannot be empty.", field=name)
        consultation = actions.correct_consultation(
            by=request.user, consultation=consultation, **changes
        )
    except ActionError as error:
        return _refused(error)
    return _consultations_out(request, [consultation])[0]


@router.post(
    "/consultations/{pk}/notes",
    response={201: ConsultationOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Add a note to a consultation (the way to add to a locked one)",
)
def annotate_case_consultation(request: HttpRequest, pk: int, body: NoteIn) -> Any:
    consultation = access.get_visible_or_404(
        Consultation.objects.select_related("case"), request.user, pk=pk
    )
    if not actions.may_record(request.user, consultation.case):
        return _no_right()
    try:
        actions.annotate_consultation(by=request.user, consultation=consultation, text=body.text)
    except ActionError as error:
        return _refused(error)
    return Status(201, _consultations_out(request, [consultation])[0])


# --- Step C: remedies and policy changes -------------------------------------------------


@router.get(
    "/cases/{reference}/remedies",
    response={200: list[RemedyOut], 404: Error},
    summary="A case's remedies and company policy changes",
)
def list_case_remedies(request: HttpRequest, reference: Reference, kind: Key = "") -> Any:
    """``kind``: remedy (for affected people) or policy_change; empty: both."""
    case = _case(request, reference)
    rows = Remedy.objects.visible_to(request.user).filter(case=case).select_related("case")
    if kind:
        rows = rows.filter(kind=kind)
    return [_remedy_out(r) for r in rows.order_by("kind", "pk")]


@router.post(
    "/cases/{reference}/remedies",
    response={201: RemedyOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Record remedy for affected people or a company policy change",
)
def record_case_remedy(request: HttpRequest, reference: Reference, body: RemedyIn) -> Any:
    case = _case(request, reference)
    if not actions.may_record(request.user, case):
        return _no_right()
    try:
        remedy = actions.record_remedy(by=request.user, case=case, **body.dict())
    except ActionError as error:
        return _refused(error)
    return Status(201, _remedy_out(remedy))


@router.post(
    "/remedies/{pk}/status",
    response={200: RemedyOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="A remedy's new status (provided needs evidence)",
)
def update_case_remedy(request: HttpRequest, pk: int, body: RemedyStatusIn) -> Any:
    remedy = access.get_visible_or_404(Remedy.objects.select_related("case"), request.user, pk=pk)
    if not actions.may_record(request.user, remedy.case):
        return _no_right()
    try:
        remedy = actions.update_remedy(by=request.user, remedy=remedy, **body.dict())
    except ActionError as error:
        return _refused(error)
    return _remedy_out(remedy)


# --- Step D: grievance-mechanism assessments ---------------------------------------------


@router.get(
    "/cases/{reference}/grievance-assessments",
    response={200: list[AssessmentOut], 404: Error},
    summary="A case's grievance-mechanism assessments, oldest first",
)
def list_grievance_assessments(request: HttpRequest, reference: Reference) -> Any:
    case = _case(request, reference)
    rows = list(
        GrievanceAssessment.objects.visible_to(request.user)
        .filter(case=case)
        .select_related("case")
        .order_by("assessed_on", "pk")
    )
    return _assessments_out(request, rows)


@router.post(
    "/cases/{reference}/grievance-assessments",
    response={201: AssessmentOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Assess the grievance mechanism on the eight UNGP 31 criteria",
)
def assess_grievance_mechanism(
    request: HttpRequest, reference: Reference, body: AssessmentIn
) -> Any:
    """All eight criteria (legitimate, accessible, predictable, equitable, transparent,
    rights_compatible, continuous_learning, engagement), each with a rating 0–3 and its
    evidence; a partial assessment is refused, naming the missing criteria."""
    case = _case(request, reference)
    if not actions.may_record(request.user, case):
        return _no_right()
    ratings: dict[str, tuple[Any, str]] = {}
    for rating in body.ratings:
        if rating.criterion in ratings:
            return Status(
                400, {"detail": f"{rating.criterion} is rated twice.", "field": "ratings"}
            )
        ratings[rating.criterion] = (rating.rating, rating.evidence)
    try:
        assessment = actions.assess_grievance_mechanism(
            by=request.user,
            case=case,
            assessed_on=body.assessed_on,
            mechanism=body.mechanism,
            summary=body.summary,
            ratings=ratings,
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _assessments_out(request, [assessment])[0])
