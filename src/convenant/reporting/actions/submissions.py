"""Actions of reporting: a party's submission: answering (saved as the person types),
pre-filled answers to confirm, evidence, the opt-in to publish its own results, submitting
and resubmitting, and the secretariat's reminders. Cycles are in ``actions/cycles.py``.

A submission is its party's (DESIGN §5): only the party's editors and administrators write
it, its members read it; the secretariat and the committee read its content only once a
version has been submitted. The audit trail names which question changed and its state,
never the party's answer."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from convenant.core import access, limits, uploads
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.reporting.actions.cycles import mail_writers
from convenant.reporting.models import (
    Answer,
    Cycle,
    Evidence,
    Indicator,
    Question,
    Reminder,
    ReviewMessage,
    ReviewThread,
    Score,
    Submission,
)

WHY = "submission actions: the party's own writers, checked first"
WHY_SECRETARIAT = "reminders: the secretariat administers the cycle, never reads an answer"

# States in which the party writes its answers.
WRITABLE = (
    Submission.State.NOT_STARTED,
    Submission.State.IN_PROGRESS,
    Submission.State.QUESTIONS_RAISED,
)
# Not yet submitted: these are reminded and shown late past the deadline.
NOT_SUBMITTED = (Submission.State.NOT_STARTED, Submission.State.IN_PROGRESS)

EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "image/png": "png",
    "image/jpeg": "jpg",
}


def max_evidence_bytes() -> int:
    return int(settings.REPORTING_MAX_EVIDENCE_BYTES)


def evidence_storage() -> FileSystemStorage:
    """Evidence lives outside the web root and is served only by a view that checks who
    asks (views.submissions.submission_evidence)."""
    return FileSystemStorage(
        location=str(settings.REPORTING_UPLOAD_DIR), base_url="/no-public-url/"
    )


# --- Who may write ----------------------------------------------------------------------


def may_write(user: Any, submission: Submission) -> bool:
    return access.actor_for(user).has_role(submission.party_id, access.Role.EDITOR)


def _writer(by: Any, submission: Submission) -> None:
    actor = access.actor_for(by, fresh=True)
    if not actor.has_role(submission.party_id, access.Role.EDITOR):
        raise ActionError(
            _("Only an editor or administrator of %(party)s fills in its submission.")
            % {"party": submission.party.display_name},
            code="forbidden",
        )


def _lock(submission: Submission) -> Submission:
    return (
        Submission.objects.unrestricted(WHY)
        .select_for_update(of=("self",))
        .select_related("cycle", "cycle__framework", "party")
        .get(pk=submission.pk)
    )


def _writable(submission: Submission) -> None:
    if submission.state not in WRITABLE:
        raise ActionError(_("This submission has been submitted and is locked."), code="conflict")
    if (
        submission.cycle.state != Cycle.State.OPEN
        and submission.state != Submission.State.QUESTIONS_RAISED
        and submission.corrects_id is None
    ):
        raise ActionError(_("The cycle is not open for answers."), code="conflict")


# --- The questionnaire ------------------------------------------------------------------


def questions_of(submission: Submission) -> list[Question]:
    """The questions of the cycle's frozen framework for the submission's questionnaire."""
    return list(
        Question.objects.filter(
            framework_id=submission.cycle.framework_id,
            indicator__questionnaire=submission.questionnaire,
        )
        .select_related("indicator", "indicator__parent")
        .order_by("indicator__parent__order", "indicator__order", "order")
    )


def answers_of(submission: Submission) -> dict[str, Answer]:
    return {
        a.question.code: a
        for a in Answer.objects.unrestricted(WHY)
        .filter(submission=submission)
        .select_related("question")
    }


def is_asked(question: Question, answers: dict[str, Answer], by_code: dict[str, Question]) -> bool:
    """A question that depends on another is asked only when that one's answer equals its
    ``depends_value`` (``scoring.is_asked``)."""
    from convenant.reporting import scoring

    return scoring.is_asked(question, answers, by_code)


@dataclass(frozen=True)
class Missing:
    question: Question
    reason: str


def missing(submission: Submission, answers: dict[str, Answer] | None = None) -> list[Missing]:
    """What still stands between the submission and submitting it: each asked question
    without an answer, and each pre-filled answer not yet confirmed (``scoring.missing``)."""
    from convenant.reporting import scoring

    answers = answers if answers is not None else answers_of(submission)
    questions = questions_of(submission)
    return [Missing(q, str(reason)) for q, reason in scoring.missing(questions, answers)]


# --- Starting and answering -------------------------------------------------------------


def _start(submission: Submission, by: User) -> int:
    """The first save: every question gets its answer row, and the empty ones take the
    platform's suggestion (``prefill.suggestions``) as "pre-filled — confirm"."""
    from convenant.reporting import prefill

    questions = questions_of(submission)
    existing = set(
        Answer.objects.unrestricted(WHY)
        .filter(submission=submission)
        .values_list("question_id", flat=True)
    )
    # The party's own data, read for its own submission by its own editor (checked above).
    suggestions = prefill.suggestions(submission)
    rows = []
    for question in questions:
        if question.pk in existing:
            continue
        suggestion = suggestions.get(question.code)
        if suggestion is None or suggestion.value is None:
            rows.append(Answer(submission=submission, question=question))
            continue
        rows.append(
            Answer(
                submission=submission,
                question=question,
                value=suggestion.value,
                prefilled_value=suggestion.value,
                state=Answer.State.PREFILLED,
                source=str(suggestion.source)[:300],
                source_url=str(suggestion.source_url or "")[:500],
            )
        )
    Answer.objects.unrestricted(WHY).bulk_create(rows)
    submission.state = Submission.State.IN_PROGRESS
    submission.save(update_fields=["state", "updated_at"])
    prefilled = sum(r.state == Answer.State.PREFILLED for r in rows)
    record_event(
        actor=by,
        verb="reporting.start_submission",
        obj=submission,
        party_id=submission.party_id,
        before={"state": Submission.State.NOT_STARTED},
        after={"state": submission.state, "prefilled": prefilled},
    )
    return prefilled


def start_submission(*, by: User, submission: Submission) -> Submission:
    """Start without answering yet: the answers are pre-filled (the page does this when an
    editor first opens a submission that has not started)."""
    _writer(by, submission)
    with transaction.atomic(durable=True):
        locked = _lock(submission)
        _writable(locked)
        if locked.state == Submission.State.NOT_STARTED:
            _start(locked, by)
    return locked


@dataclass
class Change:
    """One question's answer as the person left it. ``value`` is the raw input (a string
    from a form, or JSON); ``None`` for a field not sent leaves it as it was."""

    code: str
    value: Any = None
    not_applicable: bool | None = None
    comment: str | None = None
    value_sent: bool = True


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def _apply(answer: Answer, change: Change, by: User) -> dict[str, Any] | None:
    """Change one answer in memory; return what changed (for the audit), None if nothing."""
    from convenant.reporting import scoring

    question = answer.question
    before = {"state": answer.state, "not_applicable": answer.not_applicable}
    touched = False
    if change.not_applicable is not None and change.not_applicable != answer.not_applicable:
        if change.not_applicable and not question.allows_not_applicable:
            raise ActionError(
                _("Question %(code)s cannot be answered with not applicable.")
                % {"code": question.code},
                field=question.code,
            )
        answer.not_applicable = change.not_applicable
        if change.not_applicable:
            answer.value = None
        touched = True
    if change.value_sent and not answer.not_applicable:
        if _empty(change.value):
            value = None
        else:
            try:
                value = scoring.clean_value(question, change.value)
            except ValueError as error:
                raise ActionError(f"{question.code}: {error}", field=question.code) from error
        if value != answer.value:
            answer.value = value
            touched = True
    if change.comment is not None:
        comment = limits.check_length(change.comment.strip(), limits.MESSAGE, field=question.code)
        if comment != answer.comment:
            answer.comment = comment
            touched = True
    if not touched:
        return None
    if answer.not_applicable or answer.value is not None:
        unchanged = not answer.not_applicable and answer.value == answer.prefilled_value
        if not (unchanged and answer.state in (Answer.State.PREFILLED, Answer.State.CONFIRMED)):
            # Changing a pre-filled value confirms it: the party wrote its own answer.
            answer.state = Answer.State.ANSWERED
    else:
        answer.state = Answer.State.EMPTY
    answer.answered_by = by
    answer.answered_at = timezone.now()
    return {
        "question": question.code,
        "before": before,
        "after": {"state": answer.state, "not_applicable": answer.not_applicable},
    }


def save_answers(*, by: User, submission: Submission, changes: list[Change]) -> Submission:
    """Save one or more answers (the page's autosave sends one field, the Save button the
    whole form). The first save starts the submission and pre-fills what is empty. Nothing
    is saved when one of the values is refused."""
    _writer(by, submission)
    with transaction.atomic(durable=True):
        locked = _lock(submission)
        _writable(locked)
        if locked.state == Submission.State.NOT_STARTED:
            _start(locked, by)
        answers = answers_of(locked)
        changed = []
        for change in changes:
            answer = answers.get(change.code)
            if answer is None:
                raise ActionError(
                    _("Question %(code)s is not in this questionnaire.") % {"code": change.code},
                    field=change.code,
                )
            done = _apply(answer, change, by)
            if done is not None:
                answer.save()
                changed.append(done)
        if changed:
            record_event(
                actor=by,
                verb="reporting.save_answers",
                obj=locked,
                party_id=locked.party_id,
                after={"answers": changed},
            )
            Submission.objects.unrestricted(WHY).filter(pk=locked.pk).update(
                updated_at=timezone.now()
            )
    return locked


def confirm_answer(*, by: User, submission: Submission, code: str) -> Answer:
    """The pre-filled answer holds: it stays and is no longer "pre-filled — confirm"."""
    _writer(by, submission)
    with transaction.atomic(durable=True):
        locked = _lock(submission)
        _writable(locked)
        answer = answers_of(locked).get(code)
        if answer is None:
            raise ActionError(
                _("Question %(code)s is not in this questionnaire.") % {"code": code},
                field=code,
            )
        if answer.state != Answer.State.PREFILLED:
            raise ActionError(
                _("This answer has nothing to confirm: change it if it no longer holds."),
                code="conflict",
            )
        answer.state = Answer.State.CONFIRMED
        answer.answered_by = by
        answer.answered_at = timezone.now()
        answer.save(update_fields=["state", "answered_by", "answered_at", "updated_at"])
        record_event(
            actor=by,
            verb="reporting.confirm_answer",
            obj=locked,
            party_id=locked.party_id,
            after={"question": code, "state": answer.state},
        )
    return answer


def confirm_all(*, by: User, submission: Submission) -> int:
    """Every pre-filled answer holds as it is."""
    _writer(by, submission)
    with transaction.atomic(durable=True):
        locked = _lock(submission)
        _writable(locked)
        waiting = Answer.objects.unrestricted(WHY).filter(
            submission=locked, state=Answer.State.PREFILLED
        )
        codes = sorted(waiting.values_list("question__code", flat=True))
        waiting.update(
            state=Answer.State.CONFIRMED,
            answered_by=by,
            answered_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if codes:
            record_event(
                actor=by,
                verb="reporting.confirm_answer",
                obj=locked,
                party_id=locked.party_id,
                after={"questions": codes, "state": Answer.State.CONFIRMED},
            )
    return len(codes)


def set_public_indicators(*, by: User, submission: Submission, codes: list[str]) -> Submission:
    """The fund's opt-in, per main indicator, to publish its own result (never by default)."""
    _writer(by, submission)
    with transaction.atomic(durable=True):
        locked = _lock(submission)
        allowed = set(
            Indicator.objects.filter(
                framework_id=locked.cycle.framework_id,
                parent__isnull=True,
                questionnaire=locked.questionnaire,
            ).values_list("code", flat=True)
        )
        unknown = sorted(set(codes) - allowed)
        if unknown:
            raise ActionError(
                _("Not a main indicator of this questionnaire: %(codes)s")
                % {"codes": ", ".join(unknown)},
                field="public_indicators",
            )
        before = list(locked.public_indicators)
        locked.public_indicators = sorted(set(codes))
        locked.save(update_fields=["public_indicators", "updated_at"])
        record_event(
            actor=by,
            verb="reporting.set_public_indicators",
            obj=locked,
            party_id=locked.party_id,
            before={"public_indicators": before},
            after={"public_indicators": locked.public_indicators},
        )
    return locked


# --- Evidence ---------------------------------------------------------------------------


def upload_evidence(
    *,
    by: User,
    submission: Submission,
    code: str,
    title: str,
    filename: str,
    data: bytes,
) -> Evidence:
    """A document behind an answer: a PDF, Word, OpenDocument, Excel file or an image, by its
    content (never by its name), within the size limit, stored under a random name outside
    the web root. For an evidence question, the upload is its answer."""
    _writer(by, submission)
    title = limits.check_length(title.strip(), limits.LINE, field="title")
    if not data:
        raise ActionError(_("Choose a file."), field="file")
    kind = uploads.checked_kind(
        data,
        types=EVIDENCE_TYPES,
        max_bytes=max_evidence_bytes(),
        wrong_type=_("Upload the evidence as a PDF, Word, OpenDocument, Excel, PNG or JPEG file."),
    )
    title = title or get_valid_filename(filename)[:200] or _("Document")
    storage = evidence_storage()
    name = uploads.store(storage, "evidence", data, kind=kind, types=EVIDENCE_TYPES)
    try:
        with transaction.atomic(durable=True):
            locked = _lock(submission)
            _writable(locked)
            if locked.state == Submission.State.NOT_STARTED:
                _start(locked, by)
            answer = answers_of(locked).get(code)
            if answer is None:
                raise ActionError(
                    _("Question %(code)s is not in this questionnaire.") % {"code": code},
                    field="question",
                )
            evidence = Evidence.objects.unrestricted(WHY).create(
                submission=locked,
                question=answer.question,
                title=title,
                file=name,
                content_type=kind,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_by=by,
            )
            if answer.question.kind == Question.Kind.EVIDENCE:
                # The upload answers an evidence question: its value, the documents' ids.
                answer.value = [*(answer.value or []), evidence.pk]
                answer.not_applicable = False
                answer.state = Answer.State.ANSWERED
                answer.answered_by = by
                answer.answered_at = timezone.now()
                answer.save()
            record_event(
                actor=by,
                verb="reporting.upload_evidence",
                obj=evidence,
                party_id=locked.party_id,
                after={"question": code, "bytes": len(data), "type": kind},
            )
    except BaseException:
        storage.delete(name)  # nothing recorded: no file left behind either
        raise
    return evidence


# --- Submitting ------------------------------------------------------------------------


def open_threads_waiting(submission: Submission) -> list[ReviewThread]:
    """The committee's unresolved questions whose last message is not the party's answer."""
    threads = ReviewThread.objects.unrestricted(WHY).filter(
        submission=submission, resolved_at__isnull=True
    )
    waiting = []
    for thread in threads:
        last = (
            ReviewMessage.objects.unrestricted(WHY)
            .filter(thread=thread)
            .order_by("-created_at", "-pk")
            .first()
        )
        if last is None or last.from_committee:
            waiting.append(thread)
    return waiting


def _invested_assets(answers: dict[str, Answer]) -> Decimal | None:
    for answer in answers.values():
        if answer.question.role == Question.Role.INVESTED_ASSETS and answer.value is not None:
            try:
                return Decimal(str(answer.value)).quantize(Decimal("0.01"))
            except InvalidOperation:
                return None
    return None


def compute_scores(submission: Submission, answers: dict[str, Answer]) -> dict[str, str]:
    """Each sub-indicator's outcome from the answers (``scoring``): stored as ``Score`` rows.
    A committee's score is kept where the computed outcome did not change; else it is asked
    again."""
    from convenant.reporting import scoring

    subs = list(
        Indicator.objects.filter(
            framework_id=submission.cycle.framework_id,
            questionnaire=submission.questionnaire,
            parent__isnull=False,
        ).select_related("parent")
    )
    questions = questions_of(submission)
    by_code = {q.code: q for q in questions}
    outcomes: dict[str, str] = {}
    existing = {
        s.indicator_id: s for s in Score.objects.unrestricted(WHY).filter(submission=submission)
    }
    for indicator in subs:
        outcome = str(
            scoring.sub_outcome(
                indicator,
                [q for q in questions if q.indicator_id == indicator.pk],
                answers,
                by_code,
            )
        )
        outcomes[indicator.code] = outcome
        score = existing.get(indicator.pk)
        if score is None:
            Score.objects.unrestricted(WHY).create(
                submission=submission, indicator=indicator, computed=outcome
            )
        elif score.computed != outcome:
            score.computed = outcome
            score.confirmed, score.reason = "", ""
            score.confirmed_by, score.confirmed_at = None, None
            score.save()
    return outcomes


def submit(*, by: User, submission: Submission) -> Submission:
    """Submit: only once nothing is missing and nothing pre-filled waits for confirmation;
    after the committee's questions, only once each open question has the party's answer.
    The version is locked; its scores are computed and its invested assets taken from the
    answer."""
    _writer(by, submission)
    with transaction.atomic(durable=True):
        locked = _lock(submission)
        if locked.state not in (Submission.State.IN_PROGRESS, Submission.State.QUESTIONS_RAISED):
            if locked.state == Submission.State.NOT_STARTED:
                raise ActionError(_("Nothing has been answered yet."), code="conflict")
            raise ActionError(_("This submission has already been submitted."), code="conflict")
        _writable(locked)
        answers = answers_of(locked)
        left = missing(locked, answers)
        if left:
            raise ActionError(
                _("The submission cannot be sent yet; still missing: %(left)s.")
                % {"left": "; ".join(f"{m.question.code} ({m.reason})" for m in left)},
                code="conflict",
            )
        before = locked.state
        if before == Submission.State.QUESTIONS_RAISED:
            waiting = open_threads_waiting(locked)
            if waiting:
                raise ActionError(
                    _(
                        "Answer each of the committee's open questions before resubmitting "
                        "(%(n)d without your answer)."
                    )
                    % {"n": len(waiting)},
                    code="conflict",
                )
            locked.state = Submission.State.RESUBMITTED
        else:
            locked.state = Submission.State.SUBMITTED
        outcomes = compute_scores(locked, answers)
        now = timezone.now()
        locked.invested_assets_eur = _invested_assets(answers)
        locked.submitted_at = now
        locked.first_submitted_at = locked.first_submitted_at or now
        locked.save()
        record_event(
            actor=by,
            verb="reporting.submit",
            obj=locked,
            party_id=locked.party_id,
            before={"state": before},
            after={
                "state": locked.state,
                "version": locked.version,
                "outcomes": outcomes,
                "invested_assets_eur": str(locked.invested_assets_eur)
                if locked.invested_assets_eur is not None
                else None,
            },
        )
    return locked


# --- Reminders (the secretariat's) -------------------------------------------------------


def remind(
    submission: Submission,
    *,
    kind: str,
    due_key: str = "",
    by: User | None = None,
) -> Reminder:
    """One reminder about one submission, inside the caller's transaction: an e-mail job to
    each editor and administrator of the party, the reminder the jobs' subject."""
    reminder = Reminder.objects.unrestricted(WHY_SECRETARIAT).create(
        submission=submission, kind=kind, due_key=due_key, sent_by=by
    )
    jobs = mail_writers(
        submission,
        _("Reminder: reporting %(cycle)s for %(party)s"),
        "reporting/submissions/email_reminder.txt",
        "reporting.reminder",
        reminder=reminder,
        late=timezone.localdate() > submission.cycle.closes_on,
    )
    reminder.recipients = len(jobs)
    reminder.save(update_fields=["recipients", "updated_at"])
    record_event(
        actor=by,
        verb="reporting.remind",
        obj=reminder,
        after={
            "cycle": submission.cycle.label,
            "party": submission.party.code,
            "kind": kind,
            "due_key": due_key,
            "recipients": len(jobs),
        },
    )
    return reminder


def send_reminders(*, by: User, cycle: Cycle, submission_ids: list[int]) -> list[Reminder]:
    """The secretariat reminds the chosen parties that have not submitted yet."""
    actor = access.actor_for(by, fresh=True)
    if not actor.is_secretariat:
        raise ActionError(_("Only the secretariat sends reminders."), code="forbidden")
    if not submission_ids:
        raise ActionError(_("Choose the parties to remind."), field="submissions")
    with transaction.atomic(durable=True):
        chosen = list(
            Submission.objects.unrestricted(WHY_SECRETARIAT)
            .select_for_update(of=("self",))
            .select_related("cycle", "party")
            .filter(cycle=cycle, pk__in=submission_ids)
            .order_by("party__name")
        )
        if len(chosen) != len(set(submission_ids)):
            raise ActionError(_("Choose parties of this cycle."), field="submissions")
        if cycle.state != Cycle.State.OPEN:
            raise ActionError(_("Reminders go out only while the cycle is open."), code="conflict")
        done = [s for s in chosen if s.state not in NOT_SUBMITTED]
        if done:
            raise ActionError(
                _("Already submitted: %(parties)s.")
                % {"parties": ", ".join(s.party.display_name for s in done)},
                field="submissions",
            )
        return [remind(s, kind=Reminder.Kind.MANUAL, by=by) for s in chosen]


def is_late(submission: Submission, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return submission.state in NOT_SUBMITTED and today > submission.cycle.closes_on


# --- Progress and the secretariat's overview (the row, never an answer) -----------------


@dataclass(frozen=True)
class Progress:
    answered: int
    asked: int
    to_confirm: int

    @property
    def complete(self) -> bool:
        return self.asked > 0 and self.answered == self.asked and not self.to_confirm


def progress_of(questions: list[Question], answers: dict[str, Answer]) -> Progress:
    by_code = {q.code: q for q in questions}
    asked = [q for q in questions if is_asked(q, answers, by_code)]
    answered = [
        q
        for q in asked
        if (a := answers.get(q.code)) is not None and (a.not_applicable or a.value is not None)
    ]
    to_confirm = sum(
        1
        for q in asked
        if (a := answers.get(q.code)) is not None and a.state == Answer.State.PREFILLED
    )
    return Progress(len(answered), len(asked), to_confirm)


def progress(submission: Submission) -> Progress:
    """How far the party is (counts, not content): for the party's own page, the landing page
    and the secretariat's overview."""
    return progress_of(questions_of(submission), answers_of(submission))


@dataclass
class OverviewRow:
    submission: Submission
    progress: Progress
    last_saved: datetime.datetime | None
    late: bool
    reminders: list[Reminder]
    jobs: dict[str, int]  # the reminders' e-mail jobs by state

    @property
    def job_states(self) -> list[tuple[str, str, int]]:
        from convenant.core.models import Job

        return [(state, str(Job.State(state).label), n) for state, n in sorted(self.jobs.items())]


def overview(*, by: User, cycle: Cycle) -> list[OverviewRow]:
    """Per party of the cycle, its submission in force: state, last save, completeness, what
    is pre-filled still to confirm, whether it is late, the reminders sent and whether their
    e-mails went out. For the secretariat (and the committee), which administer the cycle:
    counts and dates, never an answer (DESIGN §5)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Max

    from convenant.core.mail import SEND_EMAIL
    from convenant.core.models import Job

    actor = access.actor_for(by, fresh=True)
    access.require(actor.is_secretariat or actor.is_monitoring_committee)
    submissions = list(
        Submission.objects.unrestricted(WHY_SECRETARIAT)
        .filter(cycle=cycle)
        .in_force()
        .select_related("cycle", "cycle__framework", "party")
        .order_by("party__name", "-version")
    )
    # Per party the version in work (a correction) before the accepted one it corrects.
    seen: set[int] = set()
    latest = []
    for s in submissions:
        if s.party_id not in seen:
            seen.add(s.party_id)
            latest.append(s)
    questions: dict[str, list[Question]] = {}
    answers: dict[int, dict[str, Answer]] = {s.pk: {} for s in latest}
    for a in (
        Answer.objects.unrestricted(WHY_SECRETARIAT)
        .filter(submission__in=latest)
        .select_related("question")
    ):
        answers[a.submission_id][a.question.code] = a
    saved = dict(
        Answer.objects.unrestricted(WHY_SECRETARIAT)
        .filter(submission__in=latest)
        .values_list("submission_id")
        .annotate(last=Max("answered_at"))
    )
    reminders: dict[int, list[Reminder]] = {s.pk: [] for s in latest}
    for r in Reminder.objects.unrestricted(WHY_SECRETARIAT).filter(submission__in=latest):
        reminders[r.submission_id].append(r)
    kind = ContentType.objects.get_for_model(Reminder)
    job_states: dict[str, list[str]] = {}
    for subject_id, state in (
        Job.objects.unrestricted(WHY_SECRETARIAT)
        .filter(
            kind=SEND_EMAIL,
            subject_type=kind,
            subject_id__in=[str(r.pk) for rs in reminders.values() for r in rs],
        )
        .values_list("subject_id", "state")
    ):
        job_states.setdefault(subject_id, []).append(state)
    rows = []
    today = timezone.localdate()
    for s in latest:
        if s.questionnaire not in questions:
            questions[s.questionnaire] = questions_of(s)
        states: dict[str, int] = {}
        for r in reminders[s.pk]:
            for state in job_states.get(str(r.pk), []):
                states[state] = states.get(state, 0) + 1
        rows.append(
            OverviewRow(
                submission=s,
                progress=progress_of(questions[s.questionnaire], answers[s.pk]),
                last_saved=saved.get(s.pk),
                late=is_late(s, today),
                reminders=reminders[s.pk],
                jobs=states,
            )
        )
    return rows
