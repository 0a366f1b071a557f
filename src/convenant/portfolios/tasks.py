"""Celery tasks of the portfolios app: thin wrappers that call actions."""

from celery import shared_task

from convenant.portfolios.actions.jobs import run_import_job


@shared_task(name="portfolios.run_import_job")
def run_import_job_task(job_id: int) -> str:
    return run_import_job(job_id)
