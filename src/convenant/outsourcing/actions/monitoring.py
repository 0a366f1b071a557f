"""Actions of outsourcing: the reporting requirements agreed per mandate, the provider reports
received per period and what is missing, and a fund's dashboard of the shares of its mandates
with clauses and with reporting in place, by count and by invested amount.

A fund's editors record both; the records are the fund's confidential business (their audit
events name the fund). The secretariat administers providers, not the fund's reporting."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access, limits, uploads
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.outsourcing.models import Mandate, ProviderReport, ReportingRequirement

WHY = "a fund's reporting requirements and provider reports, for its editors"

# A provider's report arrives as a document: recognised by its content, never by its name.
REPORT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
}


def max_report_bytes() -> int:
    return settings.OUTSOURCING_MAX_REPORT_BYTES


def report_storage() -> FileSystemStorage:
    """Provider reports live outside the web root, beside the holdings uploads, and are
    served only by a view that checks who asks (views.monitoring.provider_report_file)."""
    location = settings.OUTSOURCING_UPLOAD_DIR
    return FileSystemStorage(location=str(location), base_url="/no-public-url/")


def _editor_of(by: Any, mandate: Mandate) -> None:
    """The fund's editors record its reporting; anyone else who may read the mandate may
    not change it."""
    actor = access.actor_for(by, fresh=True)
    access.require(actor.has_role(mandate.fund_id, access.Role.EDITOR))


def _mandate(mandate: Mandate | int) -> Mandate:
    pk = mandate.pk if isinstance(mandate, Mandate) else mandate
    return Mandate.objects.unrestricted(WHY).get(pk=pk)


def agree_reporting_requirement(
    *,
    by: Any,
    mandate: Mandate,
    description: str,
    frequency: str,
    since: datetime.date,
    model_version: Any = None,
) -> ReportingRequirement:
    """The provider agreed to report ``description`` at ``frequency`` from ``since``,
    following the toolkit's model reporting requirement ``model_version`` if given (a version
    in force)."""
    mandate = _mandate(mandate)
    _editor_of(by, mandate)
    description = limits.check_length(description.strip(), limits.LINE, field="description")
    if not description:
        raise ActionError(_("Say what the provider reports."), field="description")
    if frequency not in ReportingRequirement.Frequency.values:
        raise ActionError(_("Choose quarterly, half-yearly or yearly."), field="frequency")
    if since < mandate.start_date or (mandate.end_date and since > mandate.end_date):
        raise ActionError(
            _("The requirement is agreed from a day within the mandate (from %(start)s).")
            % {"start": mandate.start_date.isoformat()},
            field="since",
        )
    if model_version is not None:
        from convenant.toolkit.models import TextKind, TextVersion, VersionStatus

        version = (
            TextVersion.objects.unrestricted(WHY)
            .select_related("text")
            .filter(pk=getattr(model_version, "pk", model_version))
            .first()
        )
        if version is None or version.text.kind != TextKind.REPORTING_REQUIREMENT:
            raise ActionError(
                _("Choose one of the toolkit's model reporting requirements."),
                field="model_version",
            )
        if version.status != VersionStatus.ADOPTED:
            raise ActionError(
                _("Version %(number)s of this model requirement is not in force.")
                % {"number": version.number},
                field="model_version",
            )
        model_version = version
    with transaction.atomic(durable=True):
        requirement = ReportingRequirement.objects.unrestricted(WHY).create(
            mandate=mandate,
            description=description,
            frequency=frequency,
            since=since,
            model_version=model_version,
        )
        record_event(
            actor=by,
            verb="outsourcing.agree_reporting_requirement",
            obj=requirement,
            party_id=mandate.fund_id,
            after=snapshot(requirement, ["mandate", "description", "frequency", "since"]),
        )
    return requirement


def record_provider_report(
    *,
    by: Any,
    mandate: Mandate,
    period_start: datetime.date,
    period_end: datetime.date,
    received_on: datetime.date,
    covers: Iterable[Any],
    data: bytes | None = None,
    note: str = "",
) -> ProviderReport:
    """A report received from the provider for a period, covering some of the mandate's
    agreed requirements; its file (optional) must be a document by its content."""
    mandate = _mandate(mandate)
    _editor_of(by, mandate)
    if period_end < period_start:
        raise ActionError(_("The period ends before it starts."), field="period_end")
    if received_on > timezone.localdate():
        raise ActionError(_("A report cannot be received in the future."), field="received_on")
    if received_on < period_start:
        raise ActionError(
            _("A report is received after its period has begun."), field="received_on"
        )
    wanted = {getattr(c, "pk", c) for c in covers}
    requirements = list(
        ReportingRequirement.objects.unrestricted(WHY).filter(mandate=mandate, pk__in=wanted)
    )
    if not wanted:
        raise ActionError(_("Choose the requirements the report covers."), field="covers")
    if len(requirements) != len(wanted):
        raise ActionError(
            _("The report can only cover this mandate's own reporting requirements."),
            field="covers",
        )
    note = limits.check_length(note.strip(), limits.MESSAGE, field="note")
    kind = None
    if data:
        kind = uploads.checked_kind(
            data,
            types=REPORT_TYPES,
            max_bytes=max_report_bytes(),
            wrong_type=_("Upload a PDF, Word, Excel, PowerPoint or OpenDocument file."),
            too_large=_("A report may be at most %(mb)d MB."),
        )
    storage = report_storage()
    name = ""
    if data and kind:
        name = uploads.store(storage, "reports", data, kind=kind, types=REPORT_TYPES)
    try:
        with transaction.atomic(durable=True):
            report = ProviderReport.objects.unrestricted(WHY).create(
                mandate=mandate,
                period_start=period_start,
                period_end=period_end,
                received_on=received_on,
                file=name,
                note=note,
                recorded_by=by,
            )
            report.covers.set(requirements)
            record_event(
                actor=by,
                verb="outsourcing.record_provider_report",
                obj=report,
                party_id=mandate.fund_id,
                after={
                    **snapshot(report, ["mandate", "period_start", "period_end", "received_on"]),
                    "covers": sorted(r.pk for r in requirements),
                    "file": kind or "",
                },
            )
    except BaseException:
        if name:
            storage.delete(name)  # nothing recorded: no file left behind either
        raise
    return report
