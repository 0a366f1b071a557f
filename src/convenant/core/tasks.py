"""Celery tasks of core: the one task that runs every job, and the sweep that keeps jobs
from staying "running" when their worker died."""

from celery import shared_task

from convenant.core.jobs import run_job, sweep_jobs


# acks_late: the message is acknowledged only after the job ended, so a worker killed in the
# middle leaves it to be delivered again; reject_on_worker_lost sends it back at once when
# the pool's child dies. run_job is idempotent, so a second delivery does no harm.
@shared_task(name="core.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job_task(job_id: int) -> str:
    return run_job(job_id)


@shared_task(name="core.sweep_jobs")
def sweep_jobs_task() -> dict[str, int]:
    return sweep_jobs()
