"""Reporting periods and what is missing: pure functions, no database.

A provider reports per calendar period of its requirement's frequency: quarters (January to
March …), half-years (January to June, July to December) or years. For a requirement agreed
from ``since``, a period is **due** when

- it starts on or after ``since``: a requirement agreed in the middle of a period is first due
  for the next whole period (the provider was not bound for the whole of the one it was agreed
  in);
- it is complete: it ended before the day we look (``on``);
- the mandate still ran when it began: a mandate that ended in the middle of a period still
  owes the report over that last period, and nothing after it.

A due period is **covered** by a report that names the requirement and whose period spans it
(a yearly report covers the four quarters in it). What is due and not covered is **missing**.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

MONTHS = {"quarterly": 3, "half_yearly": 6, "yearly": 12}


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date  # the last day of the period

    def covered_by(self, start: datetime.date, end: datetime.date) -> bool:
        return start <= self.start and self.end <= end

    def label(self, frequency: str) -> str:
        """Q1 2024, H2 2024 or 2024 (the same in both languages)."""
        months = MONTHS[frequency]
        if months == 12:
            return str(self.start.year)
        number = (self.start.month - 1) // months + 1
        return f"{'Q' if months == 3 else 'H'}{number} {self.start.year}"


def period_containing(frequency: str, day: datetime.date) -> Period:
    months = MONTHS[frequency]
    start = datetime.date(day.year, (day.month - 1) // months * months + 1, 1)
    index = start.year * 12 + start.month - 1 + months
    if index // 12 > datetime.MAXYEAR:  # the calendar's last period ends on its last day
        return Period(start, datetime.date.max)
    return Period(start, datetime.date(index // 12, index % 12 + 1, 1) - datetime.timedelta(days=1))


def last_complete(frequency: str, on: datetime.date) -> Period:
    """The last period that ended before ``on``."""
    current = period_containing(frequency, on)
    if current.start == datetime.date.min:  # nothing ended before the calendar began
        return Period(datetime.date.min, datetime.date.min)
    return period_containing(frequency, current.start - datetime.timedelta(days=1))


def due_periods(
    frequency: str,
    since: datetime.date,
    on: datetime.date,
    ended: datetime.date | None = None,
) -> list[Period]:
    """The periods a requirement agreed from ``since`` is due for, looking on ``on``, under a
    mandate that ended on ``ended`` (None: still running), oldest first."""
    first = period_containing(frequency, since)
    if first.start < since:
        if first.end >= on:  # not even the period it was agreed in has ended
            return []
        first = period_containing(frequency, first.end + datetime.timedelta(days=1))
    found = []
    period = first
    while period.end < on and (ended is None or period.start <= ended):
        found.append(period)
        period = period_containing(frequency, period.end + datetime.timedelta(days=1))
    return found


def missing_periods(
    frequency: str,
    since: datetime.date,
    on: datetime.date,
    reports: Iterable[tuple[datetime.date, datetime.date]],
    ended: datetime.date | None = None,
) -> list[Period]:
    """The due periods that no report (its period start and end, among the reports that
    name this requirement) covers."""
    spans = list(reports)
    return [
        period
        for period in due_periods(frequency, since, on, ended)
        if not any(period.covered_by(start, end) for start, end in spans)
    ]


def last_period_missing(
    frequency: str,
    since: datetime.date,
    on: datetime.date,
    reports: Iterable[tuple[datetime.date, datetime.date]],
    ended: datetime.date | None = None,
) -> bool:
    """Whether the last complete period is due and not covered (a period not yet due — the
    requirement was agreed after it began — is not missing)."""
    last = last_complete(frequency, on)
    return last in missing_periods(frequency, since, on, reports, ended)
