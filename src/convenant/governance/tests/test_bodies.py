"""Bodies and the people in them over time: seats with holder and deputy, vacancies when a
holder leaves their party, the history kept, and the steering group's standing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from convenant.core import access
from convenant.core.errors import ActionError
from convenant.core.testing import World, last_event_id
from convenant.governance.actions import bodies as actions
from convenant.governance.models import Body, SeatAssignment
from convenant.governance.testing import governance_of, make_user
from convenant.governance.views.bodies import seat_table
from convenant.parties.models import Membership

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_test_steering_group_has_four_voting_seats_and_a_chair(world: World) -> None:
    gov = governance_of(world)
    assert len(gov.voting_seats) == 4
    assert not gov.chair_seat.has_vote
    holder = access.actor_for(gov.holders["government"])
    assert holder.is_steering_group
    assert gov.steering_group.pk in holder.body_ids
    assert not access.actor_for(world.users["union"]).is_steering_group


def test_a_new_holder_ends_the_previous_one_the_day_before_and_history_stays(
    world: World,
) -> None:
    gov = governance_of(world)
    seat, party = gov.seats["unions"], gov.parties["unions"]
    newcomer = make_user("nieuw@example.org", "Nieuwe Houder", party)
    start = TODAY - datetime.timedelta(days=3)

    actions.assign_seat(
        by=world.users["secretariat"],
        seat=seat,
        user=newcomer,
        role="holder",
        party=party,
        start=start,
    )

    history = list(SeatAssignment.objects.visible_to(None).filter(seat=seat, role="holder"))
    assert len(history) == 2  # nothing deleted
    old = next(a for a in history if a.user_id == gov.holders["unions"].pk)
    assert old.end == start - datetime.timedelta(days=1)
    row = next(r for r in seat_table(gov.steering_group) if r["seat"] == seat)
    assert row["holder"].user == newcomer
    assert not access.actor_for(gov.holders["unions"], fresh=True).is_steering_group
    assert access.actor_for(newcomer, fresh=True).is_steering_group


def test_a_seat_is_only_for_someone_of_a_party_of_its_constituency(world: World) -> None:
    gov = governance_of(world)
    seat = gov.seats["unions"]
    before = last_event_id()
    # A fund's officer, for a fund: the wrong constituency.
    with pytest.raises(ActionError, match="constituency"):
        actions.assign_seat(
            by=world.users["secretariat"],
            seat=seat,
            user=world.users["fund_admin"],
            role="deputy",
            party=world.fund,
            start=TODAY,
        )
    # For the union, but not one of its people.
    with pytest.raises(ActionError, match="does not work for"):
        actions.assign_seat(
            by=world.users["secretariat"],
            seat=seat,
            user=world.users["fund_admin"],
            role="deputy",
            party=world.union,
            start=TODAY,
        )
    with pytest.raises(PermissionDenied):
        actions.assign_seat(
            by=world.users["union"],
            seat=seat,
            user=world.users["union"],
            role="deputy",
            party=world.union,
            start=TODAY,
        )
    assert last_event_id() == before
    assert SeatAssignment.objects.visible_to(None).filter(seat=seat).count() == 2


def test_a_holder_who_leaves_their_party_leaves_the_seat_vacant(world: World) -> None:
    gov = governance_of(world)
    holder = gov.holders["ngos"]
    Membership.objects.filter(user=holder, party=gov.parties["ngos"]).delete()

    row = next(r for r in seat_table(gov.steering_group) if r["seat"] == gov.seats["ngos"])
    assert row["holder"] is None
    assert [a.user for a in row["left"]] == [holder]
    assert row["deputy"].user == gov.deputies["ngos"]
    assert not access.actor_for(holder, fresh=True).is_steering_group

    page = Client().get(reverse("body_detail", args=[gov.steering_group.slug]))
    text = page.content.decode()
    assert "Vacant" in text
    assert f"{escape(holder.full_name)} werkt niet meer voor" in text  # Dutch by default


def test_a_union_officer_in_a_steering_group_seat_reads_the_covenant_risks_until_it_ends(
    world: World,
) -> None:
    gov = governance_of(world)
    officer = world.users["union"]
    client = Client()
    client.force_login(officer)
    covenant_risks = reverse("covenant_risks")
    assert client.get(covenant_risks).status_code == 403
    assert f'href="{covenant_risks}"' not in client.get(reverse("dashboard")).content.decode()

    assignment = actions.assign_seat(
        by=world.users["secretariat"],
        seat=gov.seats["unions"],
        user=officer,
        role="deputy",
        party=world.union,
        start=TODAY - datetime.timedelta(days=10),
    )
    assert client.get(covenant_risks).status_code == 200
    assert f'href="{covenant_risks}"' in client.get(reverse("dashboard")).content.decode()

    actions.end_assignment(by=world.users["secretariat"], assignment=assignment, end=TODAY)
    assert client.get(covenant_risks).status_code == 403
    assert f'href="{covenant_risks}"' not in client.get(reverse("dashboard")).content.decode()
    assert SeatAssignment.objects.visible_to(None).get(pk=assignment.pk).end == TODAY


def test_a_membership_ends_and_stays_in_the_history(world: World) -> None:
    gov = governance_of(world)
    membership = actions.add_membership(
        by=world.users["secretariat"],
        body=gov.sub_working_group,
        user=world.users["union"],
        party=world.union,
        start=TODAY - datetime.timedelta(days=30),
    )
    assert gov.sub_working_group.pk in access.actor_for(world.users["union"], fresh=True).body_ids
    with pytest.raises(ActionError, match="already a member"):
        actions.add_membership(
            by=world.users["secretariat"],
            body=gov.sub_working_group,
            user=world.users["union"],
            start=TODAY,
        )
    actions.end_membership(by=world.users["secretariat"], membership=membership, end=TODAY)
    assert (
        gov.sub_working_group.pk not in access.actor_for(world.users["union"], fresh=True).body_ids
    )
    page = Client().get(reverse("body_detail", args=[gov.sub_working_group.slug]))
    assert world.users["union"].full_name in page.content.decode()  # in the history


def test_ending_is_refused_before_the_start_and_once_ended(world: World) -> None:
    gov = governance_of(world)
    secretariat = world.users["secretariat"]
    membership = actions.add_membership(
        by=secretariat,
        body=gov.sub_working_group,
        user=world.users["union"],
        party=world.union,
        start=TODAY - datetime.timedelta(days=30),
    )
    too_early = TODAY - datetime.timedelta(days=31)
    with pytest.raises(ActionError, match="end comes after the start"):
        actions.end_membership(by=secretariat, membership=membership, end=too_early)
    with pytest.raises(PermissionDenied):
        actions.end_membership(by=world.users["union"], membership=membership, end=TODAY)
    actions.end_membership(by=secretariat, membership=membership, end=TODAY)
    with pytest.raises(ActionError, match="already ended"):
        actions.end_membership(by=secretariat, membership=membership, end=TODAY)
    # Nothing changed by the refusals: the end stays the one given.
    membership.refresh_from_db()
    assert membership.end == TODAY


def test_a_sub_working_group_reports_to_a_working_group(world: World) -> None:
    gov = governance_of(world)
    secretariat = world.users["secretariat"]
    with pytest.raises(ActionError, match="reports to"):
        actions.create_body(
            by=secretariat,
            kind=Body.Kind.SUB_WORKING_GROUP,
            name="Sub",
            slug="sub",
            parent=gov.steering_group,
            established_on=TODAY,
        )
    sub = actions.create_body(
        by=secretariat,
        kind=Body.Kind.SUB_WORKING_GROUP,
        name="Sub",
        slug="sub",
        parent=gov.working_group,
        established_on=TODAY,
        case_reference="CASE-1",
    )
    page = Client().get(reverse("body_list")).content.decode()
    assert reverse("body_detail", args=[sub.slug]) in page


def test_the_body_page_as_the_public_shows_seats_not_meetings(world: World) -> None:
    gov = governance_of(world)
    page = Client().get(reverse("body_detail", args=[gov.steering_group.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Holder Overheid" in text and "Independent Chair" in text
    assert reverse("meeting_create", args=[gov.steering_group.slug]) not in text
