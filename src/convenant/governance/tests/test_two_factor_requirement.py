"""Whoever holds (or deputises in) a steering-group seat must use two-factor authentication:
governance tells core's rule through its registry."""

from __future__ import annotations

import datetime

from django.test import Client, override_settings
from django.urls import reverse

from convenant.core import two_factor
from convenant.core.testing import World
from convenant.governance.testing import PASSWORD, build_governance


def test_seat_holders_and_deputies_must_use_it_a_working_group_member_need_not(
    world: World,
) -> None:
    gov = build_governance(world)

    assert two_factor.is_required(gov.holders["funds"])
    assert two_factor.is_required(gov.deputies["unions"])
    assert two_factor.is_required(gov.chair)
    # The fund editor sits in a working group, not in the steering group.
    assert not two_factor.is_required(world.users["fund_editor"])


def test_a_seat_that_ended_no_longer_requires_it(world: World) -> None:
    from convenant.governance.models import SeatAssignment

    gov = build_governance(world)
    holder = gov.holders["government"]
    SeatAssignment.objects.unrestricted("test").filter(user=holder).update(
        end=datetime.date(2020, 1, 1)
    )

    assert not two_factor.is_required(holder)


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_a_seat_holder_is_sent_to_enrolment_at_log_in(world: World) -> None:
    gov = build_governance(world)
    client = Client()
    client.post(reverse("login"), {"username": gov.holders["ngos"].email, "password": PASSWORD})

    answer = client.get(reverse("dashboard"))

    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("two_factor_enrol"))
