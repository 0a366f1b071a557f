"""An engagement's leverage, computed from holdings, never typed: what the participating
funds hold in the company at a reference date (each fund's latest complete snapshot on or
before it).

- Each fund's own figure is read through ``Position.objects.visible_to(user)``: a reader
  sees the figures of the funds they belong to, nobody else's (not even the secretariat,
  which reads no positions).
- The group's combined figure (how many participating funds hold the company and their
  total) is shown only where at least ``AGGREGATE_MIN_FUNDS`` funds *besides the reader's
  own* hold it, the rule of ``Position.objects.joint_leverage_for``: subtracting one's own
  figure must still leave a total of several funds. Otherwise it is withheld.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from convenant.core import access
from convenant.engagement.models import Engagement, Participant
from convenant.parties.models import Party
from convenant.portfolios.models import Position, Snapshot

UNSCOPED = "engagement leverage: totals only, under the minimum-of-funds rule"


@dataclass
class Leverage:
    reference_date: datetime.date
    # The reader's funds among the participants: party id → (snapshot date, value in EUR)
    own: dict[int, tuple[datetime.date, Decimal]] = field(default_factory=dict)
    funds: int | None = None  # how many participating funds hold it (None: withheld)
    value: Decimal | None = None
    withheld: bool = False
    applies: bool = True  # False when the engagement has no company as its target


def _snapshots_on(fund_ids: list[int], on: datetime.date) -> list[int]:
    """Each fund's latest complete snapshot on or before the date, as ids."""
    rows = (
        Snapshot.objects.unrestricted(UNSCOPED)
        .filter(fund_id__in=fund_ids, as_of__lte=on, partial=False)
        .order_by("fund_id", "-as_of")
        .distinct("fund_id")
        .values_list("pk", flat=True)
    )
    return list(rows)


def leverage_of(engagement: Engagement, user: Any, on: datetime.date | None = None) -> Leverage:
    on = on or timezone.localdate()
    result = Leverage(reference_date=on)
    if engagement.issuer_id is None:
        result.applies = False
        return result
    actor = access.actor_for(user)
    # The parties of an engagement are read by whoever may read it.
    participants = Participant.objects.visible_to(user).filter(engagement=engagement, start__lte=on)
    fund_ids = list(
        participants.filter(Q(end__isnull=True) | Q(end__gt=on))
        .filter(party__type=Party.Type.PENSION_FUND)
        .values_list("party_id", flat=True)
        .distinct()
    )
    snapshots = _snapshots_on(fund_ids, on)
    held = Q(snapshot_id__in=snapshots, issuer_id=engagement.issuer_id)
    held &= Q(status=Position.Status.MATCHED)
    own = (
        Position.objects.visible_to(user)
        .filter(held)
        .order_by()
        .values("snapshot__fund_id", "snapshot__as_of")
        .annotate(value=Sum("value_eur"))
    )
    for row in own:
        result.own[row["snapshot__fund_id"]] = (row["snapshot__as_of"], row["value"])
    totals = (
        Position.objects.unrestricted(UNSCOPED)
        .filter(held)
        .aggregate(
            funds=Count("snapshot__fund", distinct=True),
            others=Count(
                "snapshot__fund",
                distinct=True,
                filter=~Q(snapshot__fund_id__in=list(actor.fund_ids)),
            ),
            value=Sum("value_eur"),
        )
    )
    if totals["funds"] and totals["others"] >= settings.AGGREGATE_MIN_FUNDS:
        result.funds, result.value = totals["funds"], totals["value"]
    elif totals["funds"]:
        result.withheld = True
    return result
