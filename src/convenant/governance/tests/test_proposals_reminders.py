"""Reminders: only the seats without a current vote are written to, at the body's offsets
before the close, once per offset however often the job runs; and review dates."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from convenant.core.mail import SEND_EMAIL
from convenant.core.models import Job
from convenant.core.testing import World
from convenant.governance import jobs
from convenant.governance.actions import decisions as act
from convenant.governance.models import Proposal
from convenant.governance.testing import governance_of

pytestmark = pytest.mark.django_db


def _open(world: World, days: float = 2.5) -> Proposal:
    gov = governance_of(world)
    gov.steering_group.reminder_days = [7, 2]
    gov.steering_group.save()
    return act.create_proposal(
        by=world.users["secretariat"],
        body=gov.steering_group,
        kind="other",
        title="Herinnering",
        text="Tekst",
        closes_at=timezone.now() + datetime.timedelta(days=days),
    )


def _recipients() -> set[str]:
    """Whom the e-mail jobs queued since the last clear() write to (they are sent after
    their commit, by the worker)."""
    return {job.params["to"] for job in _mails()}


def _mails() -> list[Job]:
    return list(Job.objects.filter(kind=SEND_EMAIL, params__purpose="governance.reminder"))


def _clear() -> None:
    Job.objects.filter(kind=SEND_EMAIL).delete()


def test_only_seats_without_a_vote_are_reminded_once_per_offset(world: World) -> None:
    gov = governance_of(world)
    proposal = _open(world)
    for code in ("funds", "government", "unions"):
        act.cast_vote(
            by=gov.holders[code], proposal=proposal, seat=gov.seats[code], choice="consent"
        )
    _clear()
    # 2.5 days before the close: the 7-day offset has come, the 2-day one not yet.
    result = jobs.send_reminders()
    assert result["vote_reminders"] == 2
    assert _recipients() == {gov.holders["ngos"].email, gov.deputies["ngos"].email}
    assert f"#{proposal.number}" in _mails()[0].params["subject"]
    # Running again sends nothing more for the same offset.
    _clear()
    assert jobs.send_reminders()["vote_reminders"] == 0
    assert _mails() == []
    # Within two days of the close the next offset reminds them once more.
    later = timezone.now() + datetime.timedelta(days=1)
    assert jobs.send_reminders(now=later)["vote_reminders"] == 2
    assert jobs.send_reminders(now=later)["vote_reminders"] == 0


def test_a_seat_that_voted_is_not_reminded_and_a_past_deadline_closes(world: World) -> None:
    gov = governance_of(world)
    proposal = _open(world, days=1)
    for code in ("funds", "government", "unions", "ngos"):
        act.cast_vote(
            by=gov.holders[code], proposal=proposal, seat=gov.seats[code], choice="consent"
        )
    _clear()
    assert jobs.send_reminders()["vote_reminders"] == 0
    after = timezone.now() + datetime.timedelta(days=2)
    assert jobs.send_reminders(now=after)["closed"] == 0  # reading closes at the real clock
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now())
    assert jobs.send_reminders()["closed"] == 1
    proposal.refresh_from_db()
    assert proposal.outcome == Proposal.Outcome.ADOPTED


def test_a_review_date_reminds_the_body_once(world: World) -> None:
    gov = governance_of(world)
    proposal = _open(world, days=10)
    Proposal.objects.filter(pk=proposal.pk).update(
        state=Proposal.State.CLOSED, review_on=timezone.localdate()
    )
    _clear()
    assert jobs.send_reminders()["review_reminders"] >= 5  # four seats' people and the chair
    assert gov.chair.email in _recipients()
    assert jobs.send_reminders()["review_reminders"] == 0


def test_the_command_runs_the_job(world: World) -> None:
    _open(world)
    call_command("send_governance_reminders")
    job = Job.objects.get(kind=jobs.SEND_REMINDERS)
    assert job.state == Job.State.SUCCEEDED
    assert job.result["vote_reminders"] == 8
