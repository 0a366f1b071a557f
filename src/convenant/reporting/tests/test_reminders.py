"""Reminders about submissions: the periodic job reminds the parties that have not submitted
14 and 3 days before the deadline and 1 and 7 days after it, each moment once; the
secretariat reminds from its overview; every e-mail is a job the secretariat follows, so a
failed one shows on the jobs page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from convenant.core.errors import ActionError
from convenant.core.models import Job
from convenant.core.testing import World
from convenant.reporting import jobs
from convenant.reporting.actions import submissions as actions
from convenant.reporting.models import Reminder
from convenant.reporting.tests.test_submissions import FULL, TODAY, evidence_for, of, open_cycle

pytestmark = pytest.mark.django_db

WHY = "test"


def keys() -> list[tuple[str, str]]:
    return sorted(
        Reminder.objects.unrestricted(WHY).values_list("submission__party__code", "due_key")
    )


def test_due_moments() -> None:
    deadline = datetime.date(2022, 3, 31)
    day = datetime.timedelta(days=1)
    assert jobs.due_moment(deadline, deadline - 15 * day) is None
    assert jobs.due_moment(deadline, deadline - 14 * day) == ("before-14", "before")
    assert jobs.due_moment(deadline, deadline - 3 * day) == ("before-3", "before")
    assert jobs.due_moment(deadline, deadline) == ("before-3", "before")
    assert jobs.due_moment(deadline, deadline + day) == ("after-1", "after")
    assert jobs.due_moment(deadline, deadline + 30 * day) == ("after-7", "after")


def test_each_moment_reminds_once_and_only_those_not_submitted(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    deadline = TODAY + datetime.timedelta(days=20)
    cycle = open_cycle(world, closes_on=deadline)
    # Given fund B has submitted
    editor = world.users["other_fund"]
    fb = of(cycle, world.other_fund)
    actions.save_answers(
        by=editor, submission=fb, changes=[actions.Change(code=c, value=v) for c, v in FULL.items()]
    )
    evidence_for(editor, fb)
    actions.confirm_all(by=editor, submission=fb)
    actions.submit(by=editor, submission=fb)
    mail.outbox.clear()
    # When the job runs 14 days before the deadline, twice
    day = deadline - datetime.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.send_reminders(day) == {"reminders": 2}
    assert jobs.send_reminders(day) == {"reminders": 0}
    # Then fund A and the union are reminded once, fund B not
    assert keys() == [("FA", "before-14"), ("UN", "before-14")]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "fund_admin@example.org",
        "fund_editor@example.org",
        "union@example.org",
    ]
    # and after the deadline the "after" moments come once each
    jobs.send_reminders(deadline + datetime.timedelta(days=2))
    jobs.send_reminders(deadline + datetime.timedelta(days=3))
    jobs.send_reminders(deadline + datetime.timedelta(days=8))
    assert [k for p, k in keys() if p == "FA"] == ["after-1", "after-7", "before-14"]


def test_the_secretariat_reminds_from_its_overview_and_sees_failed_emails(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    cycle = open_cycle(world)
    fa, un = of(cycle, world.fund), of(cycle, world.union)
    secretariat = Client()
    secretariat.force_login(world.users["secretariat"])
    with (
        override_settings(EMAIL_BACKEND="convenant.reporting.tests.test_reminders.Refusing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = secretariat.post(
            reverse("cycle_remind", args=[cycle.label]), {"submission": [fa.pk, un.pk]}
        )
    assert response.status_code == 302
    assert sorted(k[0] for k in keys()) == ["FA", "UN"]
    reminder = Reminder.objects.unrestricted(WHY).get(submission=fa)
    assert reminder.kind == "manual" and reminder.recipients == 2
    # The e-mails failed: the overview says so, and the jobs page lists them
    emails = Job.objects.unrestricted(WHY).filter(subject_id=str(reminder.pk))
    assert emails.count() == 2 and set(emails.values_list("state", flat=True)) == {"failed"}
    page = secretariat.get(reverse("cycle_detail", args=[cycle.label])).content.decode()
    assert "2 mislukt" in page
    jobs_page = secretariat.get(reverse("job_list")).content.decode()
    assert "fund_editor@example.org" in jobs_page
    # Only the secretariat reminds, and never a party that has submitted
    with pytest.raises(ActionError):
        actions.send_reminders(by=world.users["monitoring"], cycle=cycle, submission_ids=[fa.pk])


class Refusing:
    """A mail server that refuses every address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        import smtplib

        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"no") for m in messages})
