"""Durable background work (DESIGN §4, ADR 0005): everything that runs after a commit.

An action calls :func:`enqueue_job` inside its transaction; the job row commits with the
change that asked for it, and only then is the Celery task sent (``on_commit``). The task,
:func:`run_job`, claims the row (``queued → running``) so a redelivered message never runs a
job twice, runs the registered handler in the asker's language, and ends the job as
``succeeded`` or ``failed`` (or back to ``queued`` for another attempt). While it runs, a
small thread with its own database connection writes the heartbeat and the progress, so the
page that polls sees them even though the work itself sits in one long transaction.
:func:`sweep_jobs` finds jobs whose heartbeat stopped (a worker killed, a machine lost) and
jobs whose message was lost, and requeues or fails them: no job stays "running".

Apps register their kinds in their ``AppConfig.ready()``; core knows none of them.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from convenant.core.models import Job

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """Raised by a handler for an outcome the person must hear about; no retry helps."""

    def __init__(self, message: str | Promise, result: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.result = result or {}


class JobRetry(Exception):
    """Raised by a handler for a passing trouble (a mail server that did not answer): the
    job is tried again later, until its attempts run out."""


@dataclass(frozen=True)
class JobKind:
    run: Callable[[Job, JobContext], dict[str, Any] | None]
    label: str | Promise
    max_attempts: int = 3
    # Exceptions worth another attempt besides JobRetry (the database going away).
    retry_on: tuple[type[BaseException], ...] = ()
    # The page of what the job worked on (an import's page), for the job's page to link to.
    subject_url: Callable[[Job], str | None] | None = None


_kinds: dict[str, JobKind] = {}


def register_job_kind(
    kind: str,
    run: Callable[[Job, JobContext], dict[str, Any] | None],
    *,
    label: str | Promise,
    max_attempts: int = 3,
    retry_on: tuple[type[BaseException], ...] = (),
    subject_url: Callable[[Job], str | None] | None = None,
) -> None:
    """Called by an app in ``AppConfig.ready()``. ``run(job, context)`` does the work and
    returns a JSON-safe result (or None); it must be safe to run again after a failed
    attempt (its writes in one transaction, or idempotent). ``subject_url(job)`` names the
    page of what it worked on, for the job's page to link to."""
    _kinds[kind] = JobKind(run, label, max_attempts, retry_on, subject_url)


def subject_url(job: Job) -> str | None:
    found = _kinds.get(job.kind)
    return found.subject_url(job) if found and found.subject_url else None


def kind_label(kind: str) -> str:
    found = _kinds.get(kind)
    return str(found.label) if found else kind


def registered_kinds() -> dict[str, JobKind]:
    return dict(_kinds)


def enqueue_job(
    kind: str,
    *,
    by: Any = None,
    subject: models.Model | None = None,
    party_id: int | None = None,
    params: dict[str, Any] | None = None,
    language: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Record a job and send it to a worker once the surrounding transaction commits.
    Call it from an action, inside its transaction: if the action rolls back, no job is
    left and no message is sent."""
    if kind not in _kinds:
        raise ValueError(f"Unknown job kind {kind!r}; register it first.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue_job() must be called inside an action's transaction.")
    is_person = by is not None and getattr(by, "is_authenticated", False)
    job = Job.objects.create(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else "",
        party_id=party_id,
        created_by=by if is_person else None,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        params=params or {},
        max_attempts=max_attempts or _kinds[kind].max_attempts,
    )
    job_id = job.pk
    transaction.on_commit(lambda: dispatch(job_id))
    return job


def dispatch(job_id: int, *, countdown: float | None = None) -> None:
    """Send the job to a worker (or, in the demo and tests, run it here and now)."""
    from convenant.core.tasks import run_job_task

    try:
        if countdown and not settings.CELERY_TASK_ALWAYS_EAGER:
            run_job_task.apply_async((job_id,), countdown=countdown)
        else:
            run_job_task.delay(job_id)
    except Exception:
        # The broker is away: the job stays queued and the sweep sends it again.
        logger.exception("Could not send job %s to a worker; the sweep will retry", job_id)


class JobContext:
    """What a handler may do besides its work: report its stage and progress. The values
    are written by the heartbeat thread on its own connection, outside the work's
    transaction, so they are visible while the work runs."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._lock = threading.Lock()
        self._stage = job.stage
        self._progress = job.progress
        self._dirty = False

    def progress(self, stage: str, share: float) -> None:
        with self._lock:
            self._stage, self._progress = stage[:40], min(max(share, 0.0), 1.0)
            self._dirty = True
        if _beats_inline():
            self.flush()

    def flush(self) -> None:
        """Write the heartbeat (and any new progress) now."""
        with self._lock:
            fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
            if self._dirty:
                fields.update(stage=self._stage, progress=self._progress)
                self._dirty = False
        if connection.in_atomic_block:
            return  # inline mode inside the work's transaction: nobody could see it
        Job.objects.unrestricted("flush: a background job").filter(
            pk=self.job.pk, state=Job.State.RUNNING
        ).update(**fields)


def _beats_inline() -> bool:
    """Eager mode (demo, tests) runs the job in the request: no thread, progress written
    whenever the work is outside its transaction."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat and progress every JOB_HEARTBEAT_SECONDS on its own
    connection until the work ends."""

    def __init__(self, context: JobContext) -> None:
        super().__init__(name=f"job-{context.job.pk}-heartbeat", daemon=True)
        self.context = context
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    self.context.flush()
                except DatabaseError:
                    logger.warning("Heartbeat of job %s not written", self.context.job.pk)
        finally:
            connection.close()

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=10)


def _claim(job_id: int) -> bool:
    """queued → running, or a running job whose heartbeat stopped (its worker died and the
    message came back): exactly one worker wins."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
    # A dead run is taken over only while attempts remain; past them the sweep fails it.
    claimable = models.Q(state=Job.State.QUEUED) | models.Q(
        state=Job.State.RUNNING, heartbeat_at__lt=stale, attempts__lt=models.F("max_attempts")
    )
    return bool(
        Job.objects.unrestricted("claim: a background job")
        .filter(claimable, pk=job_id)
        .update(
            state=Job.State.RUNNING,
            attempts=models.F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
        )
    )


def run_job(job_id: int) -> str:
    """Run one job to its outcome. Idempotent: a job that is finished, cancelled or running
    elsewhere is left alone, so a redelivered message does no harm. Returns the state."""
    if not _claim(job_id):
        state = (
            Job.objects.unrestricted("run job: a background job")
            .filter(pk=job_id)
            .values_list("state", flat=True)
            .first()
        )
        return state or "missing"
    job = Job.objects.unrestricted("run job: a background job").get(pk=job_id)
    kind = _kinds.get(job.kind)
    if kind is None:
        _end(job, Job.State.FAILED, message=_("This kind of job is no longer known."))
        return Job.State.FAILED
    context = JobContext(job)
    beat = None if _beats_inline() else _Heartbeat(context)
    if beat is not None:
        beat.start()
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            try:
                result = kind.run(job, context) or {}
            except JobFailed as failed:
                _end(job, Job.State.FAILED, message=failed.message, result=failed.result)
                return Job.State.FAILED
            except (JobRetry, *kind.retry_on) as trouble:  # type: ignore[misc]
                return _again(job, str(trouble) or _("A passing trouble; tried again."))
            except Exception:
                logger.exception("Job %s (%s) failed", job.pk, job.kind)
                _end(
                    job,
                    Job.State.FAILED,
                    message=_(
                        "An unexpected error stopped this job. Nothing of it was kept; "
                        "try again, or ask the secretariat if it fails again."
                    ),
                )
                return Job.State.FAILED
    finally:
        if beat is not None:
            beat.stop()
    _end(job, Job.State.SUCCEEDED, result=result, progress=1.0)
    return Job.State.SUCCEEDED


def _end(job: Job, state: str, *, message: str = "", result: Any = None, **fields: Any) -> None:
    update: dict[str, Any] = {"state": state, "finished_at": timezone.now(), **fields}
    if message or state != Job.State.SUCCEEDED:
        update["message"] = message
    if result is not None:
        update["result"] = result
    Job.objects.unrestricted("end: a background job").filter(pk=job.pk).update(**update)


def _again(job: Job, message: str) -> str:
    job.refresh_from_db(fields=["attempts", "max_attempts"])
    if job.attempts >= job.max_attempts:
        _end(
            job,
            Job.State.FAILED,
            message=_("Failed after %(n)s attempts: %(reason)s")
            % {"n": job.attempts, "reason": message},
        )
        return Job.State.FAILED
    Job.objects.unrestricted("again: a background job").filter(pk=job.pk).update(
        state=Job.State.QUEUED, message=message
    )
    dispatch(job.pk, countdown=settings.JOB_RETRY_SECONDS * job.attempts)
    return Job.State.QUEUED


def sweep_jobs(now: datetime.datetime | None = None) -> dict[str, int]:
    """Jobs whose worker stopped beating are tried again or, out of attempts, failed with a
    message; queued jobs whose message was lost are sent again. Run by the worker's
    periodic task and by ``convenant sweep_jobs``."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    for job in Job.objects.unrestricted("sweep jobs: a background job").filter(
        state=Job.State.RUNNING, heartbeat_at__lt=stale
    ):
        out_of_attempts = job.attempts >= job.max_attempts
        with translation.override(job.language or settings.LANGUAGE_CODE):
            if out_of_attempts:
                message = _(
                    "The worker running this job stopped (attempt %(n)s of %(max)s). "
                    "Nothing of it was kept; you can try again."
                ) % {"n": job.attempts, "max": job.max_attempts}
            else:
                message = _("The worker running this job stopped; it is tried again.")
        still_stale = Job.objects.unrestricted("sweep jobs: a background job").filter(
            pk=job.pk, state=Job.State.RUNNING, heartbeat_at__lt=stale
        )
        if out_of_attempts:
            counts["failed"] += still_stale.update(
                state=Job.State.FAILED, finished_at=now, message=message
            )
        elif still_stale.update(state=Job.State.QUEUED, message=message):
            counts["requeued"] += 1
            dispatch(job.pk)
    lost = now - datetime.timedelta(seconds=settings.JOB_QUEUED_RESEND_SECONDS)
    for job_id in (
        Job.objects.unrestricted("sweep jobs: a background job")
        .filter(state=Job.State.QUEUED, updated_at__lt=lost)
        .values_list("pk", flat=True)
    ):
        Job.objects.unrestricted("sweep jobs: a background job").filter(pk=job_id).update(
            updated_at=now
        )
        dispatch(job_id)
        counts["resent"] += 1
    return counts
