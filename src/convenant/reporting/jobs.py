"""Reminders about submissions, as a durable job (core.jobs): parties that have not submitted
are reminded 14 and 3 days before a cycle's deadline and 1 and 7 days after it, each moment
once (``Reminder.due_key``, unique per submission). Only the latest moment that has come is
sent: a run that missed "before-14" does not send it on top of "before-3". Celery beat queues
the job every hour (``reporting.queue_reminders``); ``convenant send_reporting_reminders``
does the same from cron. Each e-mail is a job of its own, so a failed one shows on the jobs
page."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from convenant.core.jobs import JobContext, enqueue_job, register_job_kind
from convenant.core.mail import register_email_purpose
from convenant.core.models import Job

SEND_REMINDERS = "reporting.send_reminders"
UNSCOPED = "reporting reminders: a job of the system"
# (due_key, days from the deadline): negative before it, positive after.
MOMENTS = (("before-14", -14), ("before-3", -3), ("after-1", 1), ("after-7", 7))


def queue_reminders() -> Job:
    with transaction.atomic(durable=True):
        return enqueue_job(SEND_REMINDERS)


def due_moment(closes_on: datetime.date, today: datetime.date) -> tuple[str, str] | None:
    """The latest reminder moment that has come on ``today``: (due_key, kind), or None."""
    from convenant.reporting.models import Reminder

    due = [
        (key, days) for key, days in MOMENTS if today >= closes_on + datetime.timedelta(days=days)
    ]
    if not due:
        return None
    key, days = due[-1]
    # A "before" reminder makes no sense once the deadline has passed.
    if days < 0 and today > closes_on:
        return None
    return key, Reminder.Kind.BEFORE if days < 0 else Reminder.Kind.AFTER


def send_reminders(today: datetime.date | None = None) -> dict[str, int]:
    from convenant.reporting.actions.submissions import NOT_SUBMITTED, remind
    from convenant.reporting.models import Cycle, Reminder, Submission

    today = today or timezone.localdate()
    sent = 0
    for cycle in Cycle.objects.unrestricted(UNSCOPED).filter(state=Cycle.State.OPEN):
        moment = due_moment(cycle.closes_on, today)
        if moment is None:
            continue
        key, kind = moment
        pending = (
            Submission.objects.unrestricted(UNSCOPED)
            .filter(cycle=cycle, state__in=NOT_SUBMITTED, corrects__isnull=True)
            .exclude(party__left_on__lte=today)
            .exclude(reminders__due_key=key)
            .select_related("cycle", "party")
        )
        for submission in pending:
            try:
                with transaction.atomic(durable=True):
                    locked = (
                        Submission.objects.unrestricted(UNSCOPED)
                        .select_for_update(of=("self",))
                        .select_related("cycle", "party")
                        .get(pk=submission.pk)
                    )
                    if locked.state not in NOT_SUBMITTED:
                        continue
                    if (
                        Reminder.objects.unrestricted(UNSCOPED)
                        .filter(submission=locked, due_key=key)
                        .exists()
                    ):
                        continue
                    remind(locked, kind=kind, due_key=key)
                    sent += 1
            except IntegrityError:  # another run sent this moment's reminder just now
                continue
    return {"reminders": sent}


def _run(job: Job, context: JobContext) -> dict[str, Any]:
    return send_reminders()


def register() -> None:
    register_job_kind(SEND_REMINDERS, _run, label=gettext_lazy("Reporting reminders"))
    register_email_purpose("reporting.reminder", gettext_lazy("Reporting reminder"))
    register_email_purpose("reporting.cycle_opened", gettext_lazy("Reporting cycle opened"))
