"""Bodies and the people in them over time."""

import pytest

from convenant.core import access
from convenant.core.testing import World
from convenant.governance.testing import governance_of

pytestmark = pytest.mark.django_db


def test_the_test_steering_group_has_four_voting_seats_and_a_chair(world: World) -> None:
    gov = governance_of(world)
    assert len(gov.voting_seats) == 4
    assert not gov.chair_seat.has_vote
    holder = access.actor_for(gov.holders["government"])
    assert holder.is_steering_group
    assert gov.steering_group.pk in holder.body_ids
    assert not access.actor_for(world.users["union"]).is_steering_group
