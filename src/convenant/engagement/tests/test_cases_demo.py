"""The demo's case work goes through the real actions: the group's people from the demo
personas by role, an agreed plan with its milestones, a case engagement with one fund's own
AGM vote, and moves that meet their checks, set back to the case's history."""

import datetime

import pytest
from django.utils import timezone

from convenant.core.models import User
from convenant.engagement import case_rules, demo_cases
from convenant.engagement.actions import cases as case_actions
from convenant.engagement.demo_case_plan import CASES, MARK
from convenant.engagement.models import (
    Activity,
    Case,
    CaseMember,
    CaseMilestone,
    Consultation,
    Nomination,
    StepMove,
)
from convenant.governance.models import Body
from convenant.parties import demo as parties_demo
from convenant.parties.models import Covenant, Party
from convenant.portfolios.models import Issuer

pytestmark = pytest.mark.django_db
SPECS = {spec.key: spec for spec in CASES}


def _person(key: str) -> User:
    return User.objects.unrestricted("test").get(email=parties_demo.demo_email(key))


def _demo_case(key: str) -> Case:
    """The demo covenant, the deep track's working group and a case opened for the spec
    (set-up with the ORM; the selection's own demo is tested in its module)."""
    parties_demo.load_demo_covenant()
    covenant = Covenant.objects.get(slug="imvb")
    steering = Body.objects.create(
        covenant=covenant,
        kind=Body.Kind.STEERING_GROUP,
        name="Stuurgroep",
        slug="stuurgroep-test",
        established_on=datetime.date(2019, 1, 1),
    )
    Body.objects.create(
        covenant=covenant,
        kind=Body.Kind.WORKING_GROUP,
        name="Werkgroep diep spoor",
        slug="werkgroep-diep-spoor",
        parent=steering,
        established_on=datetime.date(2019, 1, 1),
    )
    spec = SPECS[key]
    issuer = Issuer.objects.create(
        legal_name="Demo Mining plc", country_of_incorporation="PE", source=Issuer.Source.GLEIF
    )
    nomination = Nomination.objects.create(
        reference=f"n-{key}",
        title=spec.title,
        target=spec.target,
        issuer=issuer if spec.target == "issuer" else None,
        sector_code=spec.sector_code,
        issue=spec.issue,
        themes=list(spec.themes),
        party=Party.objects.get(code=spec.nominated_by),
        nominated_by=_person("vakbond"),
        rationale="Test (fictief)",
    )
    return case_actions.open_case(
        by=_person("secretariaat"),
        nomination=nomination,
        selected_on=datetime.date(spec.selected_year, 6, 16),
        reference=spec.reference,
    )


def test_a_demo_case_gets_its_group_and_an_agreed_plan() -> None:
    case = _demo_case("mining")
    case = demo_cases.set_up(case, SPECS["mining"])
    roles = set(
        CaseMember.objects.unrestricted("test").filter(case=case).values_list("role", flat=True)
    )
    assert roles == set(case_rules.RIGHTS)
    assert case.plan_agreed_on is not None and MARK in case.plan_objectives
    milestones = CaseMilestone.objects.unrestricted("test").filter(case=case)
    assert 3 <= milestones.count() <= 4
    assert all(m.target_on for m in milestones)
    assert "title" in case.publishable


def test_a_demo_case_moves_through_b_with_one_funds_own_vote() -> None:
    spec = SPECS["mining"]
    case = demo_cases.set_up(_demo_case("mining"), spec)
    Consultation.objects.create(
        case=case,
        held_on=case.selected_on,
        kind="affected_group",
        with_whom="Dorpsraad (fictief)",
        findings="Test",
        recorded_by=_person("vakbond"),
    )
    demo_cases.move(case, "B")
    engagement = demo_cases.leverage(case, spec)
    assert engagement.case_id == case.pk and engagement.issuer_id == case.issuer_id
    votes = Activity.objects.unrestricted("test").filter(engagement=engagement).exclude(vote="")
    assert votes.count() == 1 and votes.get().party == engagement.lead_party
    demo_cases.move(case, "C")
    moves = list(StepMove.objects.unrestricted("test").filter(case=case).order_by("moved_at"))
    assert [(m.from_step, m.to_step) for m in moves] == [("A", "B"), ("B", "C")]
    # Set back to the case's history: the board counts the days in step from there.
    assert moves[0].moved_at.date() < moves[1].moved_at.date() < timezone.localdate()
    assert all(c["met"] for m in moves for c in m.checks)


def test_an_issue_case_engages_on_an_issue() -> None:
    spec = SPECS["platform"]
    case = demo_cases.set_up(_demo_case("platform"), spec)
    engagement = demo_cases.leverage(case, spec)
    assert engagement.target == "issue" and engagement.case_id == case.pk
