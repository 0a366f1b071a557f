"""Action items: owned by a person or a party, on the owner's dashboard and list, overdue
ones on the steering group's page, marked done by the owner."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.governance.actions import bodies as actions
from convenant.governance.models import ActionItem
from convenant.governance.testing import governance_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _client(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def test_an_action_shows_to_its_owner_party_and_the_overdue_on_the_steering_group_page(
    world: World,
) -> None:
    gov = governance_of(world)
    secretariat = world.users["secretariat"]
    actions.create_action_item(
        by=secretariat,
        body=gov.steering_group,
        title="Jaarverslag aanleveren",
        owner_party=world.fund,
        due_on=TODAY - datetime.timedelta(days=2),
    )
    actions.create_action_item(
        by=secretariat,
        body=gov.steering_group,
        title="Toolkit nalezen",
        owner_user=gov.holders["government"],
        due_on=TODAY + datetime.timedelta(days=20),
    )
    dashboard = _client(world, "fund_viewer").get(reverse("dashboard")).content.decode()
    assert "Jaarverslag aanleveren" in dashboard and "Toolkit nalezen" not in dashboard
    mine = Client()
    mine.force_login(gov.holders["government"])
    assert "Toolkit nalezen" in mine.get(reverse("dashboard")).content.decode()
    listed = _client(world, "fund_viewer").get(reverse("action_list")).content.decode()
    assert "Jaarverslag aanleveren" in listed
    assert (
        "Jaarverslag"
        not in _client(world, "other_fund").get(reverse("action_list")).content.decode()
    )

    page = mine.get(reverse("body_detail", args=[gov.steering_group.slug])).content.decode()
    overdue = page.split('id="overdue"')[1].split("</section>")[0]
    assert "Jaarverslag aanleveren" in overdue and "Toolkit nalezen" not in overdue


def test_the_owner_marks_it_done_once(world: World) -> None:
    gov = governance_of(world)
    action = actions.create_action_item(
        by=world.users["secretariat"],
        body=gov.steering_group,
        title="Bellen",
        owner_party=world.fund,
        due_on=TODAY,
    )
    with pytest.raises(PermissionDenied):  # a viewer of the party may read it, not close it
        actions.complete_action_item(by=world.users["fund_viewer"], action=action)
    response = _client(world, "fund_editor").post(reverse("action_done", args=[action.pk]))
    assert response.status_code == 302
    done = ActionItem.objects.unrestricted("test").get(pk=action.pk)
    assert (done.status, done.done_on) == ("done", TODAY)
    with pytest.raises(ActionError, match="no longer open"):
        actions.complete_action_item(by=world.users["fund_editor"], action=done)


def test_an_action_needs_an_owner(world: World) -> None:
    gov = governance_of(world)
    with pytest.raises(ActionError, match="owns"):
        actions.create_action_item(
            by=world.users["secretariat"], body=gov.steering_group, title="Niemand", due_on=TODAY
        )
    assert not ActionItem.objects.unrestricted("test").exists()


def test_the_api_lists_ones_own_action_items(world: World) -> None:
    gov = governance_of(world)
    secretariat = world.users["secretariat"]
    actions.create_action_item(
        by=secretariat,
        body=gov.working_group,
        title="Van het fonds",
        owner_party=world.fund,
        due_on=TODAY,
    )
    actions.create_action_item(
        by=secretariat,
        body=gov.working_group,
        title="Van de vakbond",
        owner_party=world.union,
        due_on=TODAY,
    )
    client = _client(world, "fund_editor")  # a member of the working group
    every = client.get("/api/v1/action-items").json()["items"]
    mine = client.get("/api/v1/action-items?mine=true").json()["items"]
    assert {a["title"] for a in every} == {"Van het fonds", "Van de vakbond"}
    assert [a["title"] for a in mine] == ["Van het fonds"]
    other = _client(world, "other_fund").get("/api/v1/action-items").json()["items"]
    assert other == []
