"""The deep track's API: a case's readers list and read it with its step and checks; the
lead fund writes the plan, its milestones and moves the case through the same actions as
the pages; whoever may not read the case gets 404, a reader without the right 403."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement.models import Case, Consultation
from convenant.engagement.tests.cases import open_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _api(world: World, key: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English
    client.force_login(world.users[key])
    return client


def test_only_the_cases_readers_list_it(world: World) -> None:
    case = open_case(world, "Casus Kwak")
    for key in ("fund_editor", "union", "secretariat"):
        items = _api(world, key).get("/api/v1/cases").json()["items"]
        assert case.reference in [c["reference"] for c in items]
    for key in ("other_fund", "fund_viewer", "monitoring"):
        assert _api(world, key).get("/api/v1/cases").json()["items"] == []
        assert _api(world, key).get(f"/api/v1/cases/{case.reference}").status_code == 404


def test_the_lead_fund_writes_the_plan_and_moves_the_case(world: World) -> None:
    case = open_case(world)
    lead = _api(world, "fund_editor")
    base = f"/api/v1/cases/{case.reference}"
    answer = lead.patch(
        f"{base}/plan",
        {"objectives": "Herstel", "publishable": ["title", "step"]},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["publishable"] == ["title", "step"]
    made = lead.post(
        f"{base}/milestones",
        {"title": "Erkenning", "target_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert made.status_code == 201
    reached = lead.patch(
        f"/api/v1/case-milestones/{made.json()['id']}",
        {"reached_on": TODAY.isoformat(), "evidence": "Brief"},
        content_type="application/json",
    )
    assert reached.json()["reached_on"] == TODAY.isoformat()
    agreed = lead.patch(
        f"{base}/plan", {"agreed_on": TODAY.isoformat()}, content_type="application/json"
    )
    assert agreed.json()["agreed_on"] == TODAY.isoformat()
    assert agreed.json()["objectives"] == "Herstel"  # what was not sent stays
    # The consultation is still missing: refused, naming the check.
    refused = lead.post(f"{base}/step", {"to_step": "B"}, content_type="application/json")
    assert refused.status_code == 400 and "consultation" in refused.json()["detail"]
    checks = lead.get(base).json()["checks"]
    assert {c["key"]: c["met"] for c in checks} == {"plan": True, "lead": True, "consulted": False}
    Consultation.objects.create(
        case=case,
        held_on=TODAY,
        kind="stakeholder",
        with_whom="Partners",
        findings="Bevindingen",
        recorded_by=world.users["union"],
    )
    moved = lead.post(f"{base}/step", {"to_step": "B"}, content_type="application/json")
    assert moved.status_code == 201 and all(c["met"] for c in moved.json()["checks"])
    back = lead.post(f"{base}/step", {"to_step": "A"}, content_type="application/json")
    assert back.status_code == 400 and back.json()["field"] == "reason"
    assert Case.objects.unrestricted("test").get(pk=case.pk).step == "B"


def test_a_reader_without_the_right_is_refused_and_nothing_changes(world: World) -> None:
    case = open_case(world)
    union = _api(world, "union")
    base = f"/api/v1/cases/{case.reference}"
    assert union.get(f"{base}/plan").status_code == 200
    answer = union.patch(f"{base}/plan", {"objectives": "X"}, content_type="application/json")
    assert answer.status_code == 403
    assert (
        union.post(f"{base}/step", {"to_step": "B"}, content_type="application/json").status_code
        == 403
    )
    assert Case.objects.unrestricted("test").get(pk=case.pk).plan_objectives == ""


def test_the_secretariat_takes_a_person_into_the_group_and_ends_it(world: World) -> None:
    case = open_case(world)
    secretariat = _api(world, "secretariat")
    base = f"/api/v1/cases/{case.reference}"
    made = secretariat.post(
        f"{base}/members",
        {
            "user": world.users["other_fund"].pk,
            "party": world.other_fund.code,
            "role": "supporting_fund",
        },
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["party"] == world.other_fund.code
    wrong = secretariat.post(
        f"{base}/members",
        {"user": world.users["union"].pk, "party": world.fund.code, "role": "ngo_expert"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "user"
    ended = secretariat.post(f"/api/v1/case-members/{made.json()['id']}/end")
    assert ended.status_code == 400  # it started today: the end comes after the start
    members = secretariat.get(f"{base}/members").json()
    assert len(members) == 3


def test_a_closed_case_does_not_move(world: World) -> None:
    case = open_case(world)
    Case.objects.unrestricted("test").filter(pk=case.pk).update(
        status="closed", outcome="partial", outcome_rationale="Deels", closed_on=TODAY
    )
    answer = _api(world, "fund_editor").post(
        f"/api/v1/cases/{case.reference}/step",
        {"to_step": "A", "reason": "Terug"},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert datetime.date.today() >= TODAY
