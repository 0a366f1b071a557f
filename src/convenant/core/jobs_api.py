"""API of background jobs: follow a job a script started (an import answers 202 with the
address of its job), cancel a queued one, retry a failed one."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from convenant.core import access, actions
from convenant.core.api import Converted, Error
from convenant.core.errors import ActionError
from convenant.core.job_views import describe
from convenant.core.models import Job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    kind_label: str
    state: str
    attempts: int
    max_attempts: int
    stage: str
    progress: float
    message: str
    result: dict[str, Any]
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    heartbeat_at: datetime.datetime | None


def job_out(job: Job) -> JobOut:
    return JobOut(
        id=job.pk,
        kind=job.kind,
        kind_label=str(describe(job, link=False)["kind"]),
        state=job.state,
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        stage=job.stage,
        progress=job.progress,
        message=job.message,
        result=job.result,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        heartbeat_at=job.heartbeat_at,
    )


@router.get("/jobs", response=list[JobOut])
@paginate
def list_jobs(request: HttpRequest, state: str | None = None) -> Any:
    """Your jobs (and, for the secretariat, the covenant's e-mails), newest first."""
    jobs = Job.objects.visible_to(request.user)
    if state in Job.State.values:
        jobs = jobs.filter(state=state)
    return Converted(jobs, lambda page: [job_out(job) for job in page])


@router.get("/jobs/{job_id}", response={200: JobOut, 404: Error})
def get_job(request: HttpRequest, job_id: int) -> Any:
    """One job: its state, progress, message and, when it ended, its result."""
    return job_out(access.get_visible_or_404(Job, request.user, pk=job_id))


def _act(request: HttpRequest, job_id: int, action: Any) -> Any:
    job = access.get_visible_or_404(Job, request.user, pk=job_id)
    try:
        job = action(by=request.user, job=job)
    except ActionError as error:
        return Status(409, Error(detail=error.messages[0]))
    return Status(200, job_out(job))


@router.post("/jobs/{job_id}/cancel", response={200: JobOut, 403: Error, 404: Error, 409: Error})
def cancel_job(request: HttpRequest, job_id: int) -> Any:
    """Cancel a job that has not started yet."""
    return _act(request, job_id, actions.cancel_job)


@router.post("/jobs/{job_id}/retry", response={200: JobOut, 403: Error, 404: Error, 409: Error})
def retry_job(request: HttpRequest, job_id: int) -> Any:
    """Send a failed job to run again."""
    return _act(request, job_id, actions.retry_job)
