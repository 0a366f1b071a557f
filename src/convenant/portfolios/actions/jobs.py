"""Holdings imports as background jobs: queue an upload, run it (in a Celery worker, or
eagerly in the demo and tests), and name its columns when asked."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.access import Role
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.parties.models import Party
from convenant.portfolios.actions.holdings import import_holdings
from convenant.portfolios.holdings.columns import FIELDS
from convenant.portfolios.holdings.importer import ColumnsNeeded, RowsRejected
from convenant.portfolios.models import ImportJob


def upload_dir() -> Path:
    folder = Path(settings.HOLDINGS_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(job: ImportJob) -> Path:
    """Where a job's uploaded file is kept until it has been imported (or purged)."""
    return upload_dir() / job.stored_name


def rejected_path(job: ImportJob) -> Path:
    return upload_dir() / f"rejected-{job.pk}-{job.stored_name}.csv"


def _start(job: ImportJob) -> None:
    from convenant.portfolios.tasks import run_import_job_task

    transaction.on_commit(lambda: run_import_job_task.delay(job.pk))


def queue_import(
    *,
    by: User,
    fund: Party,
    as_of: datetime.date,
    chunks: Iterable[bytes],
    filename: str,
    import_valid_rows: bool = False,
) -> ImportJob:
    """Store an uploaded file and queue its import. The checks that need no reading of the
    file happen now, so a person hears at once that they may not import for this fund."""
    actor = access.actor_for(by, fresh=True)
    access.require(actor.has_role(fund.pk, Role.EDITOR) and fund.pk in actor.fund_ids)
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
    with transaction.atomic(durable=True):
        job = ImportJob.objects.create(
            fund=fund,
            as_of=as_of,
            filename=Path(filename).name[:255],
            stored_name=stored,
            import_valid_rows=import_valid_rows,
            created_by=by,
            language=translation.get_language() or "",
        )
        record_event(
            actor=by,
            verb="portfolios.queue_import",
            obj=job,
            party_id=fund.pk,
            after={"file": job.filename, "as_of": as_of.isoformat()},
        )
        _start(job)
    return job


def name_columns(*, by: User, job: ImportJob, columns: dict[str, str]) -> ImportJob:
    """The person says which field each column holds; the import runs again with that."""
    actor = access.actor_for(by, fresh=True)
    access.require(actor.has_role(job.fund_id, Role.EDITOR))
    unknown = {f for f in columns.values() if f and f not in FIELDS}
    if unknown:
        raise ActionError(_("Unknown field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic(durable=True):
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.COLUMNS:
            raise ActionError(_("This import is not waiting for its columns."), code="conflict")
        _require_stored_file(job)
        job.columns, job.status, job.progress, job.stage = columns, ImportJob.Status.QUEUED, 0, ""
        job.save(update_fields=["columns", "status", "progress", "stage", "updated_at"])
        record_event(
            actor=by,
            verb="portfolios.name_columns",
            obj=job,
            party_id=job.fund_id,
            after={"columns": columns},
        )
        _start(job)
    return job


def _require_stored_file(job: ImportJob) -> None:
    if not stored_path(job).exists():
        raise ActionError(
            _("The uploaded file is no longer kept; upload it again."), code="conflict"
        )


def import_valid_rows(*, by: User, job: ImportJob) -> ImportJob:
    """After a file was refused for its unreadable rows, the person chooses to import the
    valid ones, from the file already uploaded."""
    actor = access.actor_for(by, fresh=True)
    access.require(actor.has_role(job.fund_id, Role.EDITOR))
    with transaction.atomic(durable=True):
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.REJECTED:
            raise ActionError(_("This import was not refused for its rows."), code="conflict")
        _require_stored_file(job)
        job.import_valid_rows, job.status, job.progress, job.stage = (
            True,
            ImportJob.Status.QUEUED,
            0,
            "",
        )
        job.language = translation.get_language() or job.language
        job.save(
            update_fields=[
                "import_valid_rows",
                "status",
                "progress",
                "stage",
                "language",
                "updated_at",
            ]
        )
        record_event(
            actor=by,
            verb="portfolios.import_valid_rows",
            obj=job,
            party_id=job.fund_id,
            after={"file": job.filename, "as_of": job.as_of.isoformat()},
        )
        _start(job)
    return job


def purge_uploads(now: datetime.datetime | None = None) -> int:
    """Delete the files of imports uploaded longer ago than HOLDINGS_UPLOAD_RETENTION_DAYS:
    files waiting for a person's choice and the rejected rows kept for download. A fund's
    holdings do not stay on disk beyond that. Returns the number of files deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=settings.HOLDINGS_UPLOAD_RETENTION_DAYS
    )
    deleted = 0
    old = ImportJob.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    )
    for job in old.iterator():
        for path in (stored_path(job), rejected_path(job)):
            if path.exists():
                path.unlink()
                deleted += 1
    return deleted


def _finish(job_id: int, **fields: object) -> None:
    ImportJob.objects.filter(pk=job_id).update(**fields)


def run_import_job(job_id: int) -> str:
    """Run one queued import to its outcome, wording its messages in the language it was
    queued in. Progress is written as it goes (outside the import's own transaction, so
    the page that polls sees it)."""
    job = ImportJob.objects.select_related("fund", "created_by").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job.status
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _run(job)


def _run(job: ImportJob) -> str:
    job_id = job.pk
    path = stored_path(job)
    _finish(job_id, status=ImportJob.Status.RUNNING)

    def progress(stage: str, share: float) -> None:
        if not transaction.get_connection().in_atomic_block:
            ImportJob.objects.filter(pk=job_id).update(stage=stage, progress=share)

    try:
        report = import_holdings(
            by=job.created_by,
            fund=job.fund,
            as_of=job.as_of,
            path=path,
            filename=job.filename,
            columns=job.columns,
            import_valid_rows=job.import_valid_rows,
            progress=progress,
        )
    except ColumnsNeeded as asked:
        _finish(
            job_id,
            status=ImportJob.Status.COLUMNS,
            message=asked.messages[0],
            report={"headings": asked.headings, "mapping": asked.mapping, "missing": asked.missing},
        )
        return ImportJob.Status.COLUMNS
    except RowsRejected as rejected:
        _finish(
            job_id,
            status=ImportJob.Status.REJECTED,
            message=rejected.messages[0],
            report={
                "errors": rejected.report.errors,
                "rows_read": rejected.report.rows_read,
                "rejected": rejected.report.rejected,
            },
        )
        # The file stays, so the person can choose to import its valid rows without
        # uploading it again (``import_valid_rows``); ``purge_uploads`` removes it later.
        return ImportJob.Status.REJECTED
    except (ActionError, PermissionDenied) as error:
        message = (
            error.messages[0]
            if isinstance(error, ActionError)
            else _("You may no longer import holdings for this fund.")
        )
        _finish(job_id, status=ImportJob.Status.FAILED, message=message)
        path.unlink(missing_ok=True)
        return ImportJob.Status.FAILED
    path.unlink(missing_ok=True)
    if report.rejected_csv:
        rejected_path(job).write_bytes(report.rejected_csv)
    _finish(
        job_id,
        status=ImportJob.Status.DONE,
        progress=1.0,
        stage="done",
        snapshot_id=report.snapshot_id,
        report={
            "rows_read": report.rows_read,
            "imported": report.imported,
            "matched": report.matched,
            "review": report.review,
            "new": report.new,
            "rejected": report.rejected,
            "errors": report.errors[:200],
        },
    )
    return ImportJob.Status.DONE
