"""What governance adds to the rest of the product: a person's bodies in their standing (an
actor extension of core), so the access policy knows who sits in the steering group."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from convenant.core import access, two_factor


def current_bodies(user_id: int | None, party_ids: Iterable[int]) -> dict[int, str]:
    """The bodies a person sits in today, with their kinds: a seat they hold or deputise
    for, while they still belong to the party they sit for (a holder who leaves their party
    leaves the seat vacant), or a membership of the body. The access policy's own input,
    read unscoped, in one query."""
    if user_id is None:
        return {}
    from convenant.governance.models import BodyMembership, SeatAssignment

    today = timezone.localdate()
    parties = list(party_ids)
    sits_for = Q(party__isnull=True) | Q(party_id__in=parties)
    seats = (
        SeatAssignment.objects.unrestricted("resolving a person's standing")
        .current(today)
        .filter(sits_for, user_id=user_id)
        .values_list("seat__body_id", "seat__body__kind")
    )
    members = (
        BodyMembership.objects.unrestricted("resolving a person's standing")
        .current(today)
        .filter(sits_for, user_id=user_id)
        .values_list("body_id", "body__kind")
    )
    return dict(seats.union(members))


def _standing(actor: access.Actor) -> dict[str, Any]:
    from convenant.governance.models import Body

    bodies = current_bodies(actor.user_id, actor.party_ids)
    return {
        "body_ids": frozenset(bodies),
        "is_steering_group": Body.Kind.STEERING_GROUP in bodies.values(),
    }


def holds_steering_seat(actor: access.Actor) -> bool:
    """Whether the person holds (or deputises in) a steering-group seat today, for a party
    they still belong to: core's two-factor rule requires it of them."""
    if actor.user_id is None:
        return False
    from convenant.governance.models import Body, SeatAssignment

    sits_for = Q(party__isnull=True) | Q(party_id__in=list(actor.party_ids))
    return (
        # Who holds which seat is public (SeatAssignment.visible_to).
        SeatAssignment.objects.visible_to(None)
        .current(timezone.localdate())
        .filter(sits_for, user_id=actor.user_id, seat__body__kind=Body.Kind.STEERING_GROUP)
        .exists()
    )


def register() -> None:
    access.register_actor_extension("governance", _standing)
    two_factor.register_requirement("governance_steering_seat", holds_steering_seat)

    from convenant.governance import hooks_decisions

    hooks_decisions.register()

    from convenant.governance import hooks_budget

    hooks_budget.register()

    from convenant.governance import hooks_bodies

    hooks_bodies.register()
