"""Celery tasks of governance: beat queues the reminders job (see jobs.py)."""

from celery import shared_task

from convenant.governance.jobs import queue_reminders


@shared_task(name="governance.queue_reminders")
def queue_reminders_task() -> int:
    return queue_reminders().pk
