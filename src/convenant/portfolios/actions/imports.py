"""Holdings imports as background jobs: queue an upload, name its columns, import the valid
rows of a refused file, say whether a much smaller file is complete or partial, cancel or
retry a run, and the job handler that runs the import (in a Celery worker, or eagerly in the
demo and tests) through core's job mechanism."""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pycountry
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core import actions as core_actions
from convenant.core.access import Role
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.jobs import JobContext, JobFailed, enqueue_job
from convenant.core.models import Job, User
from convenant.parties.models import Party
from convenant.portfolios.actions.holdings import import_holdings
from convenant.portfolios.importing.mapping import ColumnsNeeded, check_columns
from convenant.portfolios.importing.report import RowsRejected
from convenant.portfolios.importing.request import check_request
from convenant.portfolios.importing.write import SmallerThanBefore
from convenant.portfolios.models import ExchangeRate, ImportJob

IMPORT_HOLDINGS = "portfolios.import_holdings"


def upload_dir() -> Path:
    folder = Path(settings.HOLDINGS_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(job: ImportJob) -> Path:
    """Where an import's uploaded file is kept until it has been imported (or purged)."""
    return upload_dir() / job.stored_name


def rejected_path(job: ImportJob) -> Path:
    return upload_dir() / f"rejected-{job.pk}-{job.stored_name}.csv"


def _start(imp: ImportJob, by: User) -> None:
    """Queue a run of the import inside the caller's transaction: a new core job becomes
    the import's latest run, and the outcome of an earlier run is cleared."""
    imp.job = enqueue_job(
        IMPORT_HOLDINGS,
        by=by,
        subject=imp,
        party_id=imp.fund_id,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    imp.outcome, imp.message = "", ""
    imp.save(update_fields=["job", "outcome", "message", "updated_at"])


def check_currency(text: str) -> str:
    """The currency a person gives for a whole file: empty, or an ISO 4217 code (one that
    has exchange rates counts too, such as a currency that no longer exists)."""
    code = (text or "").strip().upper()
    if not code:
        return ""
    known = re.fullmatch(r"[A-Z]{3}", code) and (
        pycountry.currencies.get(alpha_3=code) is not None
        or ExchangeRate.objects.filter(currency=code).exists()
    )
    if not known:
        raise ActionError(
            _(
                "“%(value)s” is not a currency code: give three letters as in ISO 4217, "
                "such as EUR or USD."
            )
            % {"value": text.strip()[:20]},
            field="currency",
        )
    return code


def currency_choices() -> list[str]:
    """EUR and every currency that has exchange rates: what a file's currency can be."""
    codes = ExchangeRate.objects.order_by().values_list("currency", flat=True).distinct()
    return ["EUR", *sorted(set(codes) - {"EUR"})]


def queue_import(
    *,
    by: User,
    fund: Party,
    as_of: datetime.date,
    chunks: Iterable[bytes],
    filename: str,
    import_valid_rows: bool = False,
    columns: dict[str, str] | None = None,
    currency: str = "",
) -> ImportJob:
    """Store an uploaded file and queue its import. The checks that need no reading of the
    file happen now, so a person hears at once that they may not import for this fund or
    that the date lies in the future."""
    actor = access.actor_for(by, fresh=True)
    access.require(actor.has_role(fund.pk, Role.EDITOR) and fund.pk in actor.fund_ids)
    check_request(by, fund, as_of)
    columns = check_columns(columns)
    currency = check_currency(currency)
    suffix = Path(filename).suffix.lower()[:8]
    stored = secrets.token_urlsafe(24) + suffix
    size = 0
    with (upload_dir() / stored).open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > settings.HOLDINGS_MAX_BYTES:
                out.close()
                (upload_dir() / stored).unlink(missing_ok=True)
                raise ActionError(
                    _("The file is larger than the limit of %(limit)s bytes.")
                    % {"limit": settings.HOLDINGS_MAX_BYTES},
                    field="file",
                )
            out.write(chunk)
    try:
        with transaction.atomic(durable=True):
            imp = ImportJob.objects.create(
                fund=fund,
                as_of=as_of,
                filename=Path(filename).name[:255],
                stored_name=stored,
                import_valid_rows=import_valid_rows,
                columns=columns or None,
                currency=currency,
                created_by=by,
            )
            record_event(
                actor=by,
                verb="portfolios.queue_import",
                obj=imp,
                party_id=fund.pk,
                after={
                    "file": imp.filename,
                    "as_of": as_of.isoformat(),
                    **({"currency": currency} if currency else {}),
                },
            )
            _start(imp, by)
    except BaseException:
        (upload_dir() / stored).unlink(missing_ok=True)
        raise
    return imp


def _require_stored_file(imp: ImportJob) -> None:
    if not stored_path(imp).exists():
        raise ActionError(
            _("The uploaded file is no longer kept; upload it again."), code="conflict"
        )


def _answer(
    *,
    by: User,
    job: ImportJob,
    waiting_for: str,
    not_waiting: str,
    verb: str,
    changes: dict[str, Any],
    after: dict[str, Any],
) -> ImportJob:
    """The person answers what an import waits for (its columns, whether to import the valid
    rows, whether a much smaller file is complete): the answer is kept on the import and the
    import runs again from the file already uploaded."""
    actor = access.actor_for(by, fresh=True)
    access.require(actor.has_role(job.fund_id, Role.EDITOR))
    with transaction.atomic(durable=True):
        imp = (
            ImportJob.objects.unrestricted("an answer to an import: the action decides access")
            .select_for_update()
            .get(pk=job.pk)
        )
        if imp.outcome != waiting_for:
            raise ActionError(not_waiting, code="conflict")
        _require_stored_file(imp)
        for name, value in changes.items():
            setattr(imp, name, value)
        imp.save(update_fields=[*changes, "updated_at"])
        record_event(actor=by, verb=verb, obj=imp, party_id=imp.fund_id, after=after)
        _start(imp, by)
    return imp


def name_columns(*, by: User, job: ImportJob, columns: dict[str, str]) -> ImportJob:
    """The person says which field each column holds; the import runs again with that."""
    columns = check_columns(columns) or {}
    return _answer(
        by=by,
        job=job,
        waiting_for=ImportJob.Outcome.COLUMNS,
        not_waiting=_("This import is not waiting for its columns."),
        verb="portfolios.name_columns",
        changes={"columns": columns},
        after={"columns": columns},
    )


def import_valid_rows(*, by: User, job: ImportJob) -> ImportJob:
    """After a file was refused for its unreadable rows, the person chooses to import the
    valid ones, from the file already uploaded."""
    return _answer(
        by=by,
        job=job,
        waiting_for=ImportJob.Outcome.REJECTED,
        not_waiting=_("This import was not refused for its rows."),
        verb="portfolios.import_valid_rows",
        changes={"import_valid_rows": True},
        after={"file": job.filename, "as_of": job.as_of.isoformat()},
    )


def confirm_import_size(*, by: User, job: ImportJob, partial: bool) -> ImportJob:
    """The file was much smaller than the fund's previous snapshot; the person says it is
    complete after all (``partial=False``), or only part of the holdings (``partial=True``:
    the snapshot is kept but never becomes the fund's current one). The import runs again."""
    return _answer(
        by=by,
        job=job,
        waiting_for=ImportJob.Outcome.SMALLER,
        not_waiting=_("This import is not waiting for a decision on its size."),
        verb="portfolios.confirm_import_size",
        changes={"partial": partial, "size_confirmed": not partial},
        after={"partial": partial, "file": job.filename, "as_of": job.as_of.isoformat()},
    )


def smaller_report(smaller: SmallerThanBefore) -> dict[str, Any]:
    """The comparison a person answers "complete or partial?" by, kept on the import."""
    return {
        "previous_as_of": smaller.previous_as_of.isoformat(),
        "previous_count": smaller.previous_count,
        "previous_value": str(smaller.previous_value),
        "count": smaller.count,
        "value": str(smaller.value),
    }


def smaller_message(smaller: SmallerThanBefore) -> str:
    return str(smaller.messages[0])


def _current_run(imp: ImportJob) -> Job:
    run = (
        Job.objects.unrestricted("current run: the action decides access")
        .filter(pk=imp.job_id)
        .first()
        if imp.job_id is not None
        else None
    )
    if run is None:
        raise ActionError(_("This import has no run to act on."), code="conflict")
    return run


def cancel_import(*, by: User, job: ImportJob) -> Job:
    """Stop an import that has not started yet (core's cancel, on the import's run)."""
    return core_actions.cancel_job(by=by, job=_current_run(job))


def retry_import(*, by: User, job: ImportJob) -> Job:
    """Run a failed import again from the file already uploaded; once the file has been
    purged that is impossible, and the person is told to upload it again."""
    run = _current_run(job)
    access.require(
        access.can_manage_job(
            access.actor_for(by, fresh=True), created_by_id=run.created_by_id, party_id=run.party_id
        )
    )
    if run.state == Job.State.FAILED:
        _require_stored_file(job)
    return core_actions.retry_job(by=by, job=run)


def purge_uploads(now: datetime.datetime | None = None) -> int:
    """Delete the files of imports uploaded longer ago than HOLDINGS_UPLOAD_RETENTION_DAYS:
    files waiting for a person's choice, files of failed and cancelled runs, and the
    rejected rows kept for download. A file whose run is queued or running stays. A fund's
    holdings do not stay on disk beyond that. Returns the number of files deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=settings.HOLDINGS_UPLOAD_RETENTION_DAYS
    )
    deleted = 0
    old = (
        ImportJob.objects.unrestricted("purge uploads: the action decides access")
        .filter(created_at__lt=cutoff)
        .exclude(job__state__in=[Job.State.QUEUED, Job.State.RUNNING])
    )
    for imp in old.iterator():
        for path in (stored_path(imp), rejected_path(imp)):
            if path.exists():
                path.unlink()
                deleted += 1
    return deleted


# --- The job handler -------------------------------------------------------------------


def _record(imp: ImportJob, run: Job, **fields: Any) -> None:
    """Write the run's outcome on the import, unless a later run has replaced it."""
    ImportJob.objects.unrestricted("record: the action decides access").filter(
        pk=imp.pk, job=run.pk
    ).update(updated_at=timezone.now(), **fields)


def run_import(run: Job, context: JobContext) -> dict[str, Any]:
    """Core calls this in a worker (already in the asker's language): import the file and
    record the outcome on the import. An outcome the person must act on (columns to name,
    rows refused) is a success of the job; a reason no retry helps is a ``JobFailed``.
    Safe to run again: the import writes in one transaction, and a run whose outcome was
    already recorded is not repeated."""
    imp = (
        ImportJob.objects.unrestricted("run import: the action decides access")
        .select_related("fund", "created_by")
        .filter(pk=int(run.subject_id or 0))
        .first()
    )
    if imp is None:
        raise JobFailed(_("This import no longer exists."))
    if imp.job_id != run.pk:
        raise JobFailed(_("A later run of this import took its place."))
    if imp.outcome:  # the worker stopped after recording it
        return {"outcome": imp.outcome, "snapshot": imp.snapshot_id}
    path = stored_path(imp)
    if not path.exists():
        raise JobFailed(_("The uploaded file is no longer kept; upload it again."))
    try:
        report = import_holdings(
            by=run.created_by or imp.created_by,
            fund=imp.fund,
            as_of=imp.as_of,
            path=path,
            filename=imp.filename,
            columns=imp.columns,
            import_valid_rows=imp.import_valid_rows,
            currency=imp.currency,
            size_confirmed=imp.size_confirmed,
            partial=imp.partial,
            progress=context.progress,
        )
    except ColumnsNeeded as asked:
        _record(
            imp,
            run,
            outcome=ImportJob.Outcome.COLUMNS,
            message=asked.messages[0],
            report={
                "headings": asked.headings,
                "mapping": asked.mapping,
                "missing": asked.missing,
                "likely": asked.likely,
            },
        )
        return {"outcome": ImportJob.Outcome.COLUMNS}
    except SmallerThanBefore as smaller:
        # The file stays, so the person can say it is complete or partial without uploading
        # it again (``confirm_import_size``).
        _record(
            imp,
            run,
            outcome=ImportJob.Outcome.SMALLER,
            message=smaller.messages[0],
            report=smaller_report(smaller),
        )
        return {"outcome": ImportJob.Outcome.SMALLER}
    except RowsRejected as rejected:
        # The file stays, so the person can choose to import its valid rows without
        # uploading it again (``import_valid_rows``); ``purge_uploads`` removes it later.
        _record(
            imp,
            run,
            outcome=ImportJob.Outcome.REJECTED,
            message=rejected.messages[0],
            report={
                "errors": rejected.report.errors,
                "rows_read": rejected.report.rows_read,
                "rejected": rejected.report.rejected,
            },
        )
        return {"outcome": ImportJob.Outcome.REJECTED, "rejected": rejected.report.rejected}
    except PermissionDenied:
        raise JobFailed(_("You may no longer import holdings for this fund.")) from None
    except ActionError as error:
        # An unreadable file, a date in the future, no row to import: the file stays until
        # the purge, so the run can be retried once the cause is fixed.
        raise JobFailed(error.messages[0]) from None
    if report.rejected_csv:
        rejected_path(imp).write_bytes(report.rejected_csv)
    _record(
        imp,
        run,
        outcome=ImportJob.Outcome.DONE,
        snapshot_id=report.snapshot_id,
        report={
            "rows_read": report.rows_read,
            "imported": report.imported,
            "matched": report.matched,
            "review": report.review,
            "new": report.new,
            "other": report.other,
            "rejected": report.rejected,
            "errors": report.errors[:200],
            "rate_date": report.rate_date.isoformat() if report.rate_date else None,
            # Totals and notes kept out on purpose, each with why: never silently.
            "skipped": report.skipped[:200],
        },
    )
    path.unlink(missing_ok=True)
    return {"outcome": ImportJob.Outcome.DONE, "snapshot": report.snapshot_id}
