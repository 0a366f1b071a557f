"""Actions of the deep track: a case's consultations (step A, with the group-level confidentiality
and redaction), remedies and company policy changes (step C), and progress with the grievance-
mechanism assessments against UNGP 31 (step D).

Who may: a person of the sub-working group whose role carries the ``record`` right
(``case_rules.RIGHTS``); nobody writes in a closed case. Every write is one transaction with
its audit event; a refused one changes nothing.

Consultations where people are at risk follow the signals' rule: the names of people and
the exact location never leave the group, and the consultation itself stays with the group
unless the recorder opens it to the case's readers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.engagement import case_rules
from convenant.engagement.models import (
    Case,
    CaseLevel,
    Consultation,
    ConsultationNote,
    GrievanceAssessment,
    GrievanceCriterion,
    GrievanceRating,
    GrievanceScore,
    Remedy,
)
from convenant.engagement.models.cases import CONSULTATION_REDACTABLE

WHY = "deep-track fieldwork: the action decides access"

# Fields never opened beyond the group where people are at risk.
AT_RISK_HIDDEN = ("people", "site")
CONSULTATION_FIELDS = (
    "held_on",
    "kind",
    "with_whom",
    "groups",
    "people",
    "site",
    "findings",
    "people_at_risk",
    "level",
    "redactions",
)
# What the audit log may hold of a consultation; the rest is named only when it changes.
CONFIDENTIAL_FIELDS = ("people", "site", "findings", "with_whom")
OPEN_FIELDS = [f for f in CONSULTATION_FIELDS if f not in CONFIDENTIAL_FIELDS]


# --- Who may -----------------------------------------------------------------------------


def may_record(user: Any, case: Case) -> bool:
    """Whether the person holds the ``record`` right in the case today (and it runs)."""
    rights = case_rules.actor_rights(access.actor_for(user, fresh=True), case)
    return "record" in rights and case.status == Case.Status.ACTIVE


def _require_record(by: Any, case: Case) -> None:
    access.require("record" in case_rules.actor_rights(access.actor_for(by, fresh=True), case))
    if case.status != Case.Status.ACTIVE:
        raise ActionError(_("This case is closed."), code="conflict")


def _text(value: Any, limit: int, field: str, *, required: bool = False) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise ActionError(_("This field is required."), field=field)
    return limits.check_length(value, limit, field=field)


def _date(value: Any, field: str, *, past: bool = True) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ActionError(_("Give a date."), field=field)
    if past and value > timezone.localdate():
        raise ActionError(_("This date lies in the future."), field=field)
    return value


def _level(value: Any, field: str = "level") -> str:
    if value not in CaseLevel.values:
        raise ActionError(_("Choose who may read it."), field=field)
    return str(value)


def is_locked(record: Any, now: datetime.datetime | None = None) -> bool:
    """Past the lock period after it was recorded (``ENGAGEMENT_ACTIVITY_LOCK_DAYS``): the
    record stands as it was written."""
    now = now or timezone.now()
    lock = datetime.timedelta(days=settings.ENGAGEMENT_ACTIVITY_LOCK_DAYS)
    return bool(record.created_at + lock < now)


# --- Step A: consultations ---------------------------------------------------------------


def _consultation_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check a consultation as a whole: the same rules for a new one and a correction."""
    from convenant.signals.models import AffectedGroup

    at_risk = bool(values.get("people_at_risk"))
    kind = values.get("kind")
    if kind not in Consultation.Kind.values:
        raise ActionError(
            _("Choose with whom: stakeholders, a local partner or an affected group."),
            field="kind",
        )
    groups = sorted({str(g) for g in values.get("groups") or ()})
    unknown = [g for g in groups if g not in AffectedGroup.values]
    if unknown:
        raise ActionError(
            _("Unknown group: %(groups)s.") % {"groups": ", ".join(unknown)}, field="groups"
        )
    raw_redactions = values.get("redactions") or {}
    if not isinstance(raw_redactions, Mapping):
        raise ActionError(_("Say per field who may read it."), field="redactions")
    redactions: dict[str, str] = {}
    for field, level in raw_redactions.items():
        if field not in CONSULTATION_REDACTABLE:
            raise ActionError(
                _("%(field)s cannot be opened or hidden.") % {"field": field}, field="redactions"
            )
        if level not in CaseLevel.values:
            raise ActionError(_("Choose who may read it."), field="redactions")
        if level == CaseLevel.CASE:  # absent means the group only
            redactions[str(field)] = CaseLevel.CASE
    if at_risk:
        opened = [str(CONSULTATION_REDACTABLE[f]) for f in AT_RISK_HIDDEN if f in redactions]
        if opened:
            raise ActionError(
                _(
                    "People are at risk: %(fields)s stay with the sub-working group and cannot "
                    "be opened to anyone else."
                )
                % {"fields": ", ".join(opened).lower()},
                field="redactions",
            )
    level = values.get("level") or (CaseLevel.GROUP if at_risk else CaseLevel.CASE)
    return {
        "held_on": _date(values.get("held_on"), "held_on"),
        "kind": kind,
        "with_whom": _text(values.get("with_whom"), limits.LINE, "with_whom", required=True),
        "groups": groups,
        "people": _text(values.get("people"), limits.MESSAGE, "people"),
        "site": _text(values.get("site"), limits.LINE, "site"),
        "findings": _text(values.get("findings"), limits.TEXT, "findings", required=True),
        "people_at_risk": at_risk,
        "level": _level(level),
        "redactions": redactions,
    }


def record_consultation(
    *,
    by: Any,
    case: Case,
    held_on: datetime.date,
    kind: str,
    with_whom: str,
    findings: str,
    groups: Iterable[str] = (),
    people: str = "",
    site: str = "",
    people_at_risk: bool = False,
    level: str = "",
    redactions: Mapping[str, str] | None = None,
) -> Consultation:
    """Record a consultation with stakeholders, local partners or affected groups. Where
    people are at risk it stays with the group unless ``level`` opens it, and its names and
    exact location never leave the group. ``redactions`` opens a field to the case's readers
    (``{"findings": "case"}``); a field not named stays with the group."""
    _require_record(by, case)
    values = _consultation_values(
        {
            "held_on": held_on,
            "kind": kind,
            "with_whom": with_whom,
            "groups": groups,
            "people": people,
            "site": site,
            "findings": findings,
            "people_at_risk": people_at_risk,
            "level": level,
            "redactions": redactions,
        }
    )
    if values["held_on"] < case.selected_on - datetime.timedelta(days=366):
        raise ActionError(
            _("A consultation of the case is held after the case was selected, or just before."),
            field="held_on",
        )
    with transaction.atomic(durable=True):
        consultation = Consultation.objects.create(case=case, recorded_by=by, **values)
        record_event(
            actor=by,
            verb="engagement.record_consultation",
            obj=consultation,
            after={"case": case.reference, "level": values["level"], "kind": values["kind"]},
        )
    return consultation


def correct_consultation(*, by: Any, consultation: Consultation, **changes: Any) -> Consultation:
    """Correct a consultation within the lock period; after it, the record stands. The
    fields not given keep their value; the rules of a new one apply to the result."""
    case = consultation.case
    _require_record(by, case)
    unknown = set(changes) - set(CONSULTATION_FIELDS)
    if unknown:
        raise ActionError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(unknown)})
    with transaction.atomic(durable=True):
        current = Consultation.objects.unrestricted(WHY).select_for_update().get(pk=consultation.pk)
        if is_locked(current):
            raise ActionError(
                _("This consultation is locked after %(days)s days.")
                % {"days": settings.ENGAGEMENT_ACTIVITY_LOCK_DAYS},
                code="conflict",
            )
        merged = {name: getattr(current, name) for name in CONSULTATION_FIELDS} | changes
        # A consultation that now has people at risk falls back to the group unless the
        # correction says otherwise.
        if "level" not in changes and merged["people_at_risk"] and not current.people_at_risk:
            merged["level"] = CaseLevel.GROUP
        values = _consultation_values(merged)
        before = snapshot(current, OPEN_FIELDS)
        changed = sorted(f for f in CONFIDENTIAL_FIELDS if getattr(current, f) != values[f])
        for name, value in values.items():
            setattr(current, name, value)
        current.save(update_fields=[*CONSULTATION_FIELDS, "updated_at"])
        # The audit log is read beyond the group: it names the confidential fields that
        # changed, never their content.
        record_event(
            actor=by,
            verb="engagement.correct_consultation",
            obj=current,
            before=before,
            after=snapshot(current, OPEN_FIELDS) | {"changed": changed},
        )
    return current


def annotate_consultation(*, by: Any, consultation: Consultation, text: str) -> ConsultationNote:
    """Add a note to a consultation: what was learned later, beside the record as written
    (the way to add to it once it is locked). The note is read by its consultation's readers."""
    _require_record(by, consultation.case)
    text = _text(text, limits.MESSAGE, "text", required=True)
    with transaction.atomic(durable=True):
        note = ConsultationNote.objects.create(consultation=consultation, text=text, written_by=by)
        # The text may be the group's own: the audit log names the note, not its content.
        record_event(
            actor=by,
            verb="engagement.annotate_consultation",
            obj=consultation,
            after={"case": consultation.case.reference, "note": note.pk},
        )
    return note


# --- Step C: remedies and company policy changes ----------------------------------------


def _remedy_status(status: Any, evidence: str) -> str:
    if status not in Remedy.Status.values:
        raise ActionError(_("Choose a status."), field="status")
    if status == Remedy.Status.PROVIDED and not evidence:
        raise ActionError(
            _("A remedy marked as provided needs evidence that it was."), field="evidence"
        )
    return str(status)


def record_remedy(
    *,
    by: Any,
    case: Case,
    kind: str,
    what: str,
    for_whom: str = "",
    by_whom: str = "",
    status: str = Remedy.Status.IDENTIFIED,
    due_on: datetime.date | None = None,
    status_on: datetime.date | None = None,
    evidence: str = "",
    level: str = CaseLevel.CASE,
) -> Remedy:
    """Record remedy for affected people (for whom is required) or a company policy change,
    each tracked apart."""
    _require_record(by, case)
    if kind not in Remedy.Kind.values:
        raise ActionError(
            _("Choose: remedy for affected people or a company policy change."), field="kind"
        )
    what = _text(what, limits.TEXT, "what", required=True)
    for_whom = _text(for_whom, limits.LINE, "for_whom")
    if kind == Remedy.Kind.REMEDY and not for_whom:
        raise ActionError(_("Say for whom the remedy is."), field="for_whom")
    evidence = _text(evidence, limits.TEXT, "evidence")
    values = {
        "kind": kind,
        "what": what,
        "for_whom": for_whom,
        "by_whom": _text(by_whom, limits.LINE, "by_whom"),
        "status": _remedy_status(status, evidence),
        "due_on": due_on,
        "status_on": _date(status_on or timezone.localdate(), "status_on"),
        "evidence": evidence,
        "level": _level(level),
    }
    with transaction.atomic(durable=True):
        remedy = Remedy.objects.create(case=case, recorded_by=by, **values)
        record_event(
            actor=by,
            verb="engagement.record_remedy",
            obj=remedy,
            after={"case": case.reference}
            | snapshot(remedy, ["kind", "status", "due_on", "status_on", "level"]),
        )
    return remedy


def update_remedy(
    *,
    by: Any,
    remedy: Remedy,
    status: str,
    status_on: datetime.date | None = None,
    evidence: str | None = None,
    note: str = "",
) -> Remedy:
    """A remedy's new status, from the day it holds; provided needs evidence. Each change is
    an audit event (before and after), which is the remedy's history; ``note`` says why."""
    case = remedy.case
    _require_record(by, case)
    note = _text(note, limits.MESSAGE, "note")
    with transaction.atomic(durable=True):
        current = Remedy.objects.unrestricted(WHY).select_for_update().get(pk=remedy.pk)
        new_evidence = (
            current.evidence if evidence is None else _text(evidence, limits.TEXT, "evidence")
        )
        new_status = _remedy_status(status, new_evidence)
        on = _date(status_on or timezone.localdate(), "status_on")
        if on < current.status_on:
            raise ActionError(
                _("The new status holds from a day after the current one (%(d)s).")
                % {"d": current.status_on.isoformat()},
                field="status_on",
            )
        if new_status == current.status and new_evidence == current.evidence:
            raise ActionError(_("Nothing changed."), field="status")
        before = snapshot(current, ["status", "status_on"])
        evidence_changed = new_evidence != current.evidence
        current.status, current.status_on, current.evidence = new_status, on, new_evidence
        current.save(update_fields=["status", "status_on", "evidence", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.update_remedy",
            obj=current,
            before=before,
            after=snapshot(current, ["status", "status_on"])
            | {"evidence_changed": evidence_changed, "note": note},
        )
    return current


def remedy_history(user: Any, remedies: list[Remedy]) -> dict[int, list[dict[str, Any]]]:
    """Each remedy's status changes, from the audit events its updates recorded: for the
    remedies the reader may read (their history is the remedy's own, whoever may read the
    audit log as a whole)."""
    readable = set(
        Remedy.objects.visible_to(user)
        .filter(pk__in=[r.pk for r in remedies])
        .values_list("pk", flat=True)
    )
    history: dict[int, list[dict[str, Any]]] = {pk: [] for pk in readable}
    if not readable:
        return history
    labels = {str(value): str(label) for value, label in Remedy.Status.choices}
    events = (
        AuditEvent.objects.unrestricted("a remedy's history, for the remedy's readers")
        .filter(
            object_type=ContentType.objects.get_for_model(Remedy),
            object_id__in=[str(pk) for pk in readable],
            verb="engagement.update_remedy",
        )
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )
    for event in events:
        before, after = event.before or {}, event.after or {}
        history[int(event.object_id)].append(
            {
                "at": event.occurred_at,
                "who": event.actor.full_name if event.actor else event.actor_label,
                "from": labels.get(str(before.get("status")), before.get("status")),
                "to": labels.get(str(after.get("status")), after.get("status")),
                "since": after.get("status_on"),
                "evidence_changed": after.get("evidence_changed", False),
                "note": after.get("note", ""),
            }
        )
    return history


# --- Step D: the grievance mechanism against UNGP 31 ------------------------------------


def assess_grievance_mechanism(
    *,
    by: Any,
    case: Case,
    assessed_on: datetime.date,
    mechanism: str,
    ratings: Mapping[str, tuple[Any, str]],
    summary: str = "",
) -> GrievanceAssessment:
    """Assess the company's grievance mechanism on all eight effectiveness criteria of UN
    Guiding Principle 31: per criterion a rating 0–3 and the evidence for it. A partial
    assessment is refused, naming the criteria missing."""
    _require_record(by, case)
    assessed_on = _date(assessed_on, "assessed_on")
    mechanism = _text(mechanism, limits.LINE, "mechanism", required=True)
    summary = _text(summary, limits.TEXT, "summary")
    unknown = [c for c in ratings if c not in GrievanceCriterion.values]
    if unknown:
        raise ActionError(
            _("Unknown criterion: %(c)s.") % {"c": ", ".join(map(str, unknown))}, field="ratings"
        )
    missing = [
        criterion
        for criterion in GrievanceCriterion
        if criterion.value not in ratings
        or ratings[criterion.value][0] in (None, "")
        or not str(ratings[criterion.value][1] or "").strip()
    ]
    if missing:
        raise ActionError(
            _("Rate every criterion with its evidence; missing: %(criteria)s.")
            % {"criteria": ", ".join(str(c.label) for c in missing)},
            field="ratings",
        )
    scores = []
    for criterion in GrievanceCriterion:
        raw, evidence = ratings[criterion.value]
        try:
            rating = int(raw)
        except (TypeError, ValueError):
            rating = -1
        if rating not in GrievanceRating.values:
            raise ActionError(
                _("%(criterion)s: a rating runs from 0 (absent) to 3 (meets).")
                % {"criterion": criterion.label},
                field="ratings",
            )
        scores.append((criterion.value, rating, _text(evidence, limits.MESSAGE, "ratings")))
    with transaction.atomic(durable=True):
        assessment = GrievanceAssessment.objects.create(
            case=case,
            assessed_on=assessed_on,
            mechanism=mechanism,
            summary=summary,
            assessed_by=by,
        )
        GrievanceScore.objects.bulk_create(
            GrievanceScore(assessment=assessment, criterion=c, rating=r, evidence=e)
            for c, r, e in scores
        )
        record_event(
            actor=by,
            verb="engagement.assess_grievance_mechanism",
            obj=assessment,
            after={
                "case": case.reference,
                "assessed_on": assessed_on.isoformat(),
                "ratings": {c: r for c, r, _e in scores},
            },
        )
    return assessment
