"""Actions of reporting: the monitoring committee's workspace: each submitted submission with
its evidence, questions threaded per question, scores confirmed or corrected, acceptance,
reopening and corrections, findings and recommendations.

Who may do what: the monitoring committee reviews (starts the review, raises and sends its
questions, resolves them, confirms or corrects each score, accepts, writes findings); the
committee or the secretariat leaves a submission out of the figures, takes it back in, or
reopens it with a reason; the party's editors answer the committee's questions and start a
correction of an accepted version within the cycle's correction window.

A correction is a new version of the submission that copies the answers; the accepted version
stays counted until the correction is accepted, which supersedes it in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.mail import send_email_later
from convenant.reporting.models import (
    Answer,
    Cycle,
    Evidence,
    Finding,
    MonitoringReport,
    Outcome,
    Question,
    ReviewMessage,
    ReviewThread,
    Score,
    Submission,
)

WHY = "reporting review: the action checks the actor"
QUESTIONS_MAIL = "reporting.review_questions"
REOPENED_MAIL = "reporting.submission_reopened"

S = Submission.State
# Where the committee works on a version: its questions, scores and threads.
REVIEWABLE = (S.UNDER_REVIEW,)
# Where a version may be reopened (sent back to the party, in progress).
REOPENABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.QUESTIONS_RAISED, S.RESUBMITTED, S.ACCEPTED)


def _text(value: str | None, limit: int, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError(_("This field is required."), field=field)
    return limits.check_length(value, limit, field=field)


def _committee(by: Any) -> access.Actor:
    actor = access.actor_for(by, fresh=True)
    if not actor.is_monitoring_committee:
        raise ActionError(_("Only the monitoring committee reviews submissions."), code="forbidden")
    return actor


def _committee_or_secretariat(by: Any) -> access.Actor:
    actor = access.actor_for(by, fresh=True)
    if not (actor.is_monitoring_committee or actor.is_secretariat):
        raise ActionError(
            _("Only the monitoring committee or the secretariat may do this."), code="forbidden"
        )
    return actor


def _locked(submission: Submission) -> Submission:
    return Submission.objects.unrestricted(WHY).select_for_update().get(pk=submission.pk)


def _state_refused(submission: Submission) -> ActionError:
    return ActionError(
        _("This is not possible while the submission is %(state)s.")
        % {"state": str(S(submission.state).label).lower()},
        code="conflict",
    )


def _record(
    by: Any,
    verb: str,
    submission: Submission,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    obj: Any = None,
) -> None:
    # A party's submission and what the committee makes of it are its confidential business.
    record_event(
        actor=by,
        verb=verb,
        obj=obj if obj is not None else submission,
        party_id=submission.party_id,
        before=before,
        after=after,
    )


def _party_people(submission: Submission) -> list[Any]:
    """The party's editors and administrators: those who answer and resubmit."""
    from convenant.core.models import User
    from convenant.parties.models import Membership

    ids = (
        Membership.objects.unrestricted(WHY)
        .filter(
            party_id=submission.party_id,
            role__in=[access.Role.EDITOR, access.Role.ADMINISTRATOR],
        )
        .values_list("user_id", flat=True)
    )
    return list(User.objects.unrestricted(WHY).filter(pk__in=ids, is_active=True).order_by("pk"))


def party_page(submission: Submission) -> str:
    """Where the party reads and answers the committee's questions: its submission's page,
    which includes them (else the questions' own page)."""
    try:
        return reverse("submission_detail", args=[submission.pk])
    except NoReverseMatch:
        return reverse("reporting_review_party_threads", args=[submission.pk])


def _mail_party(submission: Submission, purpose: str, template: str, **context: Any) -> int:
    url = settings.BASE_URL + party_page(submission)
    people = _party_people(submission)
    cycle = Cycle.objects.unrestricted(WHY).get(pk=submission.cycle_id)
    for person in people:
        language = person.language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = {
                QUESTIONS_MAIL: _("The monitoring committee has questions: %(cycle)s"),
                REOPENED_MAIL: _("Your submission was reopened: %(cycle)s"),
            }[purpose] % {"cycle": cycle.name}
            send_email_later(
                to=person.email,
                subject=subject,
                body=render_to_string(
                    template, {"cycle": cycle, "url": url, "user": person, **context}
                ),
                purpose=purpose,
                language=language,
                party_id=submission.party_id,
            )
    return len(people)


# --- The review's course --------------------------------------------------------------------


@transaction.atomic(durable=True)
def start_review(*, by: Any, submission: Submission) -> Submission:
    """Submitted or resubmitted → under review (the committee)."""
    _committee(by)
    submission = _locked(submission)
    if submission.state not in (S.SUBMITTED, S.RESUBMITTED):
        raise _state_refused(submission)
    before = snapshot(submission, ["state"])
    submission.state = S.UNDER_REVIEW
    submission.save(update_fields=["state", "updated_at"])
    _record(by, "reporting.start_review", submission, before, snapshot(submission, ["state"]))
    return submission


def _question_of(submission: Submission, question: Question | int | None) -> Question | None:
    if question is None or question == "":
        return None
    pk = question.pk if isinstance(question, Question) else question
    found = Question.objects.filter(pk=pk, framework_id=submission.cycle.framework_id).first()
    if found is None:
        raise ActionError(_("Choose a question of this questionnaire."), field="question")
    return found


@transaction.atomic(durable=True)
def raise_question(
    *, by: Any, submission: Submission, text: str, question: Question | int | None = None
) -> ReviewThread:
    """A thread of the committee about one question of the submission (or the whole of it),
    with its first message. The party reads it once the questions are sent."""
    _committee(by)
    submission = _locked(submission)
    if submission.state not in REVIEWABLE:
        raise _state_refused(submission)
    text = _text(text, limits.MESSAGE, "text")
    asked = _question_of(submission, question)
    thread = ReviewThread.objects.create(submission=submission, question=asked, opened_by=by)
    ReviewMessage.objects.create(thread=thread, author=by, from_committee=True, text=text)
    _record(
        by,
        "reporting.raise_question",
        submission,
        after={"question": asked.code if asked else "", "text": text},
        obj=thread,
    )
    return thread


def open_threads(submission: Submission) -> Any:
    return ReviewThread.objects.unrestricted(WHY).filter(
        submission=submission, resolved_at__isnull=True
    )


@transaction.atomic(durable=True)
def send_questions(*, by: Any, submission: Submission) -> int:
    """Under review → questions raised: the party's editors are told by e-mail. Returns how
    many people were written to."""
    _committee(by)
    submission = _locked(submission)
    if submission.state not in REVIEWABLE:
        raise _state_refused(submission)
    count = open_threads(submission).count()
    if not count:
        raise ActionError(_("There is no open question to send."), code="conflict")
    before = snapshot(submission, ["state"])
    submission.state = S.QUESTIONS_RAISED
    submission.save(update_fields=["state", "updated_at"])
    _record(
        by,
        "reporting.send_questions",
        submission,
        before,
        {**snapshot(submission, ["state"]), "open_questions": count},
    )
    return _mail_party(
        submission, QUESTIONS_MAIL, "reporting/review/questions_email.txt", count=count
    )


def _thread(thread: ReviewThread) -> ReviewThread:
    return (
        ReviewThread.objects.unrestricted(WHY)
        .select_for_update()
        .select_related("submission")
        .get(pk=thread.pk)
    )


@transaction.atomic(durable=True)
def answer_thread(*, by: Any, thread: ReviewThread, text: str) -> ReviewMessage:
    """The party answers one of the committee's questions in the platform (its editors; only
    while the questions are raised). It then resubmits in its submission."""
    thread = _thread(thread)
    submission = _locked(thread.submission)
    actor = access.actor_for(by, fresh=True)
    if not actor.has_role(submission.party_id, access.Role.EDITOR):
        raise ActionError(
            _("Only the party's editors answer the committee's questions."), code="forbidden"
        )
    if submission.state != S.QUESTIONS_RAISED:
        raise _state_refused(submission)
    if thread.resolved_at is not None:
        raise ActionError(_("This question has been resolved."), code="conflict")
    text = _text(text, limits.MESSAGE, "text")
    message = ReviewMessage.objects.create(
        thread=thread, author=by, from_committee=False, text=text
    )
    _record(by, "reporting.answer_question", submission, after={"text": text}, obj=thread)
    return message


@transaction.atomic(durable=True)
def reply_thread(*, by: Any, thread: ReviewThread, text: str) -> ReviewMessage:
    """The committee adds to one of its questions (a follow-up) while it reviews."""
    _committee(by)
    thread = _thread(thread)
    submission = _locked(thread.submission)
    if submission.state not in REVIEWABLE:
        raise _state_refused(submission)
    if thread.resolved_at is not None:
        raise ActionError(_("This question has been resolved."), code="conflict")
    text = _text(text, limits.MESSAGE, "text")
    message = ReviewMessage.objects.create(thread=thread, author=by, from_committee=True, text=text)
    _record(by, "reporting.reply_question", submission, after={"text": text}, obj=thread)
    return message


@transaction.atomic(durable=True)
def resolve_thread(*, by: Any, thread: ReviewThread) -> ReviewThread:
    """The committee closes a question it is satisfied with."""
    _committee(by)
    thread = _thread(thread)
    submission = _locked(thread.submission)
    if submission.state not in (S.UNDER_REVIEW, S.QUESTIONS_RAISED, S.RESUBMITTED):
        raise _state_refused(submission)
    if thread.resolved_at is not None:
        raise ActionError(_("This question has been resolved."), code="conflict")
    thread.resolved_at = timezone.now()
    thread.resolved_by = by
    thread.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
    _record(by, "reporting.resolve_question", submission, after={"resolved": True}, obj=thread)
    return thread


# --- Scores and acceptance ------------------------------------------------------------------


@transaction.atomic(durable=True)
def confirm_score(*, by: Any, score: Score, outcome: str | None = None, reason: str = "") -> Score:
    """The committee confirms a sub-indicator's computed outcome, or corrects it: a
    correction needs a reason (the database refuses one without)."""
    _committee(by)
    score = Score.objects.unrestricted(WHY).select_for_update().get(pk=score.pk)
    submission = _locked(score.submission)
    if submission.state not in REVIEWABLE:
        raise _state_refused(submission)
    outcome = outcome or score.computed
    if outcome not in Outcome.values:
        raise ActionError(_("Choose an outcome."), field="outcome")
    reason = (reason or "").strip()
    limits.check_length(reason, limits.MESSAGE, field="reason")
    if outcome != score.computed and not reason:
        raise ActionError(
            _("Say why the committee's score differs from the one the answers give."),
            field="reason",
        )
    before = snapshot(score, ["confirmed", "reason"])
    score.confirmed = outcome
    score.reason = reason
    score.confirmed_by = by
    score.confirmed_at = timezone.now()
    score.save(update_fields=["confirmed", "reason", "confirmed_by", "confirmed_at", "updated_at"])
    _record(
        by,
        "reporting.confirm_score" if outcome == score.computed else "reporting.correct_score",
        submission,
        before,
        {**snapshot(score, ["confirmed", "reason"]), "indicator": score.indicator.code},
        obj=score,
    )
    return score


@transaction.atomic(durable=True)
def confirm_all_scores(*, by: Any, submission: Submission) -> int:
    """The committee confirms, at once, every score not yet confirmed as the answers give it
    (one event listing them). Returns how many."""
    _committee(by)
    submission = _locked(submission)
    if submission.state not in REVIEWABLE:
        raise _state_refused(submission)
    waiting = list(
        Score.objects.unrestricted(WHY)
        .select_for_update()
        .filter(submission=submission, confirmed="")
        .select_related("indicator")
    )
    if not waiting:
        raise ActionError(_("Every score is confirmed already."), code="conflict")
    now = timezone.now()
    for score in waiting:
        score.confirmed, score.confirmed_by, score.confirmed_at = score.computed, by, now
    Score.objects.unrestricted(WHY).bulk_update(
        waiting, ["confirmed", "confirmed_by", "confirmed_at"]
    )
    _record(
        by,
        "reporting.confirm_scores",
        submission,
        after={"confirmed": {s.indicator.code: s.computed for s in waiting}},
    )
    return len(waiting)


def acceptance_blockers(submission: Submission) -> list[str]:
    """What still stands in the way of accepting the version, in words."""
    blockers = []
    scores = Score.objects.unrestricted(WHY).filter(submission=submission)
    if not scores.exists():
        blockers.append(_("The submission has no scores."))
    unconfirmed = scores.filter(confirmed="").count()
    if unconfirmed:
        blockers.append(
            _("%(count)s score(s) not yet confirmed by the committee.") % {"count": unconfirmed}
        )
    still_open = open_threads(submission).count()
    if still_open:
        blockers.append(_("%(count)s question(s) still open.") % {"count": still_open})
    return blockers


@transaction.atomic(durable=True)
def accept_submission(*, by: Any, submission: Submission) -> Submission:
    """Under review → accepted, once every score is confirmed and no question is open. A
    correction supersedes the version it corrects in the same transaction."""
    _committee(by)
    submission = _locked(submission)
    if submission.state not in REVIEWABLE:
        raise _state_refused(submission)
    blockers = acceptance_blockers(submission)
    if blockers:
        raise ActionError(" ".join(blockers), code="conflict")
    if submission.corrects_id is not None:
        old = (
            Submission.objects.unrestricted(WHY).select_for_update().get(pk=submission.corrects_id)
        )
        if old.state == S.ACCEPTED:
            old.state = S.SUPERSEDED
            old.save(update_fields=["state", "updated_at"])
            _record(
                by,
                "reporting.supersede_submission",
                old,
                {"state": S.ACCEPTED.value},
                {"state": S.SUPERSEDED.value, "by_version": submission.version},
            )
    before = snapshot(submission, ["state"])
    submission.state = S.ACCEPTED
    submission.accepted_at = timezone.now()
    submission.accepted_by = by
    submission.save(update_fields=["state", "accepted_at", "accepted_by", "updated_at"])
    _record(by, "reporting.accept_submission", submission, before, snapshot(submission, ["state"]))
    return submission


# --- Left out, reopened, corrected ----------------------------------------------------------


@transaction.atomic(durable=True)
def exclude_submission(*, by: Any, submission: Submission, reason: str) -> Submission:
    """Leave a submission out of the figures, with the reason the report lists."""
    _committee_or_secretariat(by)
    submission = _locked(submission)
    reason = _text(reason, limits.MESSAGE, "reason")
    if submission.state == S.SUPERSEDED:
        raise _state_refused(submission)
    before = snapshot(submission, ["excluded", "exclusion_reason"])
    submission.excluded = True
    submission.exclusion_reason = reason
    submission.save(update_fields=["excluded", "exclusion_reason", "updated_at"])
    _record(
        by,
        "reporting.exclude_submission",
        submission,
        before,
        snapshot(submission, ["excluded", "exclusion_reason"]),
    )
    return submission


@transaction.atomic(durable=True)
def include_submission(*, by: Any, submission: Submission) -> Submission:
    """Take a submission left out back into the figures."""
    _committee_or_secretariat(by)
    submission = _locked(submission)
    if not submission.excluded:
        raise ActionError(_("This submission is counted already."), code="conflict")
    before = snapshot(submission, ["excluded", "exclusion_reason"])
    submission.excluded = False
    submission.exclusion_reason = ""
    submission.save(update_fields=["excluded", "exclusion_reason", "updated_at"])
    _record(
        by,
        "reporting.include_submission",
        submission,
        before,
        snapshot(submission, ["excluded", "exclusion_reason"]),
    )
    return submission


@transaction.atomic(durable=True)
def reopen_submission(*, by: Any, submission: Submission, reason: str) -> Submission:
    """Send a submitted version back to the party (in progress), with the reason the party is
    told by e-mail. An accepted one only while no correction of it is being written."""
    _committee_or_secretariat(by)
    submission = _locked(submission)
    reason = _text(reason, limits.MESSAGE, "reason")
    if submission.state not in REOPENABLE:
        raise _state_refused(submission)
    if (
        submission.state == S.ACCEPTED
        and Submission.objects.unrestricted(WHY)
        .filter(cycle_id=submission.cycle_id, party_id=submission.party_id)
        .exclude(state__in=[S.ACCEPTED, S.SUPERSEDED])
        .exists()
    ):
        raise ActionError(
            _("A correction of this submission is being written; reopen that one instead."),
            code="conflict",
        )
    before = snapshot(submission, ["state"])
    submission.state = S.IN_PROGRESS
    submission.accepted_at = None
    submission.accepted_by = None
    submission.save(update_fields=["state", "accepted_at", "accepted_by", "updated_at"])
    # The committee confirms the scores again on what the party sends next.
    Score.objects.unrestricted(WHY).filter(submission=submission).update(
        confirmed="", reason="", confirmed_by=None, confirmed_at=None
    )
    _record(
        by,
        "reporting.reopen_submission",
        submission,
        before,
        {**snapshot(submission, ["state"]), "reason": reason},
    )
    _mail_party(submission, REOPENED_MAIL, "reporting/review/reopened_email.txt", reason=reason)
    return submission


def correction_window_open(cycle: Cycle, today: Any = None) -> bool:
    today = today or timezone.localdate()
    return cycle.corrections_until is not None and today <= cycle.corrections_until


@transaction.atomic(durable=True)
def start_correction(*, by: Any, submission: Submission) -> Submission:
    """The party's editor starts a correction of its accepted version, within the cycle's
    correction window: a new version copying the answers and evidence, in progress. The
    accepted version stays counted until the correction is accepted."""
    submission = _locked(submission)
    actor = access.actor_for(by, fresh=True)
    if not actor.has_role(submission.party_id, access.Role.EDITOR):
        raise ActionError(_("Only the party's editors correct its submission."), code="forbidden")
    if submission.state != S.ACCEPTED:
        raise ActionError(_("Only an accepted submission can be corrected."), code="conflict")
    cycle = Cycle.objects.unrestricted(WHY).get(pk=submission.cycle_id)
    if not correction_window_open(cycle):
        raise ActionError(_("The correction window of this cycle is closed."), code="conflict")
    siblings = Submission.objects.unrestricted(WHY).filter(
        cycle_id=submission.cycle_id, party_id=submission.party_id
    )
    if siblings.exclude(state__in=[S.ACCEPTED, S.SUPERSEDED]).exists():
        raise ActionError(_("A correction is already being written."), code="conflict")
    version = (siblings.aggregate(v=Max("version"))["v"] or 0) + 1
    correction = Submission.objects.create(
        cycle_id=submission.cycle_id,
        party_id=submission.party_id,
        questionnaire=submission.questionnaire,
        version=version,
        corrects=submission,
        state=S.IN_PROGRESS,
        invested_assets_eur=submission.invested_assets_eur,
        public_indicators=list(submission.public_indicators),
    )
    copied = [
        Answer(
            submission=correction,
            question_id=a.question_id,
            value=a.value,
            not_applicable=a.not_applicable,
            comment=a.comment,
            state=a.state,
            source=a.source,
            source_url=a.source_url,
            prefilled_value=a.prefilled_value,
            answered_by_id=a.answered_by_id,
            answered_at=a.answered_at,
        )
        for a in Answer.objects.unrestricted(WHY).filter(submission=submission)
    ]
    Answer.objects.bulk_create(copied)
    # The files stay where they are: the new version's rows point at the same documents.
    Evidence.objects.bulk_create(
        Evidence(
            submission=correction,
            question_id=e.question_id,
            title=e.title,
            file=e.file.name,
            content_type=e.content_type,
            size=e.size,
            sha256=e.sha256,
            uploaded_by_id=e.uploaded_by_id,
        )
        for e in Evidence.objects.unrestricted(WHY).filter(submission=submission)
    )
    _record(
        by,
        "reporting.start_correction",
        correction,
        after={"corrects": submission.pk, "version": version, "answers": len(copied)},
    )
    return correction


# --- Findings and recommendations -----------------------------------------------------------


def findings_open(cycle: Cycle) -> bool:
    """Findings are written while the cycle's report is a draft (or not yet made)."""
    report = MonitoringReport.objects.unrestricted(WHY).filter(cycle=cycle).first()
    return report is None or report.state == MonitoringReport.State.DRAFT


def _finding_fields(
    cycle: Cycle, kind: str, title: str, text: str, indicator_code: str
) -> dict[str, Any]:
    if kind not in Finding.Kind.values:
        raise ActionError(_("Choose finding or recommendation."), field="kind")
    indicator_code = (indicator_code or "").strip()
    if (
        indicator_code
        and not cycle.framework.indicators.filter(code=indicator_code, parent__isnull=True).exists()
    ):
        raise ActionError(_("Choose a main indicator of this cycle."), field="indicator_code")
    return {
        "kind": kind,
        "title": _text(title, limits.LINE, "title"),
        "text": _text(text, limits.TEXT, "text"),
        "indicator_code": indicator_code,
    }


def _findings_check(by: Any, cycle: Cycle) -> None:
    _committee(by)
    if not findings_open(cycle):
        raise ActionError(
            _("The report has been signed off: its findings can no longer change."),
            code="conflict",
        )


FINDING_FIELDS = ["kind", "title", "text", "indicator_code", "order"]


@transaction.atomic(durable=True)
def add_finding(
    *, by: Any, cycle: Cycle, kind: str, title: str, text: str, indicator_code: str = ""
) -> Finding:
    """The committee writes a finding or a recommendation, placed last of its kind."""
    cycle = Cycle.objects.unrestricted(WHY).select_for_update().get(pk=cycle.pk)
    _findings_check(by, cycle)
    fields = _finding_fields(cycle, kind, title, text, indicator_code)
    last = (
        Finding.objects.unrestricted(WHY)
        .filter(cycle=cycle, kind=fields["kind"])
        .aggregate(o=Max("order"))["o"]
    )
    finding = Finding.objects.create(cycle=cycle, order=(last or 0) + 1, written_by=by, **fields)
    record_event(
        actor=by, verb="reporting.add_finding", obj=finding, after=snapshot(finding, FINDING_FIELDS)
    )
    return finding


@transaction.atomic(durable=True)
def update_finding(
    *, by: Any, finding: Finding, kind: str, title: str, text: str, indicator_code: str = ""
) -> Finding:
    finding = Finding.objects.unrestricted(WHY).select_for_update().get(pk=finding.pk)
    cycle = Cycle.objects.unrestricted(WHY).select_for_update().get(pk=finding.cycle_id)
    _findings_check(by, cycle)
    fields = _finding_fields(cycle, kind, title, text, indicator_code)
    before = snapshot(finding, FINDING_FIELDS)
    for name, value in fields.items():
        setattr(finding, name, value)
    finding.save()
    record_event(
        actor=by,
        verb="reporting.update_finding",
        obj=finding,
        before=before,
        after=snapshot(finding, FINDING_FIELDS),
    )
    return finding


@transaction.atomic(durable=True)
def move_finding(*, by: Any, finding: Finding, up: bool) -> Finding:
    """Swap a finding with its neighbour of the same kind (up or down)."""
    finding = Finding.objects.unrestricted(WHY).select_for_update().get(pk=finding.pk)
    cycle = Cycle.objects.unrestricted(WHY).select_for_update().get(pk=finding.cycle_id)
    _findings_check(by, cycle)
    rows = list(
        Finding.objects.unrestricted(WHY)
        .select_for_update()
        .filter(cycle=cycle, kind=finding.kind)
        .order_by("order", "pk")
    )
    index = next(i for i, f in enumerate(rows) if f.pk == finding.pk)
    other = index - 1 if up else index + 1
    if other < 0 or other >= len(rows):
        raise ActionError(_("It is already at that end of the list."), code="conflict")
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.order != position:
            row.order = position
            row.save(update_fields=["order", "updated_at"])
    record_event(
        actor=by,
        verb="reporting.move_finding",
        obj=finding,
        after={"order": [row.pk for row in rows]},
    )
    return finding


@transaction.atomic(durable=True)
def delete_finding(*, by: Any, finding: Finding) -> None:
    finding = Finding.objects.unrestricted(WHY).select_for_update().get(pk=finding.pk)
    cycle = Cycle.objects.unrestricted(WHY).select_for_update().get(pk=finding.cycle_id)
    _findings_check(by, cycle)
    record_event(
        actor=by,
        verb="reporting.delete_finding",
        obj=finding,
        before=snapshot(finding, FINDING_FIELDS),
    )
    finding.delete()
