"""The job mechanism (core/jobs.py): every state a job can reach, and the ways out of each —
succeeded, failed with a message, tried again, swept after its worker died, cancelled,
retried by a person. Jobs run eagerly here, as in the demo; a real worker killed halfway is
tested with the holdings import (portfolios/tests/test_worker.py)."""

from __future__ import annotations

import datetime
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from convenant.core import actions
from convenant.core.errors import ActionError
from convenant.core.jobs import (
    JobContext,
    JobFailed,
    JobRetry,
    enqueue_job,
    register_job_kind,
    run_job,
    sweep_jobs,
)
from convenant.core.mail import send_email_later
from convenant.core.models import Job

runs: list[dict[str, Any]] = []


def _work(job: Job, context: JobContext) -> dict[str, Any]:
    runs.append(job.params)
    context.progress("half", 0.5)
    outcome = job.params.get("outcome")
    if outcome == "fail":
        raise JobFailed("The file has no rows.")
    if outcome == "retry":
        raise JobRetry("The server did not answer.")
    if outcome == "crash":
        raise ZeroDivisionError
    return {"doubled": job.params.get("n", 0) * 2}


register_job_kind("test.work", _work, label="Test work", max_attempts=3)


@pytest.fixture(autouse=True)
def _clear_runs() -> None:
    runs.clear()


def _enqueue(capture: Any, by: Any = None, party_id: int | None = None, **params: Any) -> Job:
    with capture(execute=True), transaction.atomic():
        job = enqueue_job("test.work", by=by, party_id=party_id, params=params)
    job.refresh_from_db()
    return job


def test_a_job_runs_after_the_commit_and_records_its_result(
    world, django_capture_on_commit_callbacks
):
    job = _enqueue(django_capture_on_commit_callbacks, by=world.users["fund_editor"], n=21)
    assert job.state == Job.State.SUCCEEDED
    assert job.result == {"doubled": 42}
    assert job.attempts == 1 and job.progress == 1.0
    assert job.started_at is not None and job.finished_at is not None


def test_nothing_runs_when_the_action_rolls_back(world, django_capture_on_commit_callbacks):
    class Undo(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        enqueue_job("test.work", params={"n": 1})
        raise Undo
    assert callbacks == [] and runs == [] and not Job.objects.exists()


def test_enqueue_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="inside an action"):
        enqueue_job("test.work")


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(ValueError, match="Unknown job kind"), transaction.atomic():
        enqueue_job("test.nothing")


def test_an_expected_failure_ends_the_job_with_its_message(
    world, django_capture_on_commit_callbacks
):
    job = _enqueue(django_capture_on_commit_callbacks, outcome="fail")
    assert job.state == Job.State.FAILED
    assert job.message == "The file has no rows."
    assert job.attempts == 1 and job.can_retry and not job.can_cancel


def test_an_unexpected_error_fails_the_job_instead_of_leaving_it_running(
    world, django_capture_on_commit_callbacks
):
    job = _enqueue(django_capture_on_commit_callbacks, outcome="crash")
    assert job.state == Job.State.FAILED
    assert "unexpected error" in job.message


def test_a_passing_trouble_is_tried_again_until_the_attempts_run_out(
    world, django_capture_on_commit_callbacks
):
    job = _enqueue(django_capture_on_commit_callbacks, outcome="retry")
    assert len(runs) == 3
    assert job.state == Job.State.FAILED and job.attempts == 3
    assert "Failed after 3 attempts" in job.message


def test_a_redelivered_message_does_not_run_a_finished_job_again(
    world, django_capture_on_commit_callbacks
):
    job = _enqueue(django_capture_on_commit_callbacks, n=1)
    assert run_job(job.pk) == Job.State.SUCCEEDED
    assert len(runs) == 1
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_job_running_elsewhere_is_left_alone_but_a_dead_one_is_taken_over(db):
    now = timezone.now()
    alive = Job.objects.create(
        kind="test.work", state=Job.State.RUNNING, attempts=1, heartbeat_at=now
    )
    assert run_job(alive.pk) == Job.State.RUNNING
    assert runs == []
    dead = Job.objects.create(
        kind="test.work",
        state=Job.State.RUNNING,
        attempts=1,
        heartbeat_at=now - datetime.timedelta(hours=1),
        params={"n": 2},
    )
    assert run_job(dead.pk) == Job.State.SUCCEEDED
    dead.refresh_from_db()
    assert dead.attempts == 2 and dead.result == {"doubled": 4}


def test_the_sweep_requeues_a_job_whose_worker_died_and_fails_it_when_out_of_attempts(
    world, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    again = Job.objects.create(
        kind="test.work", state=Job.State.RUNNING, attempts=1, heartbeat_at=long_ago
    )
    spent = Job.objects.create(
        kind="test.work",
        state=Job.State.RUNNING,
        attempts=3,
        max_attempts=3,
        heartbeat_at=long_ago,
        language="nl",
    )
    fresh = Job.objects.create(
        kind="test.work", state=Job.State.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    counts = sweep_jobs()
    assert counts["requeued"] == 1 and counts["failed"] == 1
    again.refresh_from_db()
    spent.refresh_from_db()
    fresh.refresh_from_db()
    assert again.state == Job.State.SUCCEEDED  # sent again, run eagerly here
    assert spent.state == Job.State.FAILED
    assert "gestopt" in spent.message  # in the asker's language
    assert fresh.state == Job.State.RUNNING


def test_the_sweep_sends_a_queued_job_again_when_its_message_was_lost(db):
    job = Job.objects.create(kind="test.work", params={"n": 5})
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(days=1))
    assert sweep_jobs()["resent"] == 1
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result == {"doubled": 10}


def test_a_queued_job_can_be_cancelled_by_who_asked_and_never_runs(world):
    editor = world.users["fund_editor"]
    job = Job.objects.create(kind="test.work", created_by=editor, party_id=world.fund.pk)
    with pytest.raises(PermissionDenied):
        actions.cancel_job(by=world.users["other_fund"], job=job)
    actions.cancel_job(by=editor, job=job)
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    assert run_job(job.pk) == Job.State.CANCELLED and runs == []
    with pytest.raises(ActionError, match="not started yet"):
        actions.cancel_job(by=editor, job=job)


def test_a_failed_job_can_be_tried_again_by_an_editor_of_its_party(
    world, django_capture_on_commit_callbacks
):
    job = _enqueue(
        django_capture_on_commit_callbacks,
        by=world.users["fund_editor"],
        party_id=world.fund.pk,
        outcome="fail",
    )
    with pytest.raises(PermissionDenied):
        actions.retry_job(by=world.users["fund_viewer"], job=job)
    Job.objects.filter(pk=job.pk).update(params={"n": 3})
    with django_capture_on_commit_callbacks(execute=True):
        actions.retry_job(by=world.users["fund_admin"], job=job)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.attempts == 1
    with pytest.raises(ActionError, match="Only a failed job"):
        actions.retry_job(by=world.users["fund_admin"], job=job)


def test_who_follows_a_job(world):
    fund_job = Job.objects.create(
        kind="test.work", created_by=world.users["fund_editor"], party_id=world.fund.pk
    )
    mail_job = Job.objects.create(kind="core.send_email", params={"to": "x@example.org"})

    def seen(actor: str) -> set[int]:
        return set(Job.objects.visible_to(world.users[actor]).values_list("pk", flat=True))

    assert seen("fund_viewer") == {fund_job.pk}
    assert seen("other_fund") == set()
    assert seen("secretariat") == {mail_job.pk}  # not the fund's import
    assert set(Job.objects.visible_to(None).values_list("pk", flat=True)) == set()


# --- E-mail ------------------------------------------------------------------------------


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses one address and is away for another."""

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if message.to == ["refused@example.org"]:
                raise smtplib.SMTPRecipientsRefused({"refused@example.org": (550, b"no")})
            if message.to == ["away@example.org"]:
                raise smtplib.SMTPServerDisconnected("gone")
            mail.outbox.append(message)
        return len(messages)


def _send(capture: Any, *addresses: str) -> list[Job]:
    with capture(execute=True), transaction.atomic():
        jobs = [
            send_email_later(to=a, subject="Hello", body="A link: /x", purpose="test")
            for a in addresses
        ]
    for job in jobs:
        job.refresh_from_db()
    return jobs


def test_an_email_is_sent_by_a_job_and_its_text_is_not_kept(db, django_capture_on_commit_callbacks):
    (job,) = _send(django_capture_on_commit_callbacks, "ok@example.org")
    assert [m.to for m in mail.outbox] == [["ok@example.org"]]
    assert job.state == Job.State.SUCCEEDED
    assert job.params["body"] == "" and job.params["subject"] == ""


@override_settings(EMAIL_BACKEND="convenant.core.tests.test_jobs.RefusingBackend")
def test_one_bad_address_does_not_stop_the_others_and_failures_are_visible(
    world, django_capture_on_commit_callbacks
):
    refused, away, fine = _send(
        django_capture_on_commit_callbacks,
        "refused@example.org",
        "away@example.org",
        "fine@example.org",
    )
    assert [m.to for m in mail.outbox] == [["fine@example.org"]]
    assert refused.state == Job.State.FAILED and refused.attempts == 1
    assert "refused the address" in refused.message
    assert away.state == Job.State.FAILED and away.attempts == 5
    assert fine.state == Job.State.SUCCEEDED
    failed = Job.objects.visible_to(world.users["secretariat"]).filter(state=Job.State.FAILED)
    assert set(failed) == {refused, away}


def test_the_jobs_page_shows_a_failed_email_without_its_text(world, client):
    Job.objects.create(
        kind="core.send_email",
        state=Job.State.FAILED,
        message="The mail server refused the address.",
        params={"to": "gone@example.org", "subject": "Plugh subject", "body": "Plugh body"},
    )
    client.force_login(world.users["secretariat"])
    body = client.get("/jobs/?state=failed").content.decode()
    assert "gone@example.org" in body and "refused the address" in body
    assert "Plugh" not in body


register_job_kind(
    "test.linked",
    _work,
    label="Linked work",
    subject_url=lambda job: f"/somewhere/{job.subject_id}/",
)


def test_the_job_page_links_to_what_the_job_worked_on_and_offers_a_retry(world, client):
    job = Job.objects.create(
        kind="test.linked",
        subject_id="7",
        state=Job.State.FAILED,
        message="The file has no rows.",
        created_by=world.users["fund_editor"],
        party_id=world.fund.pk,
    )
    client.force_login(world.users["fund_editor"])
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'href="/somewhere/7/"' in body
    assert "The file has no rows." in body and f"/jobs/{job.pk}/retry/" in body
    client.force_login(world.users["fund_viewer"])  # may follow it, not act on it
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "The file has no rows." in body and f"/jobs/{job.pk}/retry/" not in body


def test_a_dead_run_out_of_attempts_is_not_taken_over_but_failed_by_the_sweep(db):
    spent = Job.objects.create(
        kind="test.work",
        state=Job.State.RUNNING,
        attempts=3,
        max_attempts=3,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert run_job(spent.pk) == Job.State.RUNNING and runs == []
    sweep_jobs()
    spent.refresh_from_db()
    assert spent.state == Job.State.FAILED and runs == []
