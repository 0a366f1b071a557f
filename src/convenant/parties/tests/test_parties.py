"""Registering parties and recording departures: validation and audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.parties import actions
from convenant.parties.models import Party


def create(world: World, **overrides: object) -> Party:
    fields: dict[str, object] = {
        "by": world.users["secretariat"],
        "covenant": world.covenant,
        "name": "Pensioenfonds Nieuw",
        "code": "pfn",
        "slug": "pensioenfonds-nieuw",
        "type": Party.Type.PENSION_FUND,
        "constituency": world.fund.constituency,
        "joined_on": datetime.date(2020, 3, 1),
        "tracks": [],
        "invested_assets_eur": 1_000_000,
    }
    fields.update(overrides)
    return actions.create_party(**fields)


def test_secretariat_registers_a_party_with_an_audit_event(world: World) -> None:
    party = create(world)
    assert party.code == "PFN"
    event = AuditEvent.objects.get(verb="parties.create_party")
    assert event.after is not None
    assert event.after["name"] == "Pensioenfonds Nieuw" and event.party_id == party.pk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "FA"}, "already uses this code"),
        ({"constituency": None}, "constituency"),
        ({"type": Party.Type.SECRETARIAT}, "belong to no constituency"),
        ({"invested_assets_eur": -5}, "negative"),
        ({"joined_on": datetime.date(2031, 1, 1)}, "after the covenant ends"),
    ],
)
def test_bad_party_input_is_refused_and_nothing_is_saved(
    world: World, overrides: dict[str, object], message: str
) -> None:
    before = (Party.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ActionError, match=message):
        create(world, **overrides)
    assert (Party.objects.count(), AuditEvent.objects.count()) == before


def test_only_the_secretariat_registers_parties(world: World) -> None:
    for actor in ("fund_admin", "union", "monitoring"):
        with pytest.raises(PermissionDenied):
            create(world, by=world.users[actor])


def test_departure_needs_a_reason_and_happens_once(world: World) -> None:
    by = world.users["secretariat"]
    with pytest.raises(ActionError, match="reason"):
        actions.record_departure(
            by=by,
            party=world.fund,
            left_on=datetime.date(2022, 1, 1),
            departure=Party.Departure.EXPELLED,
            reason=" ",
        )
    actions.record_departure(
        by=by,
        party=world.fund,
        left_on=datetime.date(2022, 1, 1),
        departure=Party.Departure.EXPELLED,
        reason="Afspraken niet nagekomen",
    )
    world.fund.refresh_from_db()
    assert world.fund.departure == Party.Departure.EXPELLED and not world.fund.is_active()
    assert world.invitation.__class__.objects.get(pk=world.invitation.pk).revoked_at is not None
    with pytest.raises(ActionError, match="already left"):
        actions.record_departure(
            by=by,
            party=world.fund,
            left_on=datetime.date(2022, 2, 1),
            departure=Party.Departure.LEFT,
            reason="x",
        )


def test_party_form_shows_errors_and_saves_nothing(world: World, client) -> None:
    client.force_login(world.users["secretariat"])
    response = client.post(
        "/parties/new/",
        {"name": "", "code": "FA", "type": "pension_fund", "joined_on": "not-a-date"},
    )
    assert response.status_code == 200
    assert Party.objects.count() == 6
    assert response.context["form"].errors.keys() >= {"name", "joined_on"}
