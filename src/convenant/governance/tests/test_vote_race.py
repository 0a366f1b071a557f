"""Two people casting one seat's vote at the same moment, against the real PostgreSQL: each
in its own connection and transaction. Exactly one vote counts; both are in the history."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from convenant.core.testing import build_world
from convenant.governance.actions import decisions as act
from convenant.governance.models import Vote
from convenant.governance.testing import governance_of


@pytest.mark.django_db(transaction=True)
def test_two_people_voting_for_one_seat_at_once_one_counts() -> None:
    world = build_world()
    gov = governance_of(world)
    proposal = act.create_proposal(
        by=world.users["secretariat"],
        body=gov.steering_group,
        kind="other",
        title="Gelijktijdig",
        text="Tekst",
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    seat = gov.seats["unions"]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def vote(person: Any, choice: str, reason: str) -> None:
        try:
            start.wait(timeout=10)
            act.cast_vote(by=person, proposal=proposal, seat=seat, choice=choice, reason=reason)
        except BaseException as trouble:
            errors.append(trouble)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=vote, args=(gov.holders["unions"], "consent", "")),
        threading.Thread(target=vote, args=(gov.deputies["unions"], "objection", "Bezwaar")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    votes = Vote.objects.filter(proposal=proposal, seat=seat)
    assert votes.count() == 2
    assert votes.filter(current=True).count() == 1
    # The one that counts is the one cast last; the other is history.
    counted = votes.get(current=True)
    assert counted == votes.order_by("-created_at", "-pk").first()


@pytest.mark.django_db(transaction=True)
def test_two_readers_after_the_deadline_close_it_once() -> None:
    from convenant.core.models import AuditEvent
    from convenant.governance.models import Decision, Proposal

    world = build_world()
    gov = governance_of(world)
    proposal = act.create_proposal(
        by=world.users["secretariat"],
        body=gov.steering_group,
        kind="other",
        title="Verlopen",
        text="Tekst",
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    for code, seat in gov.seats.items():
        act.cast_vote(by=gov.holders[code], proposal=proposal, seat=seat, choice="consent")
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now())
    proposal.refresh_from_db()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            start.wait(timeout=10)
            act.close_if_due(Proposal.objects.get(pk=proposal.pk))
        except BaseException as trouble:
            errors.append(trouble)
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert AuditEvent.objects.filter(verb="governance.close_proposal").count() == 1
    assert Decision.objects.filter(proposal=proposal).count() == 1
