"""API of reporting: the monitoring committee's workspace: each submitted submission with its
evidence, questions threaded per question, scores confirmed or corrected, acceptance, reopening
and corrections, findings and recommendations. Writes go through the same actions as the
pages; a refused change answers 400 with the field, or 409 when the submission's state does not
allow it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from convenant.core import access, limits
from convenant.core.api import Error
from convenant.core.errors import ActionError
from convenant.reporting.actions import review as actions
from convenant.reporting.models import (
    SUBMITTED_STATES,
    Answer,
    Cycle,
    Finding,
    Question,
    ReviewThread,
    Score,
    Submission,
)
from convenant.reporting.views.review import (
    _content_visible,
    _threads,
    is_reviewer,
    review_tree,
    sent_threads,
)

router = Router(tags=["reporting"])


class FieldError(Schema):
    detail: str
    field: str = ""


def _refused(error: ActionError) -> Status[Any]:
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    if error.code == "forbidden":
        return Status(403, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _forbidden(detail: str) -> Status[Any]:
    return Status(403, {"detail": detail})


def _submission(request: HttpRequest, submission_id: int) -> Submission:
    return access.get_visible_or_404(
        Submission.objects.select_related("cycle", "party", "cycle__framework"),
        request.user,
        pk=submission_id,
    )


def _reviewed(request: HttpRequest, submission_id: int) -> Submission | Status[Any]:
    """A submitted version, for the committee (and the secretariat reading along)."""
    submission = _submission(request, submission_id)
    if not is_reviewer(access.actor_for(request.user)):
        return _forbidden("Only the monitoring committee and the secretariat review submissions.")
    if submission.state not in SUBMITTED_STATES:
        raise Http404
    return submission


def _committee(request: HttpRequest) -> bool:
    return access.actor_for(request.user).is_monitoring_committee


# --- Schemas --------------------------------------------------------------------------------


class ReviewRowOut(Schema):
    id: int
    party: str
    version: int
    state: str
    corrects_id: int | None
    excluded: bool
    submitted_at: datetime.datetime | None
    open_questions: int
    scores_to_confirm: int
    evidence: int


class MessageOut(Schema):
    author: str
    from_committee: bool
    text: str
    written_at: datetime.datetime


class ThreadOut(Schema):
    id: int
    submission_id: int
    question: str  # the question's code; blank: the submission as a whole
    resolved: bool
    messages: list[MessageOut]


class ReviewScoreOut(Schema):
    id: int
    indicator: str
    computed: str
    confirmed: str
    reason: str
    outcome: str


class IndicatorOutcomeOut(Schema):
    indicator: str
    outcome: str  # positive only if positive on all its sub-indicators
    subindicators: list[ReviewScoreOut]


class AnswerOut(Schema):
    question: str
    value: Any
    not_applicable: bool
    comment: str
    state: str
    source: str


class ReviewOut(Schema):
    id: int
    cycle: str
    party: str
    version: int
    state: str
    corrects_id: int | None
    excluded: bool
    exclusion_reason: str
    invested_assets_eur: Decimal | None
    answers: list[AnswerOut]
    indicators: list[IndicatorOutcomeOut]
    threads: list[ThreadOut]
    blockers: list[str]  # what still stands in the way of accepting it


class StateOut(Schema):
    id: int
    state: str
    excluded: bool
    version: int


Text = Field(min_length=1, max_length=limits.MESSAGE, pattern=r"\S")


class QuestionIn(Schema):
    question: str = Field("", max_length=30)  # a question's code; blank: the whole submission
    text: str = Text


class MessageIn(Schema):
    text: str = Text


class ReasonIn(Schema):
    reason: str = Text


class ScoreIn(Schema):
    # Blank: confirm the computed outcome. Another outcome is a correction and needs a reason.
    outcome: Literal["", "positive", "negative", "not_applicable"] = ""
    reason: str = Field("", max_length=limits.MESSAGE)


class FindingIn(Schema):
    kind: Literal["finding", "recommendation"]
    title: str = Field(min_length=1, max_length=limits.LINE, pattern=r"\S")
    text: str = Field(min_length=1, max_length=limits.TEXT, pattern=r"\S")
    indicator_code: str = Field("", max_length=40)  # a main indicator; blank: the covenant


class FindingOut(Schema):
    id: int
    cycle: str
    kind: str
    indicator_code: str
    title: str
    text: str
    order: int


class FindingMoveIn(Schema):
    up: bool


def _thread_out(thread: ReviewThread) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "submission_id": thread.submission_id,
        "question": thread.question.code if thread.question else "",
        "resolved": thread.resolved_at is not None,
        "messages": [
            {
                "author": m.author.full_name,
                "from_committee": m.from_committee,
                "text": m.text,
                "written_at": m.created_at,
            }
            for m in thread.messages.all()
        ],
    }


def _score_out(score: Score) -> dict[str, Any]:
    return {
        "id": score.pk,
        "indicator": score.indicator.code,
        "computed": score.computed,
        "confirmed": score.confirmed,
        "reason": score.reason,
        "outcome": score.outcome,
    }


def _state_out(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "state": submission.state,
        "excluded": submission.excluded,
        "version": submission.version,
    }


def _finding_out(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.pk,
        "cycle": finding.cycle.label,
        "kind": finding.kind,
        "indicator_code": finding.indicator_code,
        "title": finding.title,
        "text": finding.text,
        "order": finding.order,
    }


# --- Reading --------------------------------------------------------------------------------


@router.get(
    "/reporting/review/cycles/{label}/submissions",
    response={200: list[ReviewRowOut], 403: Error},
    summary="List a cycle's submitted submissions for the committee's review",
)
@paginate
def list_review_submissions(request: HttpRequest, label: str) -> Any:
    """For the monitoring committee and the secretariat: each submitted version with its
    state, open questions, scores still to confirm and evidence count. No answer content."""
    cycle = access.get_visible_or_404(Cycle, request.user, label=label)
    if not is_reviewer(access.actor_for(request.user)):
        raise HttpError(
            403, "Only the monitoring committee and the secretariat review submissions."
        )
    rows = (
        Submission.objects.visible_to(request.user)
        .filter(cycle=cycle, state__in=SUBMITTED_STATES)
        .select_related("party")
        .annotate(
            open_threads=Count(
                "threads", filter=Q(threads__resolved_at__isnull=True), distinct=True
            ),
            to_confirm=Count("scores", filter=Q(scores__confirmed=""), distinct=True),
            evidence_count=Count("evidence", distinct=True),
        )
        .order_by("party__name", "version")
    )
    return [
        {
            "id": s.pk,
            "party": s.party.name,
            "version": s.version,
            "state": s.state,
            "corrects_id": s.corrects_id,
            "excluded": s.excluded,
            "submitted_at": s.submitted_at,
            "open_questions": s.open_threads,  # type: ignore[attr-defined]
            "scores_to_confirm": s.to_confirm,  # type: ignore[attr-defined]
            "evidence": s.evidence_count,  # type: ignore[attr-defined]
        }
        for s in rows
    ]


@router.get(
    "/reporting/review/submissions/{submission_id}",
    response={200: ReviewOut, 403: Error},
    summary="Read a submitted submission as the committee reviews it",
)
def get_review_submission(request: HttpRequest, submission_id: int) -> Any:
    """Every answer with its source, the score per sub-indicator and the resulting main
    outcome, the committee's threads, and what still blocks acceptance."""
    found = _reviewed(request, submission_id)
    if isinstance(found, Status):
        return found
    submission = found
    answers = Answer.objects.visible_to(request.user).filter(submission=submission)
    codes = dict(
        Question.objects.filter(framework_id=submission.cycle.framework_id).values_list(
            "pk", "code"
        )
    )
    return {
        "id": submission.pk,
        "cycle": submission.cycle.label,
        "party": submission.party.name,
        "version": submission.version,
        "state": submission.state,
        "corrects_id": submission.corrects_id,
        "excluded": submission.excluded,
        "exclusion_reason": submission.exclusion_reason,
        "invested_assets_eur": submission.invested_assets_eur,
        "answers": [
            {
                "question": codes.get(a.question_id, ""),
                "value": a.value,
                "not_applicable": a.not_applicable,
                "comment": a.comment,
                "state": a.state,
                "source": a.source,
            }
            for a in answers
        ],
        "indicators": [
            {
                "indicator": main.indicator.code,
                "outcome": main.outcome,
                "subindicators": [_score_out(s.score) for s in main.subs if s.score],
            }
            for main in review_tree(request.user, submission)
        ],
        "threads": [_thread_out(t) for t in _threads(request.user, submission)],
        "blockers": actions.acceptance_blockers(submission)
        if submission.state == Submission.State.UNDER_REVIEW
        else [],
    }


@router.get(
    "/reporting/review/submissions/{submission_id}/threads",
    response=list[ThreadOut],
    summary="List the committee's questions about a submission",
)
@paginate
def list_review_threads(request: HttpRequest, submission_id: int) -> Any:
    """For the party's members (its own submission) and, once submitted, the committee and
    the secretariat."""
    submission = _submission(request, submission_id)
    actor = access.actor_for(request.user)
    if not _content_visible(actor, submission):
        raise Http404
    if is_reviewer(actor) and not actor.has_role(submission.party_id):
        return [_thread_out(t) for t in _threads(request.user, submission)]
    # The party reads the questions the committee has sent.
    return [_thread_out(t) for t in sent_threads(request.user, submission)]


# --- The review's course --------------------------------------------------------------------

STATE_ANSWERS = {200: StateOut, 400: FieldError, 403: Error, 409: Error}


def _reviewer_step(
    request: HttpRequest, submission_id: int, step: Any, *, committee_only: bool = False
) -> Status[Any]:
    """A step of the review on a submission the caller may review (404 otherwise), by the
    committee alone where ``committee_only`` (403 for the secretariat)."""
    found = _reviewed(request, submission_id)
    if isinstance(found, Status):
        return found
    if committee_only and not _committee(request):
        return _forbidden("Only the monitoring committee reviews submissions.")
    try:
        submission = step(found)
    except ActionError as error:
        return _refused(error)
    return Status(200, _state_out(submission))


def _committee_step(request: HttpRequest, submission_id: int, step: Any) -> Status[Any]:
    return _reviewer_step(request, submission_id, step, committee_only=True)


@router.post(
    "/reporting/review/submissions/{submission_id}/start",
    response=STATE_ANSWERS,
    summary="Start the review of a submitted submission",
)
def start_submission_review(request: HttpRequest, submission_id: int) -> Status[Any]:
    """Submitted or resubmitted → under review (the committee)."""
    return _committee_step(
        request,
        submission_id,
        lambda s: actions.start_review(by=request.user, submission=s),
    )


@router.post(
    "/reporting/review/submissions/{submission_id}/threads",
    response={201: ThreadOut, 400: FieldError, 403: Error, 409: Error},
    summary="Raise a question about a submission",
)
def raise_review_question(
    request: HttpRequest, submission_id: int, body: QuestionIn
) -> Status[Any]:
    """A thread of the committee about one question (by its code) or the whole submission,
    while it is under review; the party reads it once the questions are sent."""
    found = _reviewed(request, submission_id)
    if isinstance(found, Status):
        return found
    if not _committee(request):
        return _forbidden("Only the monitoring committee reviews submissions.")
    question = None
    if body.question:
        question = Question.objects.filter(
            framework_id=found.cycle.framework_id, code=body.question
        ).first()
        if question is None:
            return Status(
                400, {"detail": "Choose a question of this questionnaire.", "field": "question"}
            )
    try:
        thread = actions.raise_question(
            by=request.user, submission=found, text=body.text, question=question
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _thread_now(request, thread))


@router.post(
    "/reporting/review/submissions/{submission_id}/send",
    response=STATE_ANSWERS,
    summary="Send the committee's questions to the party",
)
def send_review_questions(request: HttpRequest, submission_id: int) -> Status[Any]:
    """Under review → questions raised; the party's editors are told by e-mail."""

    def step(s: Submission) -> Submission:
        actions.send_questions(by=request.user, submission=s)
        return Submission.objects.visible_to(request.user).get(pk=s.pk)

    return _committee_step(request, submission_id, step)


@router.post(
    "/reporting/review/submissions/{submission_id}/accept",
    response=STATE_ANSWERS,
    summary="Accept a reviewed submission",
)
def accept_submission_review(request: HttpRequest, submission_id: int) -> Status[Any]:
    """Once every score is confirmed and no question is open (else 409 saying what blocks
    it). A correction supersedes the version it corrects."""
    return _committee_step(
        request,
        submission_id,
        lambda s: actions.accept_submission(by=request.user, submission=s),
    )


@router.post(
    "/reporting/review/submissions/{submission_id}/exclusion",
    response=STATE_ANSWERS,
    summary="Leave a submission out of the figures",
)
def exclude_submission_from_figures(
    request: HttpRequest, submission_id: int, body: ReasonIn
) -> Status[Any]:
    """The committee or the secretariat, with the reason the report lists."""
    return _reviewer_step(
        request,
        submission_id,
        lambda s: actions.exclude_submission(by=request.user, submission=s, reason=body.reason),
    )


@router.delete(
    "/reporting/review/submissions/{submission_id}/exclusion",
    response=STATE_ANSWERS,
    summary="Take a submission back into the figures",
)
def include_submission_in_figures(request: HttpRequest, submission_id: int) -> Status[Any]:
    return _reviewer_step(
        request,
        submission_id,
        lambda s: actions.include_submission(by=request.user, submission=s),
    )


@router.post(
    "/reporting/review/submissions/{submission_id}/reopen",
    response=STATE_ANSWERS,
    summary="Reopen a submission for its party",
)
def reopen_submission_review(
    request: HttpRequest, submission_id: int, body: ReasonIn
) -> Status[Any]:
    """The committee or the secretariat, with the reason the party is told: back to in
    progress."""
    return _reviewer_step(
        request,
        submission_id,
        lambda s: actions.reopen_submission(by=request.user, submission=s, reason=body.reason),
    )


@router.post(
    "/reporting/review/submissions/{submission_id}/corrections",
    response={201: StateOut, 403: Error, 409: Error},
    summary="Start a correction of an accepted submission",
)
def start_submission_correction(request: HttpRequest, submission_id: int) -> Status[Any]:
    """The party's editors, within the cycle's correction window: a new version copying the
    answers, in progress; the accepted one stays counted until the correction is accepted."""
    submission = _submission(request, submission_id)
    if not access.actor_for(request.user).has_role(submission.party_id, access.Role.EDITOR):
        return _forbidden("Only the party's editors correct its submission.")
    try:
        correction = actions.start_correction(by=request.user, submission=submission)
    except ActionError as error:
        return _refused(error)
    return Status(201, _state_out(correction))


# --- Threads and scores ---------------------------------------------------------------------


def _thread(request: HttpRequest, thread_id: int) -> ReviewThread:
    return access.get_visible_or_404(
        ReviewThread.objects.select_related("submission", "submission__cycle"),
        request.user,
        pk=thread_id,
    )


def _thread_now(request: HttpRequest, thread: ReviewThread) -> dict[str, Any]:
    return _thread_out(
        next(t for t in _threads(request.user, thread.submission) if t.pk == thread.pk)
    )


@router.post(
    "/reporting/review/threads/{thread_id}/messages",
    response={201: ThreadOut, 400: FieldError, 403: Error, 409: Error},
    summary="Answer or follow up a question of the committee",
)
def post_review_message(request: HttpRequest, thread_id: int, body: MessageIn) -> Status[Any]:
    """The party's editors answer (while the questions are raised); the committee follows
    up (while it reviews)."""
    thread = _thread(request, thread_id)
    actor = access.actor_for(request.user)
    try:
        if actor.has_role(thread.submission.party_id, access.Role.EDITOR):
            actions.answer_thread(by=request.user, thread=thread, text=body.text)
        elif actor.is_monitoring_committee:
            actions.reply_thread(by=request.user, thread=thread, text=body.text)
        else:
            return _forbidden("Only the party's editors and the committee write here.")
    except ActionError as error:
        return _refused(error)
    return Status(201, _thread_now(request, thread))


@router.post(
    "/reporting/review/threads/{thread_id}/resolve",
    response={200: ThreadOut, 403: Error, 409: Error},
    summary="Resolve a question of the committee",
)
def resolve_review_question(request: HttpRequest, thread_id: int) -> Status[Any]:
    thread = _thread(request, thread_id)
    if not _committee(request):
        return _forbidden("Only the monitoring committee resolves its questions.")
    try:
        actions.resolve_thread(by=request.user, thread=thread)
    except ActionError as error:
        return _refused(error)
    return Status(200, _thread_now(request, thread))


@router.post(
    "/reporting/review/scores/{score_id}",
    response={200: ReviewScoreOut, 400: FieldError, 403: Error, 409: Error},
    summary="Confirm or correct a sub-indicator's score",
)
def confirm_review_score(request: HttpRequest, score_id: int, body: ScoreIn) -> Status[Any]:
    """The committee, while it reviews: a blank or equal outcome confirms the computed one;
    another outcome is a correction and needs a reason (400 on ``reason`` without one)."""
    score = access.get_visible_or_404(
        Score.objects.select_related("submission", "indicator"), request.user, pk=score_id
    )
    found = _reviewed(request, score.submission_id)
    if isinstance(found, Status):
        return found
    if not _committee(request):
        return _forbidden("Only the monitoring committee confirms scores.")
    try:
        score = actions.confirm_score(
            by=request.user, score=score, outcome=body.outcome or None, reason=body.reason
        )
    except ActionError as error:
        return _refused(error)
    return Status(200, _score_out(score))


@router.post(
    "/reporting/review/submissions/{submission_id}/scores/confirm",
    response=STATE_ANSWERS,
    summary="Confirm every score still open as computed",
)
def confirm_all_review_scores(request: HttpRequest, submission_id: int) -> Status[Any]:
    """The committee, while it reviews: each score not yet confirmed is confirmed as the
    answers give it (409 when none is left)."""

    def step(s: Submission) -> Submission:
        actions.confirm_all_scores(by=request.user, submission=s)
        return s

    return _committee_step(request, submission_id, step)


# --- Findings and recommendations -----------------------------------------------------------


@router.get(
    "/reporting/review/cycles/{label}/findings",
    response=list[FindingOut],
    summary="List the committee's findings and recommendations of a cycle",
)
@paginate
def list_review_findings(request: HttpRequest, label: str) -> Any:
    """The committee and the secretariat; the steering group once the report is signed off;
    everyone once it is published."""
    cycle = access.get_visible_or_404(Cycle, request.user, label=label)
    return [
        _finding_out(f)
        for f in Finding.objects.visible_to(request.user)
        .filter(cycle=cycle)
        .select_related("cycle")
    ]


@router.post(
    "/reporting/review/cycles/{label}/findings",
    response={201: FindingOut, 400: FieldError, 403: Error, 409: Error},
    summary="Write a finding or recommendation",
)
def add_review_finding(request: HttpRequest, label: str, body: FindingIn) -> Status[Any]:
    """The committee, while the cycle's report is a draft (else 409)."""
    cycle = access.get_visible_or_404(Cycle, request.user, label=label)
    if not _committee(request):
        return _forbidden("Only the monitoring committee writes findings.")
    try:
        finding = actions.add_finding(by=request.user, cycle=cycle, **body.dict())
    except ActionError as error:
        return _refused(error)
    return Status(201, _finding_out(finding))


def _finding(request: HttpRequest, finding_id: int) -> Finding:
    return access.get_visible_or_404(
        Finding.objects.select_related("cycle"), request.user, pk=finding_id
    )


@router.put(
    "/reporting/review/findings/{finding_id}",
    response={200: FindingOut, 400: FieldError, 403: Error, 409: Error},
    summary="Change a finding or recommendation",
)
def update_review_finding(request: HttpRequest, finding_id: int, body: FindingIn) -> Status[Any]:
    finding = _finding(request, finding_id)
    if not _committee(request):
        return _forbidden("Only the monitoring committee writes findings.")
    try:
        finding = actions.update_finding(by=request.user, finding=finding, **body.dict())
    except ActionError as error:
        return _refused(error)
    return Status(200, _finding_out(finding))


@router.post(
    "/reporting/review/findings/{finding_id}/move",
    response={200: list[FindingOut], 403: Error, 409: Error},
    summary="Move a finding up or down among those of its kind",
)
def move_review_finding(request: HttpRequest, finding_id: int, body: FindingMoveIn) -> Status[Any]:
    finding = _finding(request, finding_id)
    if not _committee(request):
        return _forbidden("Only the monitoring committee orders findings.")
    try:
        actions.move_finding(by=request.user, finding=finding, up=body.up)
    except ActionError as error:
        return _refused(error)
    rows = Finding.objects.visible_to(request.user).filter(
        cycle_id=finding.cycle_id, kind=finding.kind
    )
    return Status(200, [_finding_out(f) for f in rows.select_related("cycle")])


@router.delete(
    "/reporting/review/findings/{finding_id}",
    response={204: None, 403: Error, 409: Error},
    summary="Remove a finding or recommendation",
)
def delete_review_finding(request: HttpRequest, finding_id: int) -> Status[Any]:
    finding = _finding(request, finding_id)
    if not _committee(request):
        return _forbidden("Only the monitoring committee writes findings.")
    try:
        actions.delete_finding(by=request.user, finding=finding)
    except ActionError as error:
        return _refused(error)
    return Status(204, None)
