"""Actions of toolkit: the requirement tree (a versioned library file) and a fund's yearly policy
self-assessment against it: answers with evidence, gaps with the model texts that close them,
each year started from the last, exported as XLSX and DOCX.

A self-assessment is its fund's alone (DESIGN §5): its editors start, answer and complete it,
its members read it. The secretariat administers the round and learns per fund only whether
the year's assessment exists and is completed (``assessment_status``), never an answer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from convenant.core import access, limits, uploads
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.parties.models import Party
from convenant.toolkit.models import Answer, EvidenceDocument, Requirement, SelfAssessment
from convenant.toolkit.requirements import answerable, latest_edition

WHY = "self-assessment actions: the fund's own members, checked first"
FIRST_YEAR = 2019  # the covenant's first year

# What an evidence document may be, by its content (never by its name).
EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
}
ANSWERS = (
    Answer.Status.MET,
    Answer.Status.PARTLY_MET,
    Answer.Status.NOT_MET,
    Answer.Status.NOT_APPLICABLE,
)
GAPS = (Answer.Status.NOT_MET, Answer.Status.PARTLY_MET)


def max_evidence_bytes() -> int:
    return settings.TOOLKIT_MAX_EVIDENCE_BYTES


def evidence_storage() -> FileSystemStorage:
    """Evidence lives outside the web root, beside the other uploads, and is served only by
    a view that checks who asks (views.assessment.evidence_document)."""
    location = settings.TOOLKIT_UPLOAD_DIR
    return FileSystemStorage(location=str(location), base_url="/no-public-url/")


def last_year() -> int:
    return timezone.localdate().year


def _editor_of(by: Any, fund: Party) -> access.Actor:
    """An editor of the fund itself; anyone else is told plainly (the API answers 403)."""
    actor = access.actor_for(by, fresh=True)
    if not actor.has_role(fund.pk, access.Role.EDITOR) or fund.pk not in actor.fund_ids:
        raise ActionError(
            _("Only an editor of the fund itself can change its self-assessment."),
            code="forbidden",
        )
    return actor


def _open(assessment: SelfAssessment) -> None:
    if assessment.status != SelfAssessment.Status.OPEN:
        raise ActionError(
            _("The %(year)s self-assessment is completed and no longer changes.")
            % {"year": assessment.year},
            code="conflict",
        )


# --- Starting a year ----------------------------------------------------------------------


def start_self_assessment(*, by: Any, fund: Party, year: int) -> SelfAssessment:
    """The fund's assessment of ``year`` on the newest edition of the tree: every requirement
    unanswered the first time; after that, last year's answers (status, comment, evidence)
    copied, each marked "to confirm"."""
    _editor_of(by, fund)
    if not FIRST_YEAR <= year <= last_year():
        raise ActionError(
            _("Choose a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": last_year()},
            field="year",
        )
    edition = latest_edition()
    if not edition:
        raise ActionError(_("No requirement tree is loaded yet."), code="conflict")
    assessments = SelfAssessment.objects.unrestricted(WHY).filter(fund=fund)
    if assessments.filter(year=year).exists():
        raise ActionError(
            _("The fund already has a self-assessment for %(year)s.") % {"year": year},
            field="year",
            code="conflict",
        )
    previous = assessments.filter(year__lt=year).order_by("-year").first()
    carried = {}
    if previous is not None:
        carried = {
            a.requirement_key: a
            for a in Answer.objects.unrestricted(WHY).filter(assessment=previous)
        }
    try:
        with transaction.atomic(durable=True):
            assessment = SelfAssessment.objects.unrestricted(WHY).create(
                fund=fund, year=year, edition=edition, started_from=previous, created_by=by
            )
            answers = []
            for requirement in answerable(edition):
                before = carried.get(requirement.key)
                if before is not None and before.status:
                    answers.append(
                        Answer(
                            assessment=assessment,
                            requirement_key=requirement.key,
                            status=before.status,
                            comment=before.comment,
                            evidence=before.evidence,
                            passage=before.passage,
                            to_confirm=True,
                        )
                    )
                else:
                    answers.append(Answer(assessment=assessment, requirement_key=requirement.key))
            Answer.objects.unrestricted(WHY).bulk_create(answers)
            record_event(
                actor=by,
                verb="toolkit.start_self_assessment",
                obj=assessment,
                party_id=fund.pk,
                after={
                    "fund": fund.pk,
                    "year": year,
                    "edition": edition,
                    "started_from": previous.pk if previous else None,
                    "to_confirm": sum(a.to_confirm for a in answers),
                },
            )
    except IntegrityError as error:  # the same year started at the same moment
        raise ActionError(
            _("The fund already has a self-assessment for %(year)s.") % {"year": year},
            field="year",
            code="conflict",
        ) from error
    return assessment


# --- Answering ----------------------------------------------------------------------------


def _answer(assessment: SelfAssessment, key: str) -> Answer:
    answer = (
        Answer.objects.unrestricted(WHY)
        .select_for_update()
        .filter(assessment=assessment, requirement_key=key)
        .first()
    )
    if answer is None:
        raise ActionError(
            _("Requirement %(key)s is not in this self-assessment.") % {"key": key},
            field="requirement",
        )
    return answer


def answer_requirement(
    *,
    by: Any,
    assessment: SelfAssessment,
    key: str,
    status: str,
    comment: str = "",
    evidence: EvidenceDocument | None = None,
    passage: str = "",
) -> Answer:
    """The fund's answer to one requirement (met, partly met, not met, not applicable), with a
    comment and evidence: one of the fund's documents and the page or passage that shows it.
    Answering clears "to confirm"."""
    _editor_of(by, assessment.fund)
    _open(assessment)
    if status not in ANSWERS:
        raise ActionError(_("Choose met, partly met, not met or not applicable."), field="status")
    comment = limits.check_length(comment.strip(), limits.MESSAGE, field="comment")
    passage = limits.check_length(passage.strip(), limits.LINE, field="passage")
    if evidence is not None and evidence.fund_id != assessment.fund_id:
        raise ActionError(_("Choose one of the fund's own documents."), field="evidence")
    if evidence is not None and not passage:
        raise ActionError(
            _("Say on which page or in which passage the document shows it."), field="passage"
        )
    if evidence is None and passage:
        raise ActionError(_("Choose the document the page or passage is in."), field="evidence")
    with transaction.atomic(durable=True):
        answer = _answer(assessment, key)
        fields = ["status", "comment", "evidence", "passage", "to_confirm"]
        before = snapshot(answer, fields)
        answer.status = status
        answer.comment = comment
        answer.evidence = evidence
        answer.passage = passage
        answer.to_confirm = False
        answer.answered_by = by
        answer.answered_at = timezone.now()
        answer.save()
        record_event(
            actor=by,
            verb="toolkit.answer_requirement",
            obj=answer,
            party_id=assessment.fund_id,
            # The audit trail names what changed, never the fund's own words.
            before={k: v for k, v in before.items() if k != "comment"},
            after={k: v for k, v in snapshot(answer, fields).items() if k != "comment"},
        )
    return answer


def confirm_answer(*, by: Any, assessment: SelfAssessment, key: str) -> Answer:
    """Last year's answer still holds: it stays as it is and is no longer "to confirm"."""
    _editor_of(by, assessment.fund)
    _open(assessment)
    with transaction.atomic(durable=True):
        answer = _answer(assessment, key)
        if not answer.to_confirm:
            raise ActionError(
                _("This answer has nothing to confirm: change it if it no longer holds."),
                code="conflict",
            )
        answer.to_confirm = False
        answer.answered_by = by
        answer.answered_at = timezone.now()
        answer.save(update_fields=["to_confirm", "answered_by", "answered_at", "updated_at"])
        record_event(
            actor=by,
            verb="toolkit.confirm_answer",
            obj=answer,
            party_id=assessment.fund_id,
            after={"requirement": key, "status": answer.status},
        )
    return answer


def complete_self_assessment(*, by: Any, assessment: SelfAssessment) -> SelfAssessment:
    """Completed only when every requirement is answered and nothing is left to confirm;
    otherwise the refusal says what is left."""
    _editor_of(by, assessment.fund)
    _open(assessment)
    with transaction.atomic(durable=True):
        locked = SelfAssessment.objects.unrestricted(WHY).select_for_update().get(pk=assessment.pk)
        _open(locked)
        answers = list(Answer.objects.unrestricted(WHY).filter(assessment=locked))
        open_keys = sorted(
            (a.requirement_key for a in answers if not a.status), key=requirement_order
        )
        confirm_keys = sorted(
            (a.requirement_key for a in answers if a.status and a.to_confirm),
            key=requirement_order,
        )
        if open_keys or confirm_keys:
            parts = []
            if open_keys:
                parts.append(_("not answered: %(keys)s") % {"keys": ", ".join(open_keys)})
            if confirm_keys:
                parts.append(_("to confirm: %(keys)s") % {"keys": ", ".join(confirm_keys)})
            raise ActionError(
                _("The self-assessment cannot be completed yet; %(left)s.")
                % {"left": "; ".join(parts)},
                code="conflict",
            )
        locked.status = SelfAssessment.Status.COMPLETED
        locked.completed_on = timezone.localdate()
        locked.save(update_fields=["status", "completed_on", "updated_at"])
        record_event(
            actor=by,
            verb="toolkit.complete_self_assessment",
            obj=locked,
            party_id=locked.fund_id,
            before={"status": SelfAssessment.Status.OPEN},
            after={"status": locked.status, "completed_on": locked.completed_on.isoformat()},
        )
    assessment.refresh_from_db()
    return assessment


def requirement_order(key: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in key.split("."))


# --- Evidence -----------------------------------------------------------------------------


def upload_evidence(
    *, by: Any, fund: Party, title: str, filename: str, data: bytes
) -> EvidenceDocument:
    """A document of the fund (its policy, a board decision), uploaded once and cited by any
    answer: a PDF, Word or OpenDocument text by its content, within the size limit, stored
    under a random name outside the web root."""
    _editor_of(by, fund)
    title = limits.check_length(title.strip(), limits.LINE, field="title")
    if not data:
        raise ActionError(_("Choose a file."), field="file")
    kind = uploads.checked_kind(
        data,
        types=EVIDENCE_TYPES,
        max_bytes=max_evidence_bytes(),
        wrong_type=_("Upload the evidence as a PDF, Word (DOCX) or OpenDocument text (ODT) file."),
    )
    title = title or get_valid_filename(filename)[:200] or _("Document")
    storage = evidence_storage()
    name = uploads.store(storage, "evidence", data, kind=kind, types=EVIDENCE_TYPES)
    try:
        with transaction.atomic(durable=True):
            document = EvidenceDocument.objects.unrestricted(WHY).create(
                fund=fund, title=title, file=name, content_type=kind, uploaded_by=by
            )
            record_event(
                actor=by,
                verb="toolkit.upload_evidence",
                obj=document,
                party_id=fund.pk,
                after={"fund": fund.pk, "title": title, "bytes": len(data), "type": kind},
            )
    except BaseException:
        storage.delete(name)  # nothing recorded: no file left behind either
        raise
    return document


# --- Reading (the fund's own, and the secretariat's administration) -------------------------


@dataclass(frozen=True)
class FundStatus:
    fund: Party
    exists: bool
    completed: bool


def assessment_status(*, by: Any, year: int) -> list[FundStatus]:
    """For the secretariat: per fund in the covenant today, whether its self-assessment of
    ``year`` exists and is completed. Two facts per fund, never an answer (DESIGN §5)."""
    actor = access.actor_for(by, fresh=True)
    access.require(actor.is_secretariat)
    statuses = dict(
        SelfAssessment.objects.unrestricted(
            "the secretariat administers the round: whether it exists and is completed"
        )
        .filter(year=year)
        .values_list("fund_id", "status")
    )
    today = timezone.localdate()
    funds = Party.objects.filter(type=Party.Type.PENSION_FUND, joined_on__lte=today).exclude(
        left_on__lt=today
    )
    return [
        FundStatus(
            fund=fund,
            exists=fund.pk in statuses,
            completed=statuses.get(fund.pk) == SelfAssessment.Status.COMPLETED,
        )
        for fund in funds.order_by("name")
    ]


def requirements_of(assessment: SelfAssessment) -> dict[str, Requirement]:
    return {r.key: r for r in Requirement.objects.filter(edition=assessment.edition)}


def today() -> datetime.date:
    return timezone.localdate()
