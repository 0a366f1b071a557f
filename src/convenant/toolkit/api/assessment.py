"""API of toolkit: the requirement tree (a versioned library file) and a fund's yearly policy self-
assessment against it: answers with evidence, gaps with the model texts that close them, each
year started from the last, exported as XLSX and DOCX. Writes go through the same actions as the
pages.

A fund's assessments, answers and evidence answer only its own members (404 for anyone else,
as if they did not exist); writes need an editor of the fund (403). A refused change answers
400 with the field, or 409 when the assessment is completed or not ready to complete."""

import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from convenant.core import access, limits
from convenant.core.api import PUBLIC
from convenant.core.errors import ActionError
from convenant.parties.models import Party
from convenant.toolkit import assessment_report
from convenant.toolkit.actions import assessment as actions
from convenant.toolkit.models import EvidenceDocument, Requirement, SelfAssessment
from convenant.toolkit.requirements import latest_edition

router = Router(tags=["toolkit"])

Line = Annotated[str, Field(max_length=limits.LINE)]
Message = Annotated[str, Field(max_length=limits.MESSAGE)]
FundCode = Annotated[str, Field(min_length=1, max_length=40)]


class Error(Schema):
    detail: str


class FieldError(Schema):
    detail: str
    field: str = ""


# --- Schemas -----------------------------------------------------------------------------


class PolicyRequirementOut(Schema):
    edition: str
    key: str
    parent: str
    title: str
    title_en: str
    description: str
    description_en: str
    source: str
    closed_by: list[str]


class ClosingTextOut(Schema):
    identifier: str
    title: str
    url: str


class SelfAssessmentAnswerOut(Schema):
    requirement: str
    title: str
    status: str
    to_confirm: bool
    comment: str
    evidence: int | None
    passage: str
    gap: bool
    closed_by: list[ClosingTextOut]


class SelfAssessmentOut(Schema):
    id: int
    fund: str  # the fund's code
    year: int
    edition: str
    status: str
    started_from: int | None
    completed_on: datetime.date | None
    total: int
    answered: int
    unanswered: int
    to_confirm: int
    gaps: int


class SelfAssessmentDetailOut(SelfAssessmentOut):
    answers: list[SelfAssessmentAnswerOut]


class SelfAssessmentStartIn(Schema):
    fund: FundCode
    year: int = Field(ge=actions.FIRST_YEAR, le=2100)


class SelfAssessmentAnswerIn(Schema):
    status: Literal["met", "partly_met", "not_met", "not_applicable"]
    comment: Message = ""
    evidence: int | None = Field(default=None, ge=1, le=2**62)
    passage: Line = ""


class EvidenceDocumentOut(Schema):
    id: int
    fund: str
    title: str
    content_type: str
    uploaded_at: datetime.datetime


class SelfAssessmentStatusOut(Schema):
    fund: str
    name: str
    started: bool
    completed: bool


# --- Helpers -----------------------------------------------------------------------------


def _assessment_out(report: assessment_report.Report) -> dict[str, Any]:
    a = report.assessment
    return {
        "id": a.pk,
        "fund": a.fund.code,
        "year": a.year,
        "edition": a.edition,
        "status": a.status,
        "started_from": a.started_from_id,
        "completed_on": a.completed_on,
        "total": report.total,
        "answered": report.answered,
        "unanswered": report.unanswered,
        "to_confirm": report.to_confirm,
        "gaps": len(report.gaps),
    }


def _detail_out(report: assessment_report.Report) -> dict[str, Any]:
    out = _assessment_out(report)
    out["answers"] = [
        {
            "requirement": item.key,
            "title": item.title,
            "status": item.status,
            "to_confirm": item.to_confirm,
            "comment": item.answer.comment if item.answer else "",
            "evidence": item.answer.evidence_id if item.answer else None,
            "passage": item.answer.passage if item.answer else "",
            "gap": item.is_gap,
            "closed_by": [vars(c) for c in item.closing],
        }
        for item in report.items
    ]
    return out


def _refused(error: ActionError) -> Status:
    if error.code == "forbidden":
        return Status(403, {"detail": error.messages[0]})
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _fund(request: HttpRequest, code: str) -> Party | None:
    """One of the caller's own funds by its code (another's is unknown to them)."""
    actor = access.actor_for(request.user)
    return Party.objects.filter(code=code.strip().upper(), pk__in=actor.fund_ids).first()


def _visible(request: HttpRequest, pk: int) -> SelfAssessment:
    return access.get_visible_or_404(
        SelfAssessment.objects.select_related("fund"), request.user, pk=pk
    )


# --- The requirement tree (public) ---------------------------------------------------------


@router.get(
    "/toolkit/requirements",
    response=list[PolicyRequirementOut],
    auth=PUBLIC,
    summary="The requirement tree of an edition, with each node's sources",
)
@paginate
def list_requirements(
    request: HttpRequest, edition: Annotated[str, Query(max_length=20)] = ""
) -> Any:
    """Public reference data: the newest edition unless ``edition`` names another. Groups have
    no parent; a fund answers the nodes under them."""
    return [
        {
            "edition": r.edition,
            "key": r.key,
            "parent": r.parent_key,
            "title": r.title,
            "title_en": r.title_en,
            "description": r.description,
            "description_en": r.description_en,
            "source": r.source,
            "closed_by": list(r.closed_by),
        }
        for r in Requirement.objects.filter(edition=edition or latest_edition()).order_by("order")
    ]


# --- Self-assessments ----------------------------------------------------------------------


@router.get(
    "/toolkit/self-assessments",
    response=list[SelfAssessmentOut],
    summary="Your funds' self-assessments, newest year first",
)
@paginate
def list_self_assessments(request: HttpRequest) -> Any:
    assessments = (
        SelfAssessment.objects.visible_to(request.user)
        .select_related("fund")
        .order_by("fund__code", "-year")
    )
    return [_assessment_out(assessment_report.report_of(a, request.user)) for a in assessments]


@router.post(
    "/toolkit/self-assessments",
    response={201: SelfAssessmentDetailOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Start a year's self-assessment",
)
def start_self_assessment(request: HttpRequest, body: SelfAssessmentStartIn) -> Any:
    """As an editor of the fund. The first one has every requirement unanswered; a later one
    starts from the last year's answers, each ``to_confirm``."""
    fund = _fund(request, body.fund)
    if fund is None:
        return Status(404, Error(detail=f"No fund of yours with code {body.fund}."))
    try:
        assessment = actions.start_self_assessment(by=request.user, fund=fund, year=body.year)
    except ActionError as error:
        return _refused(error)
    return Status(201, _detail_out(assessment_report.report_of(assessment, request.user)))


@router.get(
    "/toolkit/self-assessments/status",
    response={200: list[SelfAssessmentStatusOut], 403: Error},
    summary="Per fund, whether a year's self-assessment exists and is completed",
)
def self_assessment_status(
    request: HttpRequest, year: Annotated[int, Query(ge=0, le=2100)] = 0
) -> Any:
    """For the secretariat, which administers the round: two facts per fund, no answers.
    ``year`` defaults to this year."""
    if not access.actor_for(request.user).is_secretariat:
        return Status(403, Error(detail="For the secretariat."))
    year = year or timezone.localdate().year
    return [
        {"fund": s.fund.code, "name": s.fund.name, "started": s.exists, "completed": s.completed}
        for s in actions.assessment_status(by=request.user, year=year)
    ]


@router.get(
    "/toolkit/self-assessments/{pk}",
    response={200: SelfAssessmentDetailOut, 404: Error},
    summary="A self-assessment with every answer and the gaps",
)
def get_self_assessment(request: HttpRequest, pk: int) -> Any:
    return _detail_out(assessment_report.report_of(_visible(request, pk), request.user))


@router.put(
    "/toolkit/self-assessments/{pk}/answers/{key}",
    response={200: SelfAssessmentAnswerOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Answer one requirement",
)
def put_answer(request: HttpRequest, pk: int, key: str, body: SelfAssessmentAnswerIn) -> Any:
    """Met, partly met, not met or not applicable, with a comment and, optionally, evidence:
    one of the fund's documents (``GET /toolkit/evidence``) with the page or passage. Clears "to
    confirm"."""
    assessment = _visible(request, pk)
    try:
        evidence = None
        if body.evidence is not None:
            evidence = (
                EvidenceDocument.objects.visible_to(request.user)
                .filter(pk=body.evidence, fund=assessment.fund)
                .first()
            )
            if evidence is None:
                raise ActionError(
                    f"No evidence document {body.evidence} of this fund.", field="evidence"
                )
        actions.answer_requirement(
            by=request.user,
            assessment=assessment,
            key=key,
            status=body.status,
            comment=body.comment,
            evidence=evidence,
            passage=body.passage,
        )
    except ActionError as error:
        return _refused(error)
    return _answer_of(request, assessment, key)


def _answer_of(request: HttpRequest, assessment: SelfAssessment, key: str) -> Any:
    report = assessment_report.report_of(assessment, request.user)
    return next(a for a in _detail_out(report)["answers"] if a["requirement"] == key)


@router.post(
    "/toolkit/self-assessments/{pk}/answers/{key}/confirm",
    response={200: SelfAssessmentAnswerOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Confirm last year's answer unchanged",
)
def confirm_answer(request: HttpRequest, pk: int, key: str) -> Any:
    assessment = _visible(request, pk)
    try:
        actions.confirm_answer(by=request.user, assessment=assessment, key=key)
    except ActionError as error:
        return _refused(error)
    return _answer_of(request, assessment, key)


@router.post(
    "/toolkit/self-assessments/{pk}/complete",
    response={200: SelfAssessmentOut, 403: Error, 404: Error, 409: Error},
    summary="Complete the self-assessment",
)
def complete_self_assessment(request: HttpRequest, pk: int) -> Any:
    """Only when every requirement is answered and nothing is left to confirm; 409 names what
    is left."""
    assessment = _visible(request, pk)
    try:
        actions.complete_self_assessment(by=request.user, assessment=assessment)
    except ActionError as error:
        return _refused(error)
    return _assessment_out(assessment_report.report_of(assessment, request.user))


@router.get(
    "/toolkit/self-assessments/{pk}/export/{file_format}",
    response={200: None, 404: Error},
    summary="The self-assessment as XLSX or DOCX, comments included",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
                },
            }
        }
    },
)
def export_self_assessment(
    request: HttpRequest, pk: int, file_format: Literal["xlsx", "docx"]
) -> Any:
    from convenant.toolkit.views.assessment import EXPORTS

    assessment = _visible(request, pk)
    report = assessment_report.report_of(assessment, request.user)
    data = (
        assessment_report.as_xlsx(report)
        if file_format == "xlsx"
        else assessment_report.as_docx(report)
    )
    response = HttpResponse(data, content_type=EXPORTS[file_format])
    name = f"self-assessment-{assessment.fund.code}-{assessment.year}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Evidence ------------------------------------------------------------------------------


def _evidence_out(d: EvidenceDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "fund": d.fund.code,
        "title": d.title,
        "content_type": d.content_type,
        "uploaded_at": d.created_at,
    }


@router.get(
    "/toolkit/evidence",
    response=list[EvidenceDocumentOut],
    summary="Your funds' evidence documents",
)
@paginate
def list_evidence(request: HttpRequest) -> Any:
    return [
        _evidence_out(d)
        for d in EvidenceDocument.objects.visible_to(request.user)
        .select_related("fund")
        .order_by("fund__code", "title", "pk")
    ]


@router.post(
    "/toolkit/evidence",
    response={201: EvidenceDocumentOut, 400: FieldError, 403: Error, 404: Error},
    summary="Upload an evidence document (PDF, DOCX or ODT)",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {"schema": {"properties": {"file": {"minLength": 1}}}}
            }
        }
    },
)
def upload_evidence(
    request: HttpRequest,
    file: File[UploadedFile],
    fund: Annotated[str, Form(min_length=1, max_length=40)],
    title: Annotated[str, Form(max_length=limits.LINE)] = "",
) -> Any:
    """As an editor of the fund: a document checked by its content (PDF, Word or
    OpenDocument text), uploaded once and cited by any answer."""
    party = _fund(request, fund)
    if party is None:
        return Status(404, Error(detail=f"No fund of yours with code {fund}."))
    if file.size and file.size > actions.max_evidence_bytes():
        return Status(
            400,
            {
                "detail": f"A document may be at most {actions.max_evidence_bytes()} bytes.",
                "field": "file",
            },
        )
    try:
        document = actions.upload_evidence(
            by=request.user,
            fund=party,
            title=title,
            filename=Path(file.name or "upload").name,
            data=file.read(),
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _evidence_out(document))
