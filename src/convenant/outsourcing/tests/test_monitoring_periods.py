"""What is missing: the periods due for a reporting requirement and those no report covers
(pure functions, no database)."""

from __future__ import annotations

import datetime

from convenant.outsourcing import kpis
from convenant.outsourcing.periods import (
    Period,
    due_periods,
    last_complete,
    last_period_missing,
    missing_periods,
    period_containing,
)

D = datetime.date


def labels(frequency: str, found: list[Period]) -> list[str]:
    return [p.label(frequency) for p in found]


def test_periods_follow_the_calendar() -> None:
    assert period_containing("quarterly", D(2024, 5, 17)) == Period(D(2024, 4, 1), D(2024, 6, 30))
    assert period_containing("half_yearly", D(2024, 7, 1)) == Period(D(2024, 7, 1), D(2024, 12, 31))
    assert period_containing("yearly", D(2024, 2, 29)) == Period(D(2024, 1, 1), D(2024, 12, 31))
    assert last_complete("quarterly", D(2025, 1, 1)) == Period(D(2024, 10, 1), D(2024, 12, 31))
    assert last_complete("half_yearly", D(2025, 3, 3)).label("half_yearly") == "H2 2024"
    # The calendar's last period does not overflow.
    assert period_containing("yearly", D(9999, 6, 1)).end == datetime.date.max


def test_quarters_are_due_from_since_to_the_last_complete_one() -> None:
    # Given a quarterly requirement agreed from 1 January 2024, looked at on 15 May 2025
    due = due_periods("quarterly", D(2024, 1, 1), D(2025, 5, 15))
    # Then the five complete quarters are due, the running one is not
    assert labels("quarterly", due) == ["Q1 2024", "Q2 2024", "Q3 2024", "Q4 2024", "Q1 2025"]


def test_a_period_ends_the_day_before_it_is_due() -> None:
    assert labels("quarterly", due_periods("quarterly", D(2024, 1, 1), D(2024, 3, 31))) == []
    assert labels("quarterly", due_periods("quarterly", D(2024, 1, 1), D(2024, 4, 1))) == [
        "Q1 2024"
    ]


def test_half_years_and_years() -> None:
    on = D(2025, 8, 1)
    assert labels("half_yearly", due_periods("half_yearly", D(2024, 1, 1), on)) == [
        "H1 2024",
        "H2 2024",
        "H1 2025",
    ]
    assert labels("yearly", due_periods("yearly", D(2022, 1, 1), on)) == ["2022", "2023", "2024"]


def test_a_requirement_agreed_mid_period_is_first_due_for_the_next_whole_one() -> None:
    # Agreed on 15 February: the first quarter of 2024 is not owed, the second is.
    assert labels("quarterly", due_periods("quarterly", D(2024, 2, 15), D(2024, 10, 1))) == [
        "Q2 2024",
        "Q3 2024",
    ]
    # Agreed in July for yearly reports: 2024 is not owed; looked at in 2025, nothing is due.
    assert due_periods("yearly", D(2024, 7, 1), D(2025, 6, 1)) == []
    assert labels("yearly", due_periods("yearly", D(2024, 7, 1), D(2026, 1, 1))) == ["2025"]


def test_a_mandate_that_ended_owes_up_to_the_period_it_ended_in() -> None:
    # Ended on 10 August 2024: the third quarter (in which it ended) is still owed, no later.
    due = due_periods("quarterly", D(2024, 1, 1), D(2025, 6, 1), ended=D(2024, 8, 10))
    assert labels("quarterly", due) == ["Q1 2024", "Q2 2024", "Q3 2024"]
    # Ended on the last day of a quarter: nothing after it.
    due = due_periods("half_yearly", D(2023, 1, 1), D(2025, 6, 1), ended=D(2023, 12, 31))
    assert labels("half_yearly", due) == ["H1 2023", "H2 2023"]


def test_missing_periods_are_those_no_report_spans() -> None:
    reports = [
        (D(2024, 1, 1), D(2024, 3, 31)),  # Q1
        (D(2024, 4, 1), D(2024, 5, 31)),  # only part of Q2: Q2 stays missing
        (D(2024, 7, 1), D(2024, 12, 31)),  # a half-year report spans Q3 and Q4
    ]
    missing = missing_periods("quarterly", D(2024, 1, 1), D(2025, 5, 15), reports)
    assert labels("quarterly", missing) == ["Q2 2024", "Q1 2025"]
    # A yearly report covers the four quarters of its year.
    yearly = [(D(2024, 1, 1), D(2024, 12, 31))]
    assert (
        labels("quarterly", missing_periods("quarterly", D(2024, 1, 1), D(2025, 1, 2), yearly))
        == []
    )


def test_only_the_last_complete_period_decides_whether_reporting_is_in_place() -> None:
    q1_2025 = [(D(2025, 1, 1), D(2025, 3, 31))]
    # Older quarters missing, the last one there: not missing for the last period.
    assert not last_period_missing("quarterly", D(2024, 1, 1), D(2025, 5, 15), q1_2025)
    assert last_period_missing("quarterly", D(2024, 1, 1), D(2025, 7, 1), q1_2025)
    # Agreed after the last complete period began: it owes nothing for it yet.
    assert not last_period_missing("quarterly", D(2025, 2, 1), D(2025, 5, 15), [])


def test_clauses_in_place_needs_every_clause_in_force_held() -> None:
    assert kpis.clauses_in_place({1, 2}, {1: "verbatim", 2: "adapted"})
    assert not kpis.clauses_in_place({1, 2}, {1: "verbatim", 2: "not_included"})
    assert not kpis.clauses_in_place({1, 2}, {1: "verbatim"})
    # No clause in force for the provider's kind: nothing the contract could hold.
    assert not kpis.clauses_in_place(set(), {1: "verbatim"})


def test_reporting_in_place_needs_an_agreed_requirement_and_nothing_missing() -> None:
    on = D(2025, 5, 15)
    met = kpis.RequirementFacts("quarterly", D(2024, 1, 1), ((D(2025, 1, 1), D(2025, 3, 31)),))
    unmet = kpis.RequirementFacts("yearly", D(2023, 1, 1), ())
    young = kpis.RequirementFacts("half_yearly", D(2025, 2, 1), ())
    future = kpis.RequirementFacts("yearly", D(2025, 9, 1), ())
    assert kpis.reporting_in_place([met], on, None)
    assert not kpis.reporting_in_place([met, unmet], on, None)
    assert kpis.reporting_in_place([young], on, None)
    # Nothing agreed yet (or only from a later day): not in place.
    assert not kpis.reporting_in_place([], on, None)
    assert not kpis.reporting_in_place([future], on, None)


def test_shares_by_count_and_by_amount() -> None:
    from decimal import Decimal

    on = D(2025, 5, 15)
    facts = [
        kpis.MandateFacts(Decimal(600), True, True),
        kpis.MandateFacts(Decimal(300), False, True),
        kpis.MandateFacts(Decimal(100), True, False),
    ]
    shares = kpis.shares_of(facts, on)
    assert (shares.clauses_by_count, shares.clauses_by_amount) == (Decimal("66.7"), Decimal("70.0"))
    assert (shares.reporting_by_count, shares.reporting_by_amount) == (
        Decimal("66.7"),
        Decimal("90.0"),
    )
    empty = kpis.shares_of([], on)
    assert empty.clauses_by_count is None and empty.reporting_by_amount is None
