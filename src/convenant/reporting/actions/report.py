"""Actions of reporting: the monitoring report: the figures per indicator by count and by
invested assets, frozen at sign-off, rendered as HTML, PDF and XLSX.

The committee writes the public summary (Dutch and English) while the report is a draft and
then signs it off: ``figures.compute(cycle)`` is frozen into ``MonitoringReport.figures`` with
its SHA-256 over the canonical JSON, and from then on every rendering reads that snapshot.
Sign-off is refused while a counted submission still waits for the committee's review: the
committee accepts it or leaves it out of the figures (with a reason) first. Parties that
submitted nothing are listed as late and do not hold it up.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from convenant.core import access, limits
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.parties.models import Party
from convenant.reporting import figures as figures_module
from convenant.reporting.models import Cycle, MonitoringReport, Submission

WHY = "the monitoring report: the action checks the actor"


def _committee(by: Any) -> access.Actor:
    """The committee's editors write and sign off its report; its viewers only read it."""
    actor = access.actor_for(by, fresh=True)
    editor_of = actor.party_ids_with(access.Role.EDITOR)
    access.require(
        actor.is_monitoring_committee
        and Party.objects.filter(pk__in=editor_of, type=Party.Type.MONITORING_COMMITTEE).exists()
    )
    return actor


def _draft_report(cycle: Cycle) -> MonitoringReport:
    """The cycle's report, locked for this transaction, made if absent."""
    report, _made = MonitoringReport.objects.unrestricted(WHY).get_or_create(cycle=cycle)
    report = MonitoringReport.objects.unrestricted(WHY).select_for_update().get(pk=report.pk)
    if report.state != MonitoringReport.State.DRAFT:
        raise ActionError(
            _("The report has been signed off: it can no longer change."), code="conflict"
        )
    return report


def pending_review(cycle: Cycle) -> list[str]:
    """The parties whose counted version is still with the committee (submitted, under
    review, questions raised or resubmitted; not left out): sign-off waits for them."""
    return list(
        Submission.objects.unrestricted(WHY)
        .filter(cycle=cycle, state__in=figures_module.IN_REVIEW, corrects__isnull=True)
        .exclude(excluded=True)
        .exclude(party_id__in=_accepted_parties(cycle))
        .order_by("party__name")
        .values_list("party__name", flat=True)
        .distinct()
    )


def _accepted_parties(cycle: Cycle) -> Any:
    return (
        Submission.objects.unrestricted(WHY)
        .filter(cycle=cycle, state=Submission.State.ACCEPTED)
        .values("party_id")
    )


def write_report_summary(
    *, by: Any, cycle: Cycle, summary: str, summary_en: str = ""
) -> MonitoringReport:
    """The committee's public summary of its report, in Dutch (required) and English,
    written before sign-off."""
    _committee(by)
    summary = limits.check_length((summary or "").strip(), limits.TEXT, field="summary")
    summary_en = limits.check_length((summary_en or "").strip(), limits.TEXT, field="summary_en")
    if not summary:
        raise ActionError(_("Write the public summary in Dutch."), field="summary")
    with transaction.atomic(durable=True):
        report = _draft_report(cycle)
        before = {"summary": report.summary, "summary_en": report.summary_en}
        report.summary, report.summary_en = summary, summary_en
        report.save(update_fields=["summary", "summary_en", "updated_at"])
        record_event(
            actor=by,
            verb="reporting.write_report_summary",
            obj=report,
            before=before,
            after={"summary": summary, "summary_en": summary_en},
        )
    return report


def sign_off_report(*, by: Any, cycle: Cycle) -> MonitoringReport:
    """The committee signs its report off: the figures as they stand are frozen, with their
    digest, and the steering group may read it."""
    _committee(by)
    with transaction.atomic(durable=True):
        cycle = Cycle.objects.unrestricted(WHY).select_for_update().get(pk=cycle.pk)
        if cycle.state == Cycle.State.DRAFT:
            raise ActionError(
                _("The cycle has not opened yet: there is nothing to report."), code="conflict"
            )
        report = _draft_report(cycle)
        waiting = pending_review(cycle)
        if waiting:
            raise ActionError(
                ngettext(
                    "%(count)s submission is still under review (%(parties)s): accept it, "
                    "or leave it out of the figures with a reason, before signing off.",
                    "%(count)s submissions are still under review (%(parties)s): accept them, "
                    "or leave them out of the figures with a reason, before signing off.",
                    len(waiting),
                )
                % {"count": len(waiting), "parties": ", ".join(waiting)},
                code="conflict",
            )
        if not report.summary:
            raise ActionError(_("Write the public summary before signing off."), field="summary")
        frozen = figures_module.compute(cycle)
        report.figures = frozen
        report.figures_digest = figures_module.digest(frozen)
        report.state = MonitoringReport.State.SIGNED_OFF
        report.signed_off_at = timezone.now()
        report.signed_off_by = by
        report.save()
        record_event(
            actor=by,
            verb="reporting.sign_off_report",
            obj=report,
            after={
                "cycle": cycle.label,
                "figures_digest": report.figures_digest,
                "funds": frozen["counted"]["funds"],
            },
        )
    return report
