"""The demo's fieldwork goes through the real actions and tells the plan's story: the mica
case's consultation with children at risk stays with the group, the remedies went through
their statuses, and the mining case's grievance mechanism was assessed twice a year apart."""

import datetime

import pytest
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement import case_rules, demo_fieldwork
from convenant.engagement.demo_case_plan import CASES, MARK
from convenant.engagement.models import Case, Consultation, Remedy
from convenant.engagement.tests.cases import open_case

pytestmark = pytest.mark.django_db
SPECS = {spec.key: spec for spec in CASES}


def _case_of(world: World, key: str) -> Case:
    case = open_case(world, SPECS[key].title)
    # The demo's cases were selected years ago (the selection demo sets the date back).
    Case.objects.unrestricted("test").filter(pk=case.pk).update(
        selected_on=datetime.date(SPECS[key].selected_year, 6, 16)
    )
    case.refresh_from_db()
    return case


def test_the_mica_consultation_with_children_at_risk_stays_with_the_group(world: World) -> None:
    case = _case_of(world, "mica")
    made = demo_fieldwork.assessment(case, SPECS["mica"])
    assert 2 <= len(made) <= 3
    at_risk = next(c for c in made if c.people_at_risk)
    assert "children" in at_risk.groups and at_risk.level == "group"
    assert at_risk.redactions == {}
    assert MARK in at_risk.findings
    secretariat = world.users["secretariat"]
    assert not Consultation.objects.visible_to(secretariat).filter(pk=at_risk.pk).exists()
    # The history's date: recorded on the day it was held, so it stands locked.
    at_risk.refresh_from_db()
    assert at_risk.created_at.date() == at_risk.held_on < timezone.localdate()
    assert case_rules.facts_of(case).consultations == len(made)


def test_the_mining_case_has_remedies_apart_from_policy_and_a_trend(world: World) -> None:
    case = _case_of(world, "mining")
    demo_fieldwork.assessment(case, SPECS["mining"])
    remedies = demo_fieldwork.remediation(case, SPECS["mining"])
    kinds = {r.kind for r in remedies}
    assert kinds == {Remedy.Kind.REMEDY, Remedy.Kind.POLICY_CHANGE}
    provided = [r for r in remedies if r.status == "provided"]
    assert provided and all(r.evidence for r in provided)
    assessments = demo_fieldwork.monitoring(case, SPECS["mining"])
    assert len(assessments) == 2
    first, later = (a.assessed_on for a in assessments)
    assert later - first == datetime.timedelta(days=365)
    facts = case_rules.facts_of(case)
    assert facts.remedies_for_people >= 1 and facts.complete_grievance_assessments == 2


@pytest.mark.parametrize("key", [spec.key for spec in CASES])
def test_every_case_of_the_plan_has_its_fieldwork(world: World, key: str) -> None:
    case = _case_of(world, key)
    assert demo_fieldwork.assessment(case, SPECS[key])
    assert demo_fieldwork.remediation(case, SPECS[key])
    assert demo_fieldwork.monitoring(case, SPECS[key])
