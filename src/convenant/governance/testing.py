"""Shared test helpers of governance: a steering group with a seat per constituency (holder
and deputy, each for a party of the constituency) and the independent chair, who does not
vote; a working group with a sub-working group; the monitoring committee.

Built with the ORM on top of the core test world (test set-up, not product writes). The
matrix actors keep their standing: the steering group's people are extra users, so the
covenant-wide aggregates stay with the secretariat in every other app's rows; the fund
editor is a member of the working group and the monitoring actor of the monitoring
committee, so rows can tell a body's members from everyone else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from convenant.core.testing import World

# Seats of the steering group, by constituency code, in the order of the table.
CONSTITUENCIES = (
    ("funds", "Fondsen"),
    ("government", "Overheid"),
    ("unions", "Vakbonden"),
    ("ngos", "Ngo's"),
)
SINCE = datetime.date(2019, 1, 1)
PASSWORD = "pw-test-12345"  # noqa: S105 (test users, as in core.testing)


@dataclass
class Governance:
    steering_group: Any
    working_group: Any
    sub_working_group: Any
    monitoring_committee: Any
    # By constituency code: the voting seats, their holders and deputies, their parties.
    seats: dict[str, Any]
    holders: dict[str, Any]
    deputies: dict[str, Any]
    parties: dict[str, Any]
    chair_seat: Any
    chair: Any
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def voting_seats(self) -> list[Any]:
        return [self.seats[code] for code, _ in CONSTITUENCIES]


def make_user(email: str, name: str, party: Any = None, role: str | None = None) -> Any:
    """A person, with a membership of ``party`` when given (viewer unless said)."""
    from convenant.core.access import Role
    from convenant.core.models import User
    from convenant.parties.models import Membership

    user = User.objects.create_user(email, name, PASSWORD)
    if party is not None:
        Membership.objects.create(user=user, party=party, role=role or Role.EDITOR)
    return user


def build_governance(world: World) -> Governance:
    """The covenant's bodies on the given world (see the module's docstring)."""
    from convenant.governance.models import Body, BodyMembership, Seat, SeatAssignment
    from convenant.parties.models import Constituency, Party

    covenant = world.covenant
    steering = Body.objects.create(
        covenant=covenant,
        kind=Body.Kind.STEERING_GROUP,
        name="Stuurgroep",
        name_en="Steering group",
        slug="stuurgroep",
        description="Beslist bij unanimiteit over de uitvoering van het convenant.",
        established_on=SINCE,
    )
    working = Body.objects.create(
        covenant=covenant,
        kind=Body.Kind.WORKING_GROUP,
        name="Werkgroep Toolkit",
        name_en="Toolkit working group",
        slug="werkgroep-toolkit",
        description="Werkt de toolkit uit.",
        parent=steering,
        established_on=SINCE,
    )
    sub = Body.objects.create(
        covenant=covenant,
        kind=Body.Kind.SUB_WORKING_GROUP,
        name="Subwerkgroep Casus",
        name_en="Case sub-working group",
        slug="subwerkgroep-casus",
        parent=working,
        established_on=SINCE,
    )
    committee = Body.objects.create(
        covenant=covenant,
        kind=Body.Kind.MONITORING_COMMITTEE,
        name="Monitoringcommissie",
        name_en="Monitoring committee",
        slug="monitoringcommissie",
        established_on=SINCE,
    )

    parties: dict[str, Any] = {}
    seats: dict[str, Any] = {}
    holders: dict[str, Any] = {}
    deputies: dict[str, Any] = {}
    for order, (code, label) in enumerate(CONSTITUENCIES):
        constituency, _ = Constituency.objects.get_or_create(
            covenant=covenant, code=code, defaults={"name": label, "order": order}
        )
        party = (
            Party.objects.filter(constituency=constituency, left_on__isnull=True)
            .order_by("pk")
            .first()
        )
        if party is None:
            party = Party.objects.create(
                covenant=covenant,
                code=f"G{code[:3].upper()}",
                slug=f"partij-{code}",
                name=f"Partij {label}",
                type={
                    "government": Party.Type.MINISTRY,
                    "ngos": Party.Type.NGO,
                    "unions": Party.Type.UNION,
                }.get(code, Party.Type.PENSION_FUND),
                constituency=constituency,
                joined_on=SINCE,
            )
        parties[code] = party
        seat = Seat.objects.create(
            body=steering, label=label, constituency=constituency, order=order
        )
        seats[code] = seat
        holders[code] = make_user(f"sg-{code}@example.org", f"Holder {label}", party)
        deputies[code] = make_user(f"sg-{code}-deputy@example.org", f"Deputy {label}", party)
        for user, role in ((holders[code], "holder"), (deputies[code], "deputy")):
            SeatAssignment.objects.create(seat=seat, user=user, party=party, role=role, start=SINCE)
    chair_seat = Seat.objects.create(
        body=steering, label="Voorzitter", has_vote=False, order=len(CONSTITUENCIES)
    )
    chair = make_user("sg-chair@example.org", "Independent Chair")
    SeatAssignment.objects.create(seat=chair_seat, user=chair, role="holder", start=SINCE)

    # The body's own business must be told apart from everyone else's: the fund editor sits
    # in the working group, the monitoring actor in the monitoring committee.
    BodyMembership.objects.create(
        body=working, user=world.users["fund_editor"], party=world.fund, start=SINCE
    )
    BodyMembership.objects.create(
        body=committee, user=world.users["monitoring"], party=world.monitoring, start=SINCE
    )
    return Governance(
        steering_group=steering,
        working_group=working,
        sub_working_group=sub,
        monitoring_committee=committee,
        seats=seats,
        holders=holders,
        deputies=deputies,
        parties=parties,
        chair_seat=chair_seat,
        chair=chair,
    )


def governance_of(world: World) -> Governance:
    """The world's governance, built once per world (the matrix areas share it)."""
    if "governance" not in world.extra:
        world.extra["governance"] = build_governance(world)
    gov: Governance = world.extra["governance"]
    return gov
