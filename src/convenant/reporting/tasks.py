"""Celery tasks of reporting: beat queues the reminders job (see jobs.py)."""

from celery import shared_task

from convenant.reporting.jobs import queue_reminders


@shared_task(name="reporting.queue_reminders")
def queue_reminders_task() -> int:
    return queue_reminders().pk
