"""The rules of engagement with known answers: overdue milestones, stale objectives, when
escalation is due, the step suggested next and what counts as success."""

import datetime

import pytest

from convenant.engagement import rules
from convenant.engagement.rules import MilestoneState as M

D = datetime.date
TODAY = D(2026, 11, 27)
LADDER = ["letter", "meeting-management", "meeting-board", "agm-question", "agm-vote"]


@pytest.mark.parametrize(
    ("target", "reached", "overdue"),
    [
        (D(2026, 11, 26), None, True),
        (D(2026, 11, 27), None, False),  # due today is not late yet
        (D(2026, 11, 1), D(2026, 11, 20), False),
        (None, None, False),
    ],
)
def test_a_milestone_is_overdue_when_its_target_passed_unreached(
    target: D | None, reached: D | None, overdue: bool
) -> None:
    assert rules.milestone_overdue(target, reached, TODAY) is overdue


def test_months_before_keeps_the_day_or_the_months_last() -> None:
    assert rules.months_before(D(2026, 11, 27), 6) == D(2026, 5, 27)
    assert rules.months_before(D(2026, 8, 31), 6) == D(2026, 2, 28)
    assert rules.months_before(D(2026, 3, 15), 12) == D(2025, 3, 15)


def test_an_objective_without_movement_for_six_months_is_stale_and_escalation_is_due() -> None:
    given = [M(1, reached_on=D(2026, 5, 1)), M(2), M(3), M(4)]
    esc = rules.escalation(
        started=D(2026, 1, 1),
        milestones=given,
        activity_dates=[D(2026, 5, 20)],
        today=TODAY,
        stale_months=6,
    )
    assert (esc.due, esc.stale, esc.overdue, esc.last_moved) == (True, True, (), D(2026, 5, 20))
    recent = rules.escalation(
        started=D(2026, 1, 1),
        milestones=given,
        activity_dates=[D(2026, 6, 1)],
        today=TODAY,
        stale_months=6,
    )
    assert not recent.due


def test_an_overdue_milestone_makes_escalation_due_but_never_on_a_closed_objective() -> None:
    given = [M(1, reached_on=D(2026, 10, 1)), M(2, target_on=D(2026, 11, 1)), M(3), M(4)]
    kwargs = {"started": D(2026, 9, 1), "activity_dates": [], "today": TODAY, "stale_months": 6}
    esc = rules.escalation(milestones=given, **kwargs)
    assert (esc.due, esc.overdue, esc.stale) == (True, (2,), False)
    assert not rules.escalation(milestones=given, closed=True, **kwargs).due


def test_the_suggested_step_is_the_one_after_the_highest_used() -> None:
    assert rules.next_step(LADDER, []) == "letter"
    assert rules.next_step(LADDER, ["letter", "meeting-board", "letter"]) == "agm-question"
    assert rules.next_step(LADDER, ["an-old-step"]) == "letter"
    assert rules.next_step(LADDER, ["agm-vote"]) is None
    assert rules.next_step([], ["letter"]) is None


def test_met_and_partly_met_count_as_success() -> None:
    assert [rules.succeeded(o) for o in ("met", "partly_met", "not_met", "divested", "")] == [
        True,
        True,
        False,
        False,
        None,
    ]
    assert rules.success_rate(["met", "partly_met", "not_met", "divested", ""]) == 0.5
    assert rules.success_rate(["", ""]) is None


def test_the_stage_is_the_highest_milestone_reached() -> None:
    assert rules.stage([M(1, reached_on=D(2026, 1, 1)), M(3, reached_on=D(2026, 2, 1))]) == 3
    assert rules.stage([M(1), M(2)]) == 0
