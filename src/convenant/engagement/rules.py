"""The rules of engagement, as pure functions of dates and keys: no database, so each can be
checked against known answers (tests/test_rules.py) and used alike by the pages, the API
and the overviews.

- A milestone is overdue when it has a target date that has passed and is not reached.
- An objective is stale when neither a milestone was reached nor an activity logged for it
  for ``ENGAGEMENT_STALE_MONTHS`` months (counted from its start when nothing happened yet).
- Escalation is due on an open objective that has an overdue milestone or is stale.
- The step suggested next is the step after the highest one used so far on the ladder in
  force (the first step when none was used; none beyond the last).
- An objective succeeded when it was met or partly met: partly met counts, since the company
  moved on what was asked; not met and ended by divestment do not. The success rate is the
  share of succeeded objectives among the closed ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MET = "met"
PARTLY_MET = "partly_met"
NOT_MET = "not_met"
DIVESTED = "divested"
SUCCESSES = frozenset({MET, PARTLY_MET})


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` months earlier (the month's last day where it has fewer)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def milestone_overdue(
    target_on: datetime.date | None, reached_on: datetime.date | None, today: datetime.date
) -> bool:
    return reached_on is None and target_on is not None and target_on < today


@dataclass(frozen=True)
class MilestoneState:
    number: int
    target_on: datetime.date | None = None
    reached_on: datetime.date | None = None


@dataclass(frozen=True)
class Escalation:
    due: bool
    overdue: tuple[int, ...]  # the numbers of the overdue milestones
    stale: bool
    last_moved: datetime.date


def last_moved(
    started: datetime.date,
    milestones: Iterable[MilestoneState],
    activity_dates: Iterable[datetime.date],
) -> datetime.date:
    dates = [m.reached_on for m in milestones if m.reached_on is not None]
    return max([started, *dates, *activity_dates])


def objective_stale(moved: datetime.date, today: datetime.date, months: int) -> bool:
    return moved <= months_before(today, months)


def escalation(
    *,
    started: datetime.date,
    milestones: Sequence[MilestoneState],
    activity_dates: Iterable[datetime.date],
    today: datetime.date,
    stale_months: int,
    closed: bool = False,
) -> Escalation:
    """Whether escalation is due on an objective (never on a closed one)."""
    moved = last_moved(started, milestones, activity_dates)
    if closed:
        return Escalation(False, (), False, moved)
    overdue = tuple(
        m.number for m in milestones if milestone_overdue(m.target_on, m.reached_on, today)
    )
    stale = objective_stale(moved, today, stale_months)
    return Escalation(bool(overdue) or stale, overdue, stale, moved)


def next_step(ladder: Sequence[str], used: Iterable[str]) -> str | None:
    """The step after the highest used on the ladder (keys in order); steps of an older
    edition that the ladder no longer has do not count."""
    if not ladder:
        return None
    positions = [ladder.index(key) for key in set(used) if key in ladder]
    if not positions:
        return ladder[0]
    highest = max(positions)
    return ladder[highest + 1] if highest + 1 < len(ladder) else None


def stage(milestones: Iterable[MilestoneState]) -> int:
    """The highest milestone reached (0: none yet)."""
    return max((m.number for m in milestones if m.reached_on is not None), default=0)


def succeeded(outcome: str) -> bool | None:
    """True for met and partly met, False for not met and divested, None while open."""
    if not outcome:
        return None
    return outcome in SUCCESSES


def success_rate(outcomes: Iterable[str]) -> float | None:
    """Succeeded over closed objectives (open ones do not count); None when none closed."""
    closed = [o for o in outcomes if o]
    if not closed:
        return None
    return sum(o in SUCCESSES for o in closed) / len(closed)
