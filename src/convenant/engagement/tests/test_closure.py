"""Lessons and closure of a deep-track case: the yearly lessons at three levels and the years
still missing one, a lesson put to the steering group as a recommendation, the closure with
its outcome, rationale and closing lessons (only from step E unless discontinued), reported
to the steering group and the monitoring committee, who then read the closed case."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.access import actor_for
from convenant.core.audit import AuditEvent
from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.engagement.actions import closure as actions
from convenant.engagement.models import Case, Communication, Consultation, Lesson
from convenant.engagement.tests.cases import SELECTED_ON, open_case
from convenant.engagement.views.closure import lessons_due_panel
from convenant.governance.models import Proposal, ProposalVersion
from convenant.governance.testing import governance_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LESSONS = {
    "issue": "Gezamenlijke brieven werken beter dan losse (fictief).",
    "collaboration": "De vakbond bracht de werkers aan tafel (fictief).",
    "policy": "Het beleid vraagt een herstelparagraaf (fictief).",
}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _to_step_e(world: World, case: Case, *, approved: bool = True) -> Case:
    """Test set-up: the case stands in step E (the moves are the cases area's, tested there),
    with a communication the group approved when asked."""
    Case.objects.unrestricted("test set-up").filter(pk=case.pk).update(step="E")
    if approved:
        Communication.objects.create(
            case=case,
            kind=Communication.Kind.CONFIDENTIAL,
            title="Stand van zaken (fictief)",
            text="Vertrouwelijk verslag (fictief).",
            status=Communication.Status.APPROVED,
            created_by=world.users["fund_editor"],
        )
    return Case.objects.unrestricted("test set-up").get(pk=case.pk)


# --- Lessons ------------------------------------------------------------------------------


def test_the_group_records_lessons_and_the_page_names_the_years_still_missing_a_level(
    world: World,
) -> None:
    case = open_case(world)
    Case.objects.unrestricted("test").filter(pk=case.pk).update(
        selected_on=datetime.date(TODAY.year - 1, 3, 1)
    )
    case.refresh_from_db()
    actions.record_lesson(
        by=world.users["fund_editor"],
        case=case,
        year=TODAY.year - 1,
        level="issue",
        text=LESSONS["issue"],
    )
    # The union expert holds the record right too.
    actions.record_lesson(
        by=world.users["union"],
        case=case,
        year=TODAY.year - 1,
        level="collaboration",
        text=LESSONS["collaboration"],
    )
    page = _client(world.users["fund_editor"]).get(reverse("case_lessons", args=[case.reference]))
    assert page.status_code == 200
    body = page.content.decode()
    assert LESSONS["issue"] in body and LESSONS["collaboration"] in body
    assert f"{TODAY.year - 1}: no lesson on Policy implications yet" in body
    assert f"{TODAY.year}: no lesson on Issue: what approach works, Collaboration" in body
    assert AuditEvent.objects.filter(verb="engagement.record_lesson").count() == 2


def test_a_lesson_is_refused_outside_the_years_the_case_ran_and_without_text(world: World) -> None:
    case = open_case(world)
    with pytest.raises(ActionError) as refused:
        actions.record_lesson(
            by=world.users["fund_editor"],
            case=case,
            year=SELECTED_ON.year - 1,
            level="issue",
            text="Te vroeg",
        )
    assert refused.value.field == "year"
    with pytest.raises(ActionError) as refused:
        actions.record_lesson(
            by=world.users["fund_editor"], case=case, year=TODAY.year, level="issue", text="  "
        )
    assert refused.value.field == "text"
    with pytest.raises(ActionError):
        actions.record_lesson(
            by=world.users["fund_editor"], case=case, year=TODAY.year, level="other", text="x"
        )
    assert not Lesson.objects.unrestricted("test").exists()


@pytest.mark.parametrize("who", ["other_fund", "fund_viewer", "secretariat", "monitoring"])
def test_only_the_group_records_lessons(world: World, who: str) -> None:
    case = open_case(world)
    with pytest.raises(PermissionDenied):
        actions.record_lesson(
            by=world.users[who], case=case, year=TODAY.year, level="issue", text="x"
        )


def test_the_lesson_form_refuses_a_year_the_case_did_not_run_with_nothing_written(
    world: World,
) -> None:
    case = open_case(world)
    response = _client(world.users["fund_editor"]).post(
        reverse("case_lesson_add", args=[case.reference]),
        {"year": "1990", "level": "issue", "text": "Te vroeg"},
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Lesson.objects.unrestricted("test").exists()


# --- A lesson becomes a recommendation -----------------------------------------------------


def test_a_lesson_is_put_to_the_steering_group_as_a_recommendation(world: World) -> None:
    gov = governance_of(world)
    case = open_case(world)
    lesson = actions.record_lesson(
        by=world.users["fund_editor"], case=case, year=TODAY.year, level="policy", text="Beleid"
    )
    proposal = actions.recommend_lesson(by=world.users["secretariat"], lesson=lesson)
    assert proposal.kind == Proposal.Kind.RECOMMENDATION
    assert proposal.body == gov.steering_group
    assert proposal.state == Proposal.State.OPEN
    text = ProposalVersion.objects.get(proposal=proposal).text
    assert "> Beleid" in text and case.reference in text and case.title in text
    lesson.refresh_from_db()
    assert lesson.recommendation == proposal
    # Once only.
    with pytest.raises(ActionError) as refused:
        actions.recommend_lesson(by=world.users["secretariat"], lesson=lesson)
    assert refused.value.code == "conflict"
    assert Proposal.objects.unrestricted("test").count() == 1
    # The group reads the proposal's state on its lessons page, without reading the proposal.
    body = (
        _client(world.users["fund_editor"])
        .get(reverse("case_lessons", args=[case.reference]))
        .content.decode()
    )
    assert f"proposal #{proposal.number}" in body and "Open for votes" in body
    assert reverse("proposal_detail", args=[proposal.number]) not in body


def test_a_steering_group_member_recommends_but_the_lead_fund_cannot_propose_to_it(
    world: World,
) -> None:
    gov = governance_of(world)
    case = open_case(world)
    lesson = actions.record_lesson(
        by=world.users["fund_editor"], case=case, year=TODAY.year, level="issue", text="Aanpak"
    )
    with pytest.raises(PermissionDenied):
        actions.recommend_lesson(by=world.users["fund_editor"], lesson=lesson)
    proposal = actions.recommend_lesson(by=gov.holders["unions"], lesson=lesson)
    assert proposal.proposed_by == gov.holders["unions"]


def test_the_recommend_button_puts_the_lesson_forward(world: World) -> None:
    governance_of(world)
    case = open_case(world)
    lesson = actions.record_lesson(
        by=world.users["fund_editor"], case=case, year=TODAY.year, level="issue", text="Aanpak"
    )
    url = reverse("case_lesson_recommend", args=[case.reference, lesson.pk])
    assert _client(world.users["fund_editor"]).post(url).status_code == 403
    response = _client(world.users["secretariat"]).post(url)
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.recommendation is not None


# --- Closure ------------------------------------------------------------------------------


def test_closing_before_step_e_is_refused_unless_discontinued(world: World) -> None:
    case = open_case(world)
    with pytest.raises(ActionError) as refused:
        actions.close_case(
            by=world.users["fund_editor"],
            case=case,
            outcome="successful",
            rationale="Doel bereikt",
            lessons=LESSONS,
        )
    assert "step E" in str(refused.value) and "step A" in str(refused.value)
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE and not Lesson.objects.unrestricted("t").exists()
    closed = actions.close_case(
        by=world.users["fund_editor"],
        case=case,
        outcome="discontinued",
        rationale="Het bedrijf ging failliet (fictief).",
        lessons=LESSONS,
    )
    assert closed.status == Case.Status.CLOSED and closed.closed_on == TODAY


def test_closing_in_step_e_needs_the_groups_approved_communication(world: World) -> None:
    case = _to_step_e(world, open_case(world), approved=False)
    with pytest.raises(ActionError) as refused:
        actions.close_case(
            by=world.users["fund_editor"],
            case=case,
            outcome="partial",
            rationale="Deels",
            lessons=LESSONS,
        )
    assert "A communication was approved by the group" in str(refused.value)


def test_closing_names_the_missing_lessons_and_needs_a_rationale(world: World) -> None:
    case = _to_step_e(world, open_case(world))
    with pytest.raises(ActionError) as refused:
        actions.close_case(
            by=world.users["fund_editor"],
            case=case,
            outcome="partial",
            rationale="Deels",
            lessons={"issue": "Aanpak"},
        )
    assert "Collaboration" in str(refused.value) and "Policy implications" in str(refused.value)
    assert "Issue" not in str(refused.value)
    with pytest.raises(ActionError) as refused:
        actions.close_case(
            by=world.users["fund_editor"],
            case=case,
            outcome="partial",
            rationale="",
            lessons=LESSONS,
        )
    assert refused.value.field == "rationale"
    with pytest.raises(ActionError) as refused:
        actions.close_case(
            by=world.users["fund_editor"], case=case, outcome="", rationale="x", lessons=LESSONS
        )
    assert refused.value.field == "outcome"
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE


@pytest.mark.parametrize("who", ["union", "secretariat", "other_fund"])
def test_only_the_lead_fund_closes(world: World, who: str) -> None:
    case = _to_step_e(world, open_case(world))
    with pytest.raises(PermissionDenied):
        actions.close_case(
            by=world.users[who], case=case, outcome="partial", rationale="x", lessons=LESSONS
        )


def test_the_closure_is_reported_and_the_monitoring_committee_then_reads_the_case(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    gov = governance_of(world)
    case = _to_step_e(world, open_case(world))
    Consultation.objects.create(
        case=case,
        held_on=SELECTED_ON,
        kind=Consultation.Kind.AFFECTED_GROUP,
        with_whom="Gemeenschap Korhoen (fictief)",
        findings="Alleen voor de groep (fictief).",
        recorded_by=world.users["fund_editor"],
    )
    monitoring = world.users["monitoring"]
    assert not Case.objects.visible_to(monitoring).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.close_case(
            by=world.users["fund_editor"],
            case=case,
            outcome="partial",
            rationale="Herstel voor een deel van de gezinnen (fictief).",
            lessons=LESSONS,
        )
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.outcome == "partial"
    closing = Lesson.objects.unrestricted("t").filter(case=case, at_closure=True)
    assert {lesson.level for lesson in closing} == set(LESSONS)
    assert {lesson.year for lesson in closing} == {TODAY.year}
    # Told: the steering group's seats and the monitoring committee; not the outsiders.
    told = {address for message in mail.outbox for address in message.to}
    assert gov.holders["funds"].email in told and gov.deputies["ngos"].email in told
    assert gov.chair.email in told and monitoring.email in told
    assert world.users["other_fund"].email not in told
    assert all(case.title in message.subject for message in mail.outbox)
    assert any(LESSONS["policy"] in message.body for message in mail.outbox)
    event = AuditEvent.objects.get(verb="engagement.close_case")
    assert event.after["reported_to"] == len(told)
    # The monitoring committee reads the closed case, its outcome and lessons; not the
    # group's own records.
    assert list(Case.objects.visible_to(monitoring)) == [case]
    assert Lesson.objects.visible_to(monitoring).filter(case=case).count() == 3
    assert not Consultation.objects.visible_to(monitoring).exists()
    page = _client(monitoring).get(reverse("case_lessons", args=[case.reference]))
    assert page.status_code == 200
    assert LESSONS["collaboration"] in page.content.decode()
    assert "Partly successful" in page.content.decode()
    # Someone outside still reads nothing of it.
    assert not Case.objects.visible_to(world.users["other_fund"]).exists()
    outside = _client(world.users["other_fund"]).get(reverse("case_lessons", args=[case.reference]))
    assert outside.status_code == 404


def test_the_monitoring_committee_does_not_read_a_running_case(world: World) -> None:
    case = open_case(world)
    assert actor_for(world.users["monitoring"]).is_monitoring_committee
    response = _client(world.users["monitoring"]).get(
        reverse("case_lessons", args=[case.reference])
    )
    assert response.status_code == 404


def test_a_closed_case_takes_no_more_lessons_and_closes_once(world: World) -> None:
    case = _to_step_e(world, open_case(world))
    actions.close_case(
        by=world.users["fund_editor"],
        case=case,
        outcome="successful",
        rationale="x",
        lessons=LESSONS,
    )
    with pytest.raises(ActionError) as refused:
        actions.record_lesson(
            by=world.users["fund_editor"], case=case, year=TODAY.year, level="issue", text="Laat"
        )
    assert refused.value.code == "conflict"
    with pytest.raises(ActionError) as refused:
        actions.close_case(
            by=world.users["fund_editor"],
            case=case,
            outcome="successful",
            rationale="x",
            lessons=LESSONS,
        )
    assert refused.value.code == "conflict"
    # The page's form comes back with the reason, nothing written.
    response = _client(world.users["union"]).post(
        reverse("case_lesson_add", args=[case.reference]),
        {"year": TODAY.year, "level": "issue", "text": "Laat"},
    )
    assert response.status_code == 200 and "This case is closed." in response.content.decode()
    assert Lesson.objects.unrestricted("t").filter(case=case).count() == 3


def test_the_close_form_closes_the_case(world: World) -> None:
    case = _to_step_e(world, open_case(world))
    client = _client(world.users["fund_editor"])
    page = client.get(reverse("case_lessons", args=[case.reference])).content.decode()
    assert 'id="close"' in page
    response = client.post(
        reverse("case_close", args=[case.reference]),
        {
            "outcome": "successful",
            "rationale": "Doel bereikt (fictief).",
            "lesson_issue": LESSONS["issue"],
            "lesson_collaboration": LESSONS["collaboration"],
            "lesson_policy": "",
            "closed_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE
    response = client.post(
        reverse("case_close", args=[case.reference]),
        {
            "outcome": "successful",
            "rationale": "Doel bereikt (fictief).",
            "lesson_issue": LESSONS["issue"],
            "lesson_collaboration": LESSONS["collaboration"],
            "lesson_policy": LESSONS["policy"],
            "closed_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.outcome == "successful"
    # The union expert may not close: no form, and a post is refused.
    union = _client(world.users["union"])
    assert (
        'id="close"'
        not in union.get(reverse("case_lessons", args=[case.reference])).content.decode()
    )


# --- The dashboard ------------------------------------------------------------------------


def test_the_lead_fund_is_reminded_of_the_years_lessons_after_the_anniversary(
    world: World, rf: Any
) -> None:
    case = open_case(world)
    anniversary = TODAY - datetime.timedelta(days=1)
    Case.objects.unrestricted("t").filter(pk=case.pk).update(
        selected_on=anniversary.replace(year=anniversary.year - 1)
    )
    lead = world.users["fund_editor"]
    request = rf.get("/")
    request.user = lead
    panel = lessons_due_panel(request, actor_for(lead))
    assert panel is not None and [row["case"].pk for row in panel["rows"]] == [case.pk]
    assert len(panel["rows"][0]["levels"]) == 3
    dashboard = _client(lead).get(reverse("dashboard")).content.decode()
    assert 'id="lessons-due"' in dashboard and case.title in dashboard
    # The union expert is in the group but does not lead it.
    request.user = world.users["union"]
    assert lessons_due_panel(request, actor_for(world.users["union"])) is None
    case.refresh_from_db()
    for level, text in LESSONS.items():
        actions.record_lesson(by=lead, case=case, year=TODAY.year, level=level, text=text)
    request.user = lead
    assert lessons_due_panel(request, actor_for(lead)) is None


def test_no_reminder_in_the_first_year(world: World, rf: Any) -> None:
    open_case(world)
    lead = world.users["fund_editor"]
    request = rf.get("/")
    request.user = lead
    if SELECTED_ON.year == TODAY.year:
        assert lessons_due_panel(request, actor_for(lead)) is None


# --- The API -------------------------------------------------------------------------------


def test_the_api_lists_and_records_lessons_and_closes_the_case(world: World) -> None:
    case = _to_step_e(world, open_case(world))
    lead = _client(world.users["fund_editor"])
    base = f"/api/v1/cases/{case.reference}"
    created = lead.post(
        f"{base}/lessons",
        {"year": TODAY.year, "level": "issue", "text": "Via de API (fictief)."},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["level"] == "issue"
    refused = lead.post(
        f"{base}/lessons",
        {"year": 1990, "level": "issue", "text": "Te vroeg"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "year"
    listed = lead.get(f"{base}/lessons")
    assert [row["text"] for row in listed.json()] == ["Via de API (fictief)."]
    outsider = _client(world.users["other_fund"])
    assert outsider.get(f"{base}/lessons").status_code == 404
    union = _client(world.users["union"])
    closure = {"outcome": "partial", "rationale": "Deels (fictief).", "lessons": LESSONS}
    assert (
        union.post(f"{base}/closure", closure, content_type="application/json").status_code == 403
    )
    closed = lead.post(f"{base}/closure", closure, content_type="application/json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and len(closed.json()["lessons"]) == 3
    again = lead.post(f"{base}/closure", closure, content_type="application/json")
    assert again.status_code == 409
