"""A case's fieldwork: consultations with the group-level confidentiality and redaction (step
A), remedies apart from policy changes with their status history (step C), and the grievance
mechanism assessed on all eight UNGP 31 criteria with its trend (step D).

Who reads what is tested with the people the rules are about: the group's own (the fund
editor as lead fund, the union officer as union expert), the secretariat and a steering-group
seat holder (both read the case without sitting in its group) and a fund outside it."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from convenant.core import access
from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World, last_event_id
from convenant.engagement import case_rules
from convenant.engagement.actions import fieldwork as actions
from convenant.engagement.models import (
    Case,
    Consultation,
    GrievanceCriterion,
    GrievanceScore,
    Remedy,
)
from convenant.engagement.tests.cases import open_case
from convenant.governance.testing import governance_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SECRET_NAMES = "Ama Mensah en haar kinderen"
SECRET_SITE = "Put 7, dorp Tamale-Oost"
SECRET_FINDINGS = "Kinderen werken 's nachts in de put"


@pytest.fixture
def case(world: World) -> Case:
    governance_of(world)  # the steering group first: the case's set-up finds it
    return open_case(world)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _steering_holder(world: World) -> Any:
    holder = governance_of(world).holders["ngos"]
    assert access.actor_for(holder, fresh=True).is_steering_group
    return holder


def _at_risk(world: World, case: Case, **kw: Any) -> Consultation:
    return actions.record_consultation(
        by=world.users["union"],
        case=case,
        held_on=TODAY,
        kind="affected_group",
        with_whom="Families bij de mijn",
        groups=["children", "communities"],
        people=SECRET_NAMES,
        site=SECRET_SITE,
        findings=SECRET_FINDINGS,
        people_at_risk=True,
        **kw,
    )


# --- Step A -------------------------------------------------------------------------------


def test_where_people_are_at_risk_the_consultation_stays_with_the_group_by_default(
    world: World, case: Case
) -> None:
    consultation = _at_risk(world, case)
    assert consultation.level == "group"
    assert consultation.redactions == {}
    assert AuditEvent.objects.filter(verb="engagement.record_consultation").count() == 1
    for key in ("fund_editor", "union"):
        assert Consultation.objects.visible_to(world.users[key]).filter(pk=consultation.pk)
    # The secretariat and the steering group read the case, not the group's consultation.
    for outsider in (world.users["secretariat"], _steering_holder(world)):
        assert Case.objects.visible_to(outsider).filter(pk=case.pk).exists()
        assert not Consultation.objects.visible_to(outsider).filter(pk=consultation.pk).exists()


def test_names_and_location_of_people_at_risk_are_never_opened_beyond_the_group(
    world: World, case: Case
) -> None:
    before = last_event_id()
    for field in ("people", "site"):
        with pytest.raises(ActionError) as refused:
            _at_risk(world, case, level="case", redactions={field: "case"})
        assert "stay with the sub-working group" in str(refused.value)
        assert refused.value.field == "redactions"
    assert not Consultation.objects.unrestricted("test").filter(case=case).exists()
    assert last_event_id() == before
    # The findings may be opened, and the consultation itself.
    opened = _at_risk(world, case, level="case", redactions={"findings": "case"})
    assert opened.level == "case" and opened.redactions == {"findings": "case"}


def test_a_correction_cannot_open_the_names_of_people_at_risk(world: World, case: Case) -> None:
    consultation = _at_risk(world, case, level="case")
    with pytest.raises(ActionError):
        actions.correct_consultation(
            by=world.users["union"], consultation=consultation, redactions={"people": "case"}
        )
    consultation.refresh_from_db()
    assert consultation.redactions == {}


@pytest.mark.parametrize("outsider", ["secretariat", "steering"])
def test_the_page_hides_redacted_fields_and_group_consultations_from_readers_outside_the_group(
    world: World, case: Case, outsider: str
) -> None:
    _at_risk(world, case, level="case", redactions={"findings": "case"})
    group_only = actions.record_consultation(
        by=world.users["fund_editor"],
        case=case,
        held_on=TODAY,
        kind="local_partner",
        with_whom="Partner Kwasi",
        findings="Alleen voor de groep: de partner wordt bedreigd",
        level="group",
    )
    url = reverse("case_assessment", args=[case.reference])
    reader = world.users["secretariat"] if outsider == "secretariat" else _steering_holder(world)

    page = _client(reader).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert SECRET_FINDINGS.replace("'", "&#x27;") in body  # opened to the case's readers
    assert "Ama Mensah" not in body and "Put 7" not in body
    assert body.count("hidden: only the sub-working group reads this") == 2
    assert "de partner wordt bedreigd" not in body and group_only.with_whom not in body

    own = _client(world.users["union"]).get(url).content.decode()
    assert "Ama Mensah" in own and "Put 7" in own and "de partner wordt bedreigd" in own
    assert "hidden: only the sub-working group reads this" not in own
    # The group is told what the others do not see.
    assert "outside the group: names of people, exact location</p>" in own


def test_a_fund_outside_the_case_does_not_know_it_exists(world: World, case: Case) -> None:
    for key in ("other_fund", "fund_viewer", "monitoring"):
        url = reverse("case_assessment", args=[case.reference])
        assert _client(world.users[key]).get(url).status_code == 404


def test_the_api_redacts_as_the_page_does(world: World, case: Case) -> None:
    _at_risk(world, case, level="case", redactions={"findings": "case"})
    url = reverse("api:list_case_consultations", args=[case.reference])
    outside = _client(world.users["secretariat"]).get(url).json()
    assert outside[0]["people"] is None and outside[0]["site"] is None
    assert outside[0]["hidden"] == ["people", "site"]
    assert outside[0]["findings"] == SECRET_FINDINGS
    inside = _client(world.users["fund_editor"]).get(url).json()
    assert inside[0]["people"] == SECRET_NAMES and inside[0]["hidden"] == []


def test_only_those_with_the_record_right_record(world: World, case: Case) -> None:
    values = {
        "held_on": TODAY,
        "kind": "stakeholder",
        "with_whom": "Ngo ter plaatse",
        "findings": "Gesprek",
    }
    for key in ("secretariat", "other_fund"):
        with pytest.raises(PermissionDenied):
            actions.record_consultation(by=world.users[key], case=case, **values)
    with pytest.raises(PermissionDenied):
        actions.record_consultation(by=_steering_holder(world), case=case, **values)
    # Not at risk: read by the case's readers unless said otherwise.
    assert actions.record_consultation(by=world.users["union"], case=case, **values).level == "case"


def test_bad_consultation_input_is_refused_with_a_clear_message(world: World, case: Case) -> None:
    base = {
        "by": world.users["union"],
        "case": case,
        "held_on": TODAY,
        "kind": "stakeholder",
        "with_whom": "Ngo",
        "findings": "Gesprek",
    }
    for change, field in (
        ({"kind": "neighbour"}, "kind"),
        ({"groups": ["aliens"]}, "groups"),
        ({"held_on": TODAY + datetime.timedelta(days=3)}, "held_on"),
        ({"findings": "  "}, "findings"),
        ({"redactions": {"recorded_by": "case"}}, "redactions"),
        ({"level": "everyone"}, "level"),
    ):
        with pytest.raises(ActionError) as refused:
            actions.record_consultation(**(base | change))
        assert refused.value.field == field, change


def test_a_consultation_is_corrected_within_the_lock_period_only(world: World, case: Case) -> None:
    consultation = _at_risk(world, case)
    corrected = actions.correct_consultation(
        by=world.users["fund_editor"], consultation=consultation, findings="Gecorrigeerd"
    )
    assert corrected.findings == "Gecorrigeerd" and corrected.level == "group"
    event = AuditEvent.objects.filter(verb="engagement.correct_consultation").get()
    # The audit log, read beyond the group, names what changed, never the content.
    assert event.after["changed"] == ["findings"]
    assert "Gecorrigeerd" not in str(event.after) and SECRET_FINDINGS not in str(event.before)
    Consultation.objects.unrestricted("test").filter(pk=consultation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    consultation.refresh_from_db()
    with (
        override_settings(ENGAGEMENT_ACTIVITY_LOCK_DAYS=30),
        pytest.raises(ActionError) as refused,
    ):
        actions.correct_consultation(
            by=world.users["fund_editor"], consultation=consultation, findings="Te laat"
        )
    assert refused.value.code == "conflict"


def test_a_locked_consultation_takes_notes_read_by_its_readers_only(
    world: World, case: Case
) -> None:
    consultation = _at_risk(world, case)  # at the group level
    Consultation.objects.unrestricted("test").filter(pk=consultation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    url = reverse("case_assessment", args=[case.reference])
    union = _client(world.users["union"])
    assert "Correct</a>" not in union.get(url).content.decode()  # locked: a note instead
    note_url = reverse("consultation_note", args=[consultation.pk])
    assert union.post(note_url, {"text": "De opkoper is vertrokken"}).status_code == 302
    assert (
        "De opkoper is vertrokken" in _client(world.users["fund_editor"]).get(url).content.decode()
    )
    event = AuditEvent.objects.filter(verb="engagement.annotate_consultation").get()
    assert "opkoper" not in str(event.after)  # the log names the note, not its words
    api = reverse("api:list_case_consultations", args=[case.reference])
    assert union.get(api).json()[0]["notes"] == ["De opkoper is vertrokken"]
    # Outside the group the consultation, and so its note, does not exist.
    assert _client(world.users["secretariat"]).post(note_url, {"text": "x"}).status_code == 404
    assert "De opkoper" not in _client(world.users["secretariat"]).get(url).content.decode()


def test_the_consultation_form_records_through_the_action(world: World, case: Case) -> None:
    url = reverse("consultation_add", args=[case.reference])
    client = _client(world.users["union"])
    response = client.post(
        url,
        {
            "held_on": TODAY.isoformat(),
            "kind": "affected_group",
            "with_whom": "Moeders bij de put",
            "groups": ["children"],
            "people": "Namen",
            "findings": "Kinderen helpen mee",
            "people_at_risk": "on",
            "open_people": "on",
        },
    )
    assert response.status_code == 200  # refused: shown on the form
    assert "stay with the sub-working group" in response.content.decode()
    assert not Consultation.objects.unrestricted("test").exists()
    data = {
        "held_on": TODAY.isoformat(),
        "kind": "affected_group",
        "with_whom": "Moeders bij de put",
        "groups": ["children"],
        "findings": "Kinderen helpen mee",
        "people_at_risk": "on",
    }
    assert client.post(url, data).status_code == 302
    saved = Consultation.objects.unrestricted("test").get()
    assert saved.level == "group" and saved.groups == ["children"]
    # The step's exit criterion is met, and the page says so.
    page = client.get(reverse("case_assessment", args=[case.reference])).content.decode()
    checks = page.split('id="exit-checks"')[1].split("</section>")[0]
    items = {
        item.split("</li>")[0].rsplit("</span>", 1)[-1].strip(): item
        for item in checks.split("<li")[1:]
    }
    assert items["At least one consultation is recorded"].startswith(' class="met"')
    assert items["A lead fund is named in the group"].startswith(' class="met"')
    # The plan is the case area's: still open.
    assert items["The collaboration plan is agreed, with objectives and a milestone"].startswith(
        ' class="open"'
    )


# --- Step C -------------------------------------------------------------------------------


def test_remedies_and_policy_changes_are_tracked_apart_with_their_history(
    world: World, case: Case
) -> None:
    editor = world.users["fund_editor"]
    remedy = actions.record_remedy(
        by=editor,
        case=case,
        kind="remedy",
        what="Vervangende landbouwgrond",
        for_whom="Verhuisde gezinnen",
        by_whom="Het mijnbedrijf",
        status="agreed",
        status_on=TODAY - datetime.timedelta(days=10),
        due_on=TODAY + datetime.timedelta(days=100),
    )
    actions.record_remedy(
        by=editor,
        case=case,
        kind="policy_change",
        what="Beleid voor vrije, voorafgaande instemming",
    )
    with pytest.raises(ActionError) as refused:
        actions.update_remedy(by=editor, remedy=remedy, status="provided")
    assert refused.value.field == "evidence"
    actions.update_remedy(
        by=editor, remedy=remedy, status="in_progress", note="Eerste percelen uitgemeten"
    )
    actions.update_remedy(
        by=world.users["union"],
        remedy=remedy,
        status="provided",
        evidence="Bezoek ter plaatse: grond in gebruik",
    )
    remedy.refresh_from_db()
    assert remedy.status == "provided" and remedy.status_on == TODAY

    page = _client(world.users["secretariat"]).get(
        reverse("case_remediation", args=[case.reference])
    )
    body = page.content.decode()
    remedies, policies = body.split('id="policy-changes"')
    assert "Vervangende landbouwgrond" in remedies and "vrije, voorafgaande" in policies
    assert "Vervangende landbouwgrond" not in policies
    # The history: each change, in order, with its note.
    assert body.index("Agreed with the company → In progress") < body.index(
        "In progress → Provided"
    )
    assert "Eerste percelen uitgemeten" in body


def test_a_remedy_needs_for_whom_and_a_group_level_one_stays_with_the_group(
    world: World, case: Case
) -> None:
    editor = world.users["fund_editor"]
    with pytest.raises(ActionError) as refused:
        actions.record_remedy(by=editor, case=case, kind="remedy", what="Compensatie")
    assert refused.value.field == "for_whom"
    remedy = actions.record_remedy(
        by=editor, case=case, kind="remedy", what="Compensatie", for_whom="Gezin", level="group"
    )
    assert not Remedy.objects.visible_to(world.users["secretariat"]).filter(pk=remedy.pk)
    assert Remedy.objects.visible_to(world.users["union"]).filter(pk=remedy.pk)
    with pytest.raises(PermissionDenied):
        actions.update_remedy(by=world.users["secretariat"], remedy=remedy, status="agreed")


# --- Step D -------------------------------------------------------------------------------


def _ratings(rating: int, skip: tuple[str, ...] = ()) -> dict[str, tuple[Any, str]]:
    return {c: (rating, f"Bewijs {c}") for c in GrievanceCriterion.values if c not in skip}


def test_a_partial_grievance_assessment_is_refused_naming_the_missing_criteria(
    world: World, case: Case
) -> None:
    before = last_event_id()
    with pytest.raises(ActionError) as refused:
        actions.assess_grievance_mechanism(
            by=world.users["union"],
            case=case,
            assessed_on=TODAY,
            mechanism="Klachtenlijn",
            ratings=_ratings(2, skip=("equitable", "engagement")),
        )
    message = str(refused.value)
    assert "Equitable" in message and "Based on engagement and dialogue" in message
    assert "Legitimate" not in message
    assert last_event_id() == before and not GrievanceScore.objects.unrestricted("test").exists()
    assert case_rules.facts_of(case).complete_grievance_assessments == 0


def test_repeated_assessments_show_the_trend_per_criterion(world: World, case: Case) -> None:
    union = world.users["union"]
    year_ago = TODAY - datetime.timedelta(days=365)
    actions.assess_grievance_mechanism(
        by=union, case=case, assessed_on=year_ago, mechanism="Klachtenlijn", ratings=_ratings(1)
    )
    later = _ratings(2) | {"transparent": (0, "Geen rapportage meer"), "legitimate": (1, "Zo")}
    actions.assess_grievance_mechanism(
        by=union, case=case, assessed_on=TODAY, mechanism="Klachtenlijn", ratings=later
    )
    assert case_rules.facts_of(case).complete_grievance_assessments == 2

    page = _client(world.users["secretariat"]).get(
        reverse("case_monitoring", args=[case.reference])
    )
    body = page.content.decode()
    rows = {
        label: body.split(f'<th scope="row">{label}</th>')[1].split("</tr>")[0]
        for label in ("Accessible", "Transparent", "Legitimate")
    }
    assert "↑" in rows["Accessible"] and "↓" not in rows["Accessible"]
    assert "↓" in rows["Transparent"]
    assert "→" in rows["Legitimate"]
    assert body.count("<svg") >= 2  # a profile per assessment


def test_the_grievance_form_refuses_a_partial_assessment_on_the_page(
    world: World, case: Case
) -> None:
    data: dict[str, Any] = {"assessed_on": TODAY.isoformat(), "mechanism": "Klachtenlijn"}
    for criterion in GrievanceCriterion.values:
        if criterion != "predictable":
            data[f"rating_{criterion}"] = "3"
            data[f"evidence_{criterion}"] = "Bewijs"
    url = reverse("grievance_assess", args=[case.reference])
    response = _client(world.users["fund_editor"]).post(url, data)
    assert response.status_code == 200
    assert "missing: Predictable" in response.content.decode()
    data["rating_predictable"], data["evidence_predictable"] = "0", "Geen termijnen"
    assert _client(world.users["fund_editor"]).post(url, data).status_code == 302


def test_progress_against_the_plan_shows_reached_overdue_and_on_track(
    world: World, case: Case
) -> None:
    from convenant.engagement.models import CaseMilestone

    CaseMilestone.objects.create(
        case=case, title="Gesprek met de directie", reached_on=TODAY, evidence="Verslag", order=1
    )
    CaseMilestone.objects.create(
        case=case, title="Herstelplan", target_on=TODAY - datetime.timedelta(days=5), order=2
    )
    CaseMilestone.objects.create(
        case=case, title="Onafhankelijke audit", target_on=TODAY + datetime.timedelta(days=50)
    )
    page = _client(world.users["union"]).get(reverse("case_monitoring", args=[case.reference]))
    body = page.content.decode()
    assert "1 reached, 1 on track, 1 overdue." in body
    herstel = body.split("Herstelplan")[1].split("</tr>")[0]
    assert "Overdue" in herstel
