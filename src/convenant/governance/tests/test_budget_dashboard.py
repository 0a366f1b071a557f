"""The governance panel on the dashboard: a person who sits in a body finds their bodies,
the upcoming meetings, the proposals waiting for their seat's vote (again after an
amendment) and their open action items; someone without a seat finds no panel."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from convenant.core.testing import World
from convenant.governance.actions import decisions as decide
from convenant.governance.models import ActionItem, Meeting
from convenant.governance.testing import Governance, governance_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov(world: World) -> Governance:
    return governance_of(world)


def _dashboard(user: object) -> str:
    client = Client()
    client.force_login(user)
    return client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_seat_holder_finds_the_vote_waiting_for_their_seat(world: World, gov: Governance) -> None:
    proposal = decide.create_proposal(
        by=world.users["secretariat"],
        body=gov.steering_group,
        kind="recommendation",
        title="Aanbeveling Goudplevier",
        text="Tekst.",
        closes_at=timezone.now() + datetime.timedelta(days=5),
    )
    Meeting.objects.create(
        body=gov.steering_group,
        title="Stuurgroep december",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        ends_at=timezone.now() + datetime.timedelta(days=10, hours=2),
    )
    ActionItem.objects.create(
        body=gov.steering_group,
        title="Jaarplan schrijven",
        owner_user=gov.holders["government"],
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    holder = gov.holders["government"]
    page = _dashboard(holder)
    assert "Aanbeveling Goudplevier" in page and "Stuurgroep december" in page
    assert "Jaarplan schrijven" in page
    assert f"/governance/proposals/{proposal.number}/" in page
    # the deputy of the same seat casts its vote: no longer waiting for that seat
    decide.cast_vote(
        by=gov.deputies["government"],
        proposal=proposal,
        seat=gov.seats["government"],
        choice="consent",
    )
    assert "Aanbeveling Goudplevier" not in _dashboard(holder)
    # an amendment makes the consent stale: waiting again
    decide.amend_proposal(
        by=world.users["secretariat"], proposal=proposal, text="Nieuwe tekst.", note="Scherper"
    )
    assert "Aanbeveling Goudplevier" in _dashboard(holder)
    # the chair has no vote, so nothing waits for the chair's seat
    assert "Aanbeveling Goudplevier" not in _dashboard(gov.chair)


def test_someone_without_a_seat_or_action_finds_no_governance_panel(
    world: World, gov: Governance
) -> None:
    assert 'id="governance-panel"' not in _dashboard(world.users["union"])
    assert 'id="governance-panel"' in _dashboard(world.users["fund_editor"])  # the working group


def test_every_party_s_people_find_the_annual_meeting_s_invitation(
    world: World, gov: Governance
) -> None:
    Meeting.objects.create(
        body=gov.steering_group,
        title="Jaarbijeenkomst",
        starts_at=timezone.now() + datetime.timedelta(days=20),
        ends_at=timezone.now() + datetime.timedelta(days=20, hours=3),
        location="Zaal Wielewaal",
        annual=True,
    )
    page = _dashboard(world.users["union"])
    assert 'id="governance-panel"' in page and "Zaal Wielewaal" in page
    assert "Zaal Wielewaal" not in _dashboard(world.users["former"])
