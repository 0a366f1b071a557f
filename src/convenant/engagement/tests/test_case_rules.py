"""The deep track's rules as plain functions: the exit criteria of each step, which moves
are forward or back, what each role may do, the limit on running cases; and the facts the
criteria read, counted from a real case."""

import dataclasses

import pytest
from django.test import override_settings

from convenant.core import access
from convenant.core.testing import World
from convenant.engagement import case_rules
from convenant.engagement.case_rules import CaseFacts, exit_checks, is_back, is_next, may_leave
from convenant.engagement.tests.cases import open_case

# Facts under which every step's checks hold.
ALL_MET = CaseFacts(
    plan_agreed=True,
    plan_has_objectives=True,
    milestones=2,
    milestones_without_date=0,
    has_lead_fund=True,
    consultations=1,
    linked_engagements=1,
    activities=3,
    remedies_for_people=1,
    complete_grievance_assessments=1,
    approved_communications=1,
)


@pytest.mark.parametrize("step", case_rules.STEPS)
def test_each_step_may_be_left_once_its_checks_hold(step: str) -> None:
    assert may_leave(step, ALL_MET)
    assert not may_leave(step, CaseFacts(milestones_without_date=1))


@pytest.mark.parametrize(
    ("step", "missing", "failing"),
    [
        ("A", {"plan_agreed": False}, {"plan"}),
        ("A", {"plan_has_objectives": False}, {"plan"}),
        ("A", {"milestones": 0}, {"plan"}),
        ("A", {"has_lead_fund": False}, {"lead"}),
        ("A", {"consultations": 0}, {"consulted"}),
        ("B", {"linked_engagements": 0}, {"engagement"}),
        ("B", {"activities": 0}, {"activity"}),
        ("C", {"remedies_for_people": 0}, {"remedy"}),
        ("D", {"complete_grievance_assessments": 0}, {"grievance"}),
        ("D", {"milestones_without_date": 1}, {"milestones"}),
        ("E", {"approved_communications": 0}, {"communication"}),
    ],
)
def test_a_missing_fact_fails_exactly_its_own_check(
    step: str, missing: dict[str, object], failing: set[str]
) -> None:
    checks = exit_checks(step, dataclasses.replace(ALL_MET, **missing))
    assert {c.key for c in checks if not c.met} == failing
    assert not may_leave(step, dataclasses.replace(ALL_MET, **missing))


def test_a_step_is_checked_on_its_own_facts_only() -> None:
    # A remedy missing does not hold a case in A; a consultation missing does not hold it in C.
    assert may_leave("A", dataclasses.replace(ALL_MET, remedies_for_people=0))
    assert may_leave("C", dataclasses.replace(ALL_MET, consultations=0))


def test_an_unknown_step_is_an_error() -> None:
    with pytest.raises(ValueError):
        exit_checks("F", ALL_MET)


def test_forward_is_one_step_back_is_any_earlier() -> None:
    assert is_next("A", "B") and is_next("D", "E")
    assert not is_next("A", "C") and not is_next("B", "A") and not is_next("C", "C")
    assert is_back("C", "A") and is_back("B", "A")
    assert not is_back("A", "B") and not is_back("B", "B")


def test_the_rights_follow_the_roles() -> None:
    lead = case_rules.rights_of(["lead_fund"])
    assert {"move_step", "edit_plan", "manage_members", "close", "link_engagement"} <= lead
    assert case_rules.rights_of(["government_expert"]) == {"approve_communication"}
    assert "move_step" not in case_rules.rights_of(["union_expert", "ngo_expert"])
    assert case_rules.rights_of([]) == frozenset()
    # The secretariat sets up a group without sitting in it, and nothing more.
    assert case_rules.rights_of([], is_secretariat=True) == {"manage_members"}
    # Two roles give the union of their rights.
    both = case_rules.rights_of(["supporting_fund", "secretary"])
    assert {"link_engagement", "edit_plan"} <= both
    # Every right has a label for the overview page.
    assert set().union(*case_rules.RIGHTS.values()) <= set(case_rules.RIGHT_LABELS)


@override_settings(ENGAGEMENT_MAX_CASES=6)
def test_room_for_at_most_the_maximum_of_running_cases() -> None:
    assert case_rules.room_for(5, 1)
    assert not case_rules.room_for(6, 1)
    assert not case_rules.room_for(4, 3)
    assert case_rules.room_for(0, 6)
    assert not case_rules.room_for(0, -1)
    assert case_rules.room_for(2, 1, maximum=3) and not case_rules.room_for(3, 1, maximum=3)


@pytest.mark.django_db
def test_the_facts_are_counted_from_the_case(world: World) -> None:
    case = open_case(world)
    facts = case_rules.facts_of(case)
    assert facts.has_lead_fund and not facts.plan_agreed and facts.consultations == 0
    assert [c.key for c in exit_checks("A", facts) if c.met] == ["lead"]


@pytest.mark.django_db
def test_the_actor_holds_the_rights_of_their_current_role_only(world: World) -> None:
    case = open_case(world)
    rights = {
        key: case_rules.actor_rights(access.actor_for(world.users[key], fresh=True), case)
        for key in ("fund_editor", "union", "secretariat", "other_fund")
    }
    assert rights["fund_editor"] == case_rules.RIGHTS["lead_fund"]
    assert rights["union"] == case_rules.RIGHTS["union_expert"]
    assert rights["secretariat"] == case_rules.SECRETARIAT_RIGHTS
    assert rights["other_fund"] == frozenset()
