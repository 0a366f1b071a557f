"""API of reporting: reporting cycles and each party's submission: opening a cycle, answering
(saved as the person types), evidence, validation, submitting, reminders and the secretariat's
overview. Writes go through the same actions as the pages.

A submission answers its party's members; the secretariat and the committee read its row
and, once submitted, its content; anyone else gets 404. Writes need an editor or
administrator of the party (403). A refused change answers 400 with the field, or 409 when
the submission or cycle is not in a state for it."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from convenant.core import access, limits
from convenant.core.errors import ActionError
from convenant.reporting.actions import cycles as cycle_actions
from convenant.reporting.actions import submissions as actions
from convenant.reporting.models import Answer, Cycle, Evidence, Framework, Submission, Target

router = Router(tags=["reporting"])

Line = Annotated[str, Field(max_length=limits.LINE)]
Message = Annotated[str, Field(max_length=limits.MESSAGE)]
Code = Annotated[str, Field(min_length=1, max_length=40)]
# A target in percent of funds: a number, so that the document says what is accepted.
Percent = Annotated[float, Field(ge=0, le=100)]


class Error(Schema):
    detail: str


class FieldError(Schema):
    detail: str
    field: str = ""


# --- Schemas -----------------------------------------------------------------------------


class ReportingCycleOut(Schema):
    label: str
    name: str
    kind: str
    state: str
    framework: str
    reference_date: datetime.date
    opens_on: datetime.date
    closes_on: datetime.date
    corrections_until: datetime.date | None
    targets: dict[str, Decimal]


class ReportingCycleIn(Schema):
    label: Annotated[str, Field(min_length=1, max_length=20)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal["baseline", "progress", "final"]
    framework: Annotated[str, Field(min_length=1, max_length=20)]
    reference_date: datetime.date
    opens_on: datetime.date
    closes_on: datetime.date
    corrections_until: datetime.date | None = None
    targets: dict[Code, Percent | None] = {}


class ReportingCyclePatch(Schema):
    label: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    kind: Literal["baseline", "progress", "final"] | None = None
    framework: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    reference_date: datetime.date | None = None
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None
    corrections_until: datetime.date | None = None
    targets: dict[Code, Percent | None] | None = None


class SubmissionRowOut(Schema):
    """A submission's row: what the secretariat and the committee administer, no answer."""

    id: int
    cycle: str
    party: str  # the party's code
    party_name: str
    party_left_on: datetime.date | None
    questionnaire: str
    version: int
    state: str
    late: bool
    submitted_at: datetime.datetime | None


class OverviewRowOut(SubmissionRowOut):
    last_saved: datetime.datetime | None
    answered: int
    asked: int
    to_confirm: int
    reminders: int
    reminder_emails: dict[str, int]


class SubmissionAnswerOut(Schema):
    question: str
    indicator: str
    kind: str
    value: Any = None
    not_applicable: bool
    comment: str
    state: str
    source: str
    source_url: str
    evidence: list[int]


class MissingOut(Schema):
    question: str
    reason: str


class SubmissionOut(SubmissionRowOut):
    public_indicators: list[str]
    invested_assets_eur: Decimal | None
    answered: int
    asked: int
    to_confirm: int
    missing: list[MissingOut]
    answers: list[SubmissionAnswerOut]


class SubmissionAnswerIn(Schema):
    """One question's answer. ``value`` as typed (yes/no, a choice's value, a number such as
    1.234,5 or 1,234.5, a percentage, an ISO date, text); null or "" clears it. A field left
    out stays as it is."""

    value: Annotated[str, Field(max_length=limits.MESSAGE)] | bool | float | None = None
    not_applicable: bool | None = None
    comment: Message | None = None


class SubmissionAnswerSavedOut(Schema):
    question: str
    state: str
    not_applicable: bool
    submission_state: str
    answered: int
    asked: int
    to_confirm: int


class PublicIndicatorsIn(Schema):
    indicators: list[Code]


class RemindersIn(Schema):
    parties: Annotated[list[Code], Field(min_length=1, max_length=500)]


class RemindersOut(Schema):
    reminded: list[str]


class SubmissionEvidenceOut(Schema):
    id: int
    question: str
    title: str
    content_type: str
    size: int
    sha256: str


# --- Helpers -----------------------------------------------------------------------------


def _refused(error: ActionError) -> Status:
    if error.code == "forbidden":
        return Status(403, {"detail": error.messages[0]})
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _cycle(request: HttpRequest, label: str) -> Cycle:
    return access.get_visible_or_404(
        Cycle.objects.select_related("framework"), request.user, label=label
    )


def _submission(request: HttpRequest, pk: int) -> Submission:
    return access.get_visible_or_404(
        Submission.objects.select_related("cycle", "cycle__framework", "party"),
        request.user,
        pk=pk,
    )


def _cycle_out(cycle: Cycle, user: Any) -> dict[str, Any]:
    return {
        "label": cycle.label,
        "name": cycle.name,
        "kind": cycle.kind,
        "state": cycle.state,
        "framework": cycle.framework.version,
        "reference_date": cycle.reference_date,
        "opens_on": cycle.opens_on,
        "closes_on": cycle.closes_on,
        "corrections_until": cycle.corrections_until,
        "targets": {
            t.indicator_code: t.share for t in Target.objects.visible_to(user).filter(cycle=cycle)
        },
    }


def _row_out(s: Submission) -> dict[str, Any]:
    return {
        "id": s.pk,
        "cycle": s.cycle.label,
        "party": s.party.code,
        "party_name": s.party.name,
        "party_left_on": s.party.left_on,
        "questionnaire": s.questionnaire,
        "version": s.version,
        "state": s.state,
        "late": actions.is_late(s),
        "submitted_at": s.submitted_at,
    }


def _submission_out(request: HttpRequest, s: Submission) -> dict[str, Any]:
    out = _row_out(s)
    answers = {
        a.question.code: a
        for a in Answer.objects.visible_to(request.user)
        .filter(submission=s)
        .select_related("question", "question__indicator")
    }
    reads_content = bool(answers) or s.party_id in access.actor_for(request.user).party_ids
    evidence: dict[int | None, list[int]] = {}
    for e in Evidence.objects.visible_to(request.user).filter(submission=s):
        evidence.setdefault(e.question_id, []).append(e.pk)
    questions = actions.questions_of(s)
    progress = actions.progress_of(questions, answers) if reads_content else None
    missing = actions.missing(s, answers) if answers else []
    out.update(
        {
            "public_indicators": list(s.public_indicators),
            "invested_assets_eur": s.invested_assets_eur,
            "answered": progress.answered if progress else 0,
            "asked": progress.asked if progress else 0,
            "to_confirm": progress.to_confirm if progress else 0,
            "missing": [{"question": m.question.code, "reason": m.reason} for m in missing],
            "answers": [
                {
                    "question": a.question.code,
                    "indicator": a.question.indicator.code,
                    "kind": a.question.kind,
                    "value": a.value,
                    "not_applicable": a.not_applicable,
                    "comment": a.comment,
                    "state": a.state,
                    "source": a.source,
                    "source_url": a.source_url,
                    "evidence": evidence.get(a.question_id, []),
                }
                for a in answers.values()
            ],
        }
    )
    return out


# --- Cycles ------------------------------------------------------------------------------


@router.get(
    "/reporting/cycles",
    response={200: list[ReportingCycleOut]},
    summary="The reporting cycles, newest reference date first",
)
@paginate
def list_reporting_cycles(request: HttpRequest) -> Any:
    """The covenant's parties, the secretariat and the committee; everyone else only the
    cycles whose report is published."""
    return [
        _cycle_out(c, request.user)
        for c in Cycle.objects.visible_to(request.user).select_related("framework")
    ]


def _framework(version: str) -> Framework | None:
    return Framework.objects.visible_to(None).filter(version=version).first()


@router.post(
    "/reporting/cycles",
    response={201: ReportingCycleOut, 400: FieldError, 403: Error, 409: Error},
    summary="Prepare a reporting cycle (the secretariat)",
)
def create_reporting_cycle(request: HttpRequest, body: ReportingCycleIn) -> Any:
    """In preparation until it is opened. ``targets``: per main indicator the share of funds
    aimed for, in percent."""
    framework = _framework(body.framework)
    try:
        if framework is None:
            raise ActionError(f"No framework version {body.framework}.", field="framework")
        cycle = cycle_actions.create_cycle(
            by=request.user,  # type: ignore[arg-type]
            label=body.label,
            name=body.name,
            kind=body.kind,
            framework=framework,
            reference_date=body.reference_date,
            opens_on=body.opens_on,
            closes_on=body.closes_on,
            corrections_until=body.corrections_until,
            targets=dict(body.targets),
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _cycle_out(cycle, request.user))


@router.get(
    "/reporting/cycles/{label}",
    response={200: ReportingCycleOut, 404: Error},
    summary="A reporting cycle with its targets",
)
def get_reporting_cycle(request: HttpRequest, label: str) -> Any:
    return _cycle_out(_cycle(request, label), request.user)


@router.patch(
    "/reporting/cycles/{label}",
    response={200: ReportingCycleOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Change a cycle in preparation (the secretariat)",
)
def update_reporting_cycle(request: HttpRequest, label: str, body: ReportingCyclePatch) -> Any:
    cycle = _cycle(request, label)
    changes: dict[str, Any] = body.dict(exclude_unset=True)
    try:
        if "framework" in changes:
            framework = _framework(changes["framework"] or "")
            if framework is None:
                raise ActionError(
                    f"No framework version {changes['framework']}.", field="framework"
                )
            changes["framework"] = framework
        cycle = cycle_actions.update_cycle(
            by=request.user,  # type: ignore[arg-type]
            cycle=cycle,
            changes=changes,
        )
    except ActionError as error:
        return _refused(error)
    return _cycle_out(cycle, request.user)


@router.post(
    "/reporting/cycles/{label}/open",
    response={200: ReportingCycleOut, 403: Error, 404: Error, 409: Error},
    summary="Open a cycle: its framework is frozen, every party that reports gets its submission",
)
def open_reporting_cycle(request: HttpRequest, label: str) -> Any:
    cycle = _cycle(request, label)
    try:
        cycle = cycle_actions.open_cycle(by=request.user, cycle=cycle)  # type: ignore[arg-type]
    except ActionError as error:
        return _refused(error)
    return _cycle_out(cycle, request.user)


@router.post(
    "/reporting/cycles/{label}/close",
    response={200: ReportingCycleOut, 403: Error, 404: Error, 409: Error},
    summary="Close an open cycle (the secretariat)",
)
def close_reporting_cycle(request: HttpRequest, label: str) -> Any:
    cycle = _cycle(request, label)
    try:
        cycle = cycle_actions.close_cycle(by=request.user, cycle=cycle)  # type: ignore[arg-type]
    except ActionError as error:
        return _refused(error)
    return _cycle_out(cycle, request.user)


@router.get(
    "/reporting/cycles/{label}/overview",
    response={200: list[OverviewRowOut], 403: Error, 404: Error},
    summary="Per party its submission's state, progress and reminders (no answers)",
)
def reporting_cycle_overview(request: HttpRequest, label: str) -> Any:
    """For the secretariat and the committee, which administer the cycle: the row per party,
    never an answer."""
    cycle = _cycle(request, label)
    actor = access.actor_for(request.user)
    if not (actor.is_secretariat or actor.is_monitoring_committee):
        return Status(403, {"detail": "For the secretariat and the monitoring committee."})
    return [
        {
            **_row_out(r.submission),
            "last_saved": r.last_saved,
            "answered": r.progress.answered,
            "asked": r.progress.asked,
            "to_confirm": r.progress.to_confirm,
            "reminders": len(r.reminders),
            "reminder_emails": r.jobs,
        }
        for r in actions.overview(by=request.user, cycle=cycle)  # type: ignore[arg-type]
    ]


@router.post(
    "/reporting/cycles/{label}/reminders",
    response={200: RemindersOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Remind parties that have not submitted (the secretariat)",
)
def send_reporting_reminders(request: HttpRequest, label: str, body: RemindersIn) -> Any:
    """``parties``: the codes of the parties to remind; each gets an e-mail per editor and
    administrator, followed on the jobs page."""
    cycle = _cycle(request, label)
    if not access.actor_for(request.user).is_secretariat:
        return Status(403, {"detail": "Only the secretariat sends reminders."})
    codes = {c.strip().upper() for c in body.parties}
    latest: dict[str, int] = {}
    for pk, code in (
        Submission.objects.visible_to(request.user)
        .filter(cycle=cycle, party__code__in=codes)
        .order_by("version")
        .values_list("pk", "party__code")
    ):
        latest[code] = pk  # per party its newest version
    ids = list(latest.values())
    try:
        if len(ids) < len(codes):
            raise ActionError("Not every code is a party of this cycle.", field="parties")
        sent = actions.send_reminders(
            by=request.user,  # type: ignore[arg-type]
            cycle=cycle,
            submission_ids=ids,
        )
    except ActionError as error:
        return _refused(error)
    return {"reminded": [r.submission.party.code for r in sent]}


# --- Submissions -------------------------------------------------------------------------


@router.get(
    "/reporting/submissions",
    response=list[SubmissionRowOut],
    summary="Submissions you may see: your parties' own; all of them for the secretariat and "
    "the committee",
)
@paginate
def list_submissions(request: HttpRequest, cycle: Annotated[str, Query(max_length=20)] = "") -> Any:
    rows = (
        Submission.objects.visible_to(request.user)
        .select_related("cycle", "party")
        .order_by("-cycle__reference_date", "party__name", "version")
    )
    if cycle:
        rows = rows.filter(cycle__label=cycle)
    return [_row_out(s) for s in rows]


@router.get(
    "/reporting/submissions/{pk}",
    response={200: SubmissionOut, 404: Error},
    summary="A submission with its answers and what is still missing",
)
def get_submission(request: HttpRequest, pk: int) -> Any:
    """The answers are the party's own until submitted: the secretariat and the committee
    get a draft's row with no answers."""
    return _submission_out(request, _submission(request, pk))


@router.post(
    "/reporting/submissions/{pk}/start",
    response={200: SubmissionOut, 403: Error, 404: Error, 409: Error},
    summary="Start a submission: the answers the platform knows are pre-filled",
)
def start_reporting_submission(request: HttpRequest, pk: int) -> Any:
    submission = _submission(request, pk)
    try:
        actions.start_submission(by=request.user, submission=submission)  # type: ignore[arg-type]
    except ActionError as error:
        return _refused(error)
    return _submission_out(request, _submission(request, pk))


@router.put(
    "/reporting/submissions/{pk}/answers/{code}",
    response={200: SubmissionAnswerSavedOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Save one question's answer (the page's autosave)",
)
def submission_put_answer(
    request: HttpRequest, pk: int, code: str, body: SubmissionAnswerIn
) -> Any:
    """Changing a pre-filled value confirms it; the first save starts the submission and
    pre-fills the empty answers."""
    submission = _submission(request, pk)
    sent = body.dict(exclude_unset=True)
    try:
        locked = actions.save_answers(
            by=request.user,  # type: ignore[arg-type]
            submission=submission,
            changes=[
                actions.Change(
                    code=code,
                    value=sent.get("value"),
                    value_sent="value" in sent,
                    not_applicable=sent.get("not_applicable"),
                    comment=sent.get("comment"),
                )
            ],
        )
    except ActionError as error:
        return _refused(error)
    answer = (
        Answer.objects.visible_to(request.user)
        .filter(submission=locked, question__code=code)
        .first()
    )
    progress = actions.progress(locked)
    return {
        "question": code,
        "state": answer.state if answer else "",
        "not_applicable": answer.not_applicable if answer else False,
        "submission_state": locked.state,
        "answered": progress.answered,
        "asked": progress.asked,
        "to_confirm": progress.to_confirm,
    }


@router.post(
    "/reporting/submissions/{pk}/answers/{code}/confirm",
    response={200: SubmissionAnswerSavedOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Confirm a pre-filled answer",
)
def submission_confirm_answer(request: HttpRequest, pk: int, code: str) -> Any:
    submission = _submission(request, pk)
    try:
        answer = actions.confirm_answer(
            by=request.user,  # type: ignore[arg-type]
            submission=submission,
            code=code,
        )
    except ActionError as error:
        return _refused(error)
    progress = actions.progress(submission)
    return {
        "question": code,
        "state": answer.state,
        "not_applicable": answer.not_applicable,
        "submission_state": submission.state,
        "answered": progress.answered,
        "asked": progress.asked,
        "to_confirm": progress.to_confirm,
    }


@router.post(
    "/reporting/submissions/{pk}/evidence",
    response={201: SubmissionEvidenceOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Upload a document behind an answer",
)
def submission_upload_evidence(
    request: HttpRequest,
    pk: int,
    question: Form[Code],
    title: Annotated[str, Form(max_length=limits.LINE)] = "",
    # Optional to ninja so that a missing or empty file gets the action's own message (400,
    # on the field) rather than a bare 422: a multipart part without bytes is no file.
    file: UploadedFile | None = File(None),  # noqa: B008  (ninja's way to declare it)
) -> Any:
    """A PDF, Word, OpenDocument, Excel, PNG or JPEG file, checked by its content, within
    the size limit. For an evidence question the upload is its answer."""
    submission = _submission(request, pk)
    try:
        if file is None:
            raise ActionError("Choose a file to upload.", field="file")
        if (file.size or 0) > actions.max_evidence_bytes():
            raise ActionError(
                f"A document may be at most {actions.max_evidence_bytes() // 2**20} MB.",
                field="file",
            )
        evidence = actions.upload_evidence(
            by=request.user,  # type: ignore[arg-type]
            submission=submission,
            code=question,
            title=title,
            filename=file.name or "",
            data=file.read(),
        )
    except ActionError as error:
        return _refused(error)
    return Status(
        201,
        {
            "id": evidence.pk,
            "question": question,
            "title": evidence.title,
            "content_type": evidence.content_type,
            "size": evidence.size,
            "sha256": evidence.sha256,
        },
    )


@router.put(
    "/reporting/submissions/{pk}/public-indicators",
    response={200: SubmissionOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Choose the main indicators whose own result the fund publishes",
)
def submission_public_indicators(request: HttpRequest, pk: int, body: PublicIndicatorsIn) -> Any:
    submission = _submission(request, pk)
    try:
        actions.set_public_indicators(
            by=request.user,  # type: ignore[arg-type]
            submission=submission,
            codes=list(body.indicators),
        )
    except ActionError as error:
        return _refused(error)
    return _submission_out(request, _submission(request, pk))


@router.post(
    "/reporting/submissions/{pk}/submit",
    response={200: SubmissionOut, 403: Error, 404: Error, 409: Error},
    summary="Submit (or resubmit after the committee's questions)",
)
def submit_submission(request: HttpRequest, pk: int) -> Any:
    """Refused (409, saying what) while an answer is missing or pre-filled and not
    confirmed, or, after questions, while an open question lacks the party's answer."""
    submission = _submission(request, pk)
    try:
        actions.submit(by=request.user, submission=submission)  # type: ignore[arg-type]
    except ActionError as error:
        return _refused(error)
    return _submission_out(request, _submission(request, pk))
