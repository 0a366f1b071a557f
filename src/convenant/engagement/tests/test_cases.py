"""A case's plan, people and steps: the actions behind the overview page, and the pages
themselves (the board, the overview, the leverage and the timeline) as each reader sees
them."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.engagement.actions import cases as case_actions
from convenant.engagement.actions import engagements as engagement_actions
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Case, CaseMilestone, Consultation, Engagement, StepMove
from convenant.engagement.tests.cases import SELECTED_ON, open_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _fresh(case: Case) -> Case:
    return Case.objects.unrestricted("test").get(pk=case.pk)


def _ready_to_leave_a(world: World, case: Case) -> Case:
    """The plan agreed with a milestone, a lead fund (from the set-up), a consultation."""
    lead = world.users["fund_editor"]
    case_actions.update_plan(by=lead, case=case, objectives="Herstel voor verdreven gezinnen")
    case_actions.add_plan_milestone(
        by=lead, case=case, title="Bedrijf erkent het probleem", target_on=TODAY
    )
    case_actions.agree_plan(by=lead, case=case)
    Consultation.objects.create(
        case=case,
        held_on=TODAY,
        kind="affected_group",
        with_whom="Gemeenschap (fictief)",
        findings="Geen compensatie ontvangen.",
        recorded_by=lead,
    )
    return _fresh(case)


# --- The plan ------------------------------------------------------------------------------


def test_the_lead_fund_writes_and_agrees_the_plan(world: World) -> None:
    case = open_case(world)
    lead = world.users["fund_editor"]
    case_actions.update_plan(
        by=lead,
        case=case,
        objectives="Herstel",
        questions="Wat doet u?",
        roles="FA leidt",
        communication="Eerst intern",
    )
    milestone = case_actions.add_plan_milestone(by=lead, case=case, title="Erkenning")
    case_actions.agree_plan(by=lead, case=case)
    case = _fresh(case)
    assert case.plan_objectives == "Herstel" and case.plan_questions == "Wat doet u?"
    assert case.plan_agreed_on == TODAY
    assert milestone.order == 1
    verbs = set(AuditEvent.objects.unrestricted("test").values_list("verb", flat=True))
    assert {"engagement.update_plan", "engagement.agree_plan"} <= verbs


def test_a_plan_without_objectives_or_milestones_is_not_agreed(world: World) -> None:
    case = open_case(world)
    lead = world.users["fund_editor"]
    with pytest.raises(ActionError, match="objectives"):
        case_actions.agree_plan(by=lead, case=case)
    case_actions.update_plan(by=lead, case=case, objectives="Herstel")
    with pytest.raises(ActionError, match="milestone"):
        case_actions.agree_plan(by=lead, case=case)
    assert _fresh(case).plan_agreed_on is None


def test_only_those_with_edit_plan_change_the_plan(world: World) -> None:
    case = open_case(world)
    # The union expert records, but does not edit the plan; the secretariat outside the
    # group only manages its people.
    for key in ("union", "secretariat"):
        with pytest.raises(PermissionDenied):
            case_actions.update_plan(by=world.users[key], case=case, objectives="Anders")
    assert _fresh(case).plan_objectives == ""


def test_a_plan_milestone_is_reached_with_evidence_on_a_date_that_came(world: World) -> None:
    case = open_case(world)
    lead = world.users["fund_editor"]
    milestone = case_actions.add_plan_milestone(by=lead, case=case, title="Erkenning")
    with pytest.raises(ActionError) as refused:
        case_actions.update_plan_milestone(by=lead, milestone=milestone, reached_on=TODAY)
    assert refused.value.field == "evidence"
    with pytest.raises(ActionError) as refused:
        case_actions.update_plan_milestone(
            by=lead,
            milestone=milestone,
            reached_on=TODAY + datetime.timedelta(days=1),
            evidence="Brief",
        )
    assert refused.value.field == "reached_on"
    case_actions.update_plan_milestone(
        by=lead, milestone=milestone, reached_on=TODAY, evidence="Brief van de CEO"
    )
    reached = CaseMilestone.objects.unrestricted("test").get(pk=milestone.pk)
    assert reached.reached_on == TODAY and reached.evidence == "Brief van de CEO"


def test_publishable_fields_come_from_the_list_only(world: World) -> None:
    case = open_case(world)
    lead = world.users["fund_editor"]
    with pytest.raises(ActionError):
        case_actions.set_publishable(by=lead, case=case, fields=["title", "company_name"])
    assert _fresh(case).publishable == []
    case_actions.set_publishable(by=lead, case=case, fields=["themes", "title"])
    assert _fresh(case).publishable == ["title", "themes"]


# --- Steps -----------------------------------------------------------------------------------


def test_a_case_does_not_leave_a_step_while_a_check_fails_and_says_which(world: World) -> None:
    case = open_case(world)
    with pytest.raises(ActionError) as refused:
        case_actions.move_step(by=world.users["fund_editor"], case=case, to_step="B")
    assert "consultation" in str(refused.value)
    assert _fresh(case).step == "A"
    assert not StepMove.objects.unrestricted("test").filter(case=case).exists()


def test_a_case_moves_forward_one_step_with_its_checks_kept(world: World) -> None:
    case = _ready_to_leave_a(world, open_case(world))
    lead = world.users["fund_editor"]
    with pytest.raises(ActionError, match="one step at a time"):
        case_actions.move_step(by=lead, case=case, to_step="C")
    move = case_actions.move_step(by=lead, case=case, to_step="B")
    assert _fresh(case).step == "B"
    assert {c["key"] for c in move.checks} == {"plan", "lead", "consulted"}
    assert all(c["met"] for c in move.checks)


def test_going_back_needs_a_reason(world: World) -> None:
    case = _ready_to_leave_a(world, open_case(world))
    lead = world.users["fund_editor"]
    case_actions.move_step(by=lead, case=case, to_step="B")
    with pytest.raises(ActionError) as refused:
        case_actions.move_step(by=lead, case=_fresh(case), to_step="A")
    assert refused.value.field == "reason"
    move = case_actions.move_step(
        by=lead, case=_fresh(case), to_step="A", reason="Nieuwe feiten uit het veld"
    )
    assert move.reason and move.checks == [] and _fresh(case).step == "A"


def test_only_the_lead_fund_moves_the_case_and_a_closed_case_never_moves(world: World) -> None:
    case = _ready_to_leave_a(world, open_case(world))
    with pytest.raises(PermissionDenied):
        case_actions.move_step(by=world.users["union"], case=case, to_step="B")
    Case.objects.unrestricted("test").filter(pk=case.pk).update(
        status="closed", outcome="partial", outcome_rationale="Deels", closed_on=TODAY
    )
    with pytest.raises(ActionError) as refused:
        case_actions.move_step(by=world.users["fund_editor"], case=_fresh(case), to_step="B")
    assert refused.value.code == "conflict"


# --- Step B: engagements ---------------------------------------------------------------------


def _engagement(world: World, case: Case, by: str = "fund_editor") -> Engagement:
    party = world.fund if by == "fund_editor" else world.other_fund
    return engagement_actions.create_engagement(
        by=world.users[by],
        title=f"Dialoog {by}",
        target="issuer",
        issuer=case.issuer,
        lead_party=party,
        start_date=SELECTED_ON,
    )


def test_the_lead_fund_links_its_engagement_on_the_company(world: World) -> None:
    case = open_case(world)
    engagement = _engagement(world, case)
    assert engagement in case_actions.linkable_engagements(world.users["fund_editor"], case)
    case_actions.link_engagement(by=world.users["fund_editor"], case=case, engagement=engagement)
    assert Engagement.objects.unrestricted("test").get(pk=engagement.pk).case_id == case.pk
    with pytest.raises(ActionError):
        case_actions.link_engagement(
            by=world.users["fund_editor"], case=case, engagement=engagement
        )


def test_nobody_links_an_engagement_they_may_not_write(world: World) -> None:
    case = open_case(world)
    theirs = _engagement(world, case, by="other_fund")
    with pytest.raises(ActionError):
        case_actions.link_engagement(by=world.users["fund_editor"], case=case, engagement=theirs)
    with pytest.raises(PermissionDenied):  # the union expert has no link_engagement right
        case_actions.link_engagement(by=world.users["union"], case=case, engagement=theirs)
    assert Engagement.objects.unrestricted("test").get(pk=theirs.pk).case_id is None


def test_an_engagement_started_for_the_case_is_linked_to_it(world: World) -> None:
    case = open_case(world)
    engagement = case_actions.start_case_engagement(
        by=world.users["fund_editor"],
        case=case,
        lead_party=world.fund,
        title="Casusdialoog",
        start_date=TODAY,
    )
    assert engagement.case_id == case.pk and engagement.issuer_id == case.issuer_id


# --- Pages -----------------------------------------------------------------------------------


def _client(world: World, key: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English
    client.force_login(world.users[key])
    return client


def test_the_board_shows_readable_cases_by_step_and_others_an_explanation(world: World) -> None:
    case = open_case(world, "Casus Roerdomp")
    page = _client(world, "fund_editor").get(reverse("case_board")).content.decode()
    assert "Casus Roerdomp" in page and "1 of 6 running" in page
    assert "checks met 1/3" in page  # the lead fund is named; plan and consultation not yet
    outside = _client(world, "other_fund").get(reverse("case_board")).content.decode()
    assert "Casus Roerdomp" not in outside and "You sit in none of them" in outside
    assert case.reference not in outside


def test_the_overview_shows_the_group_the_plan_and_the_failing_checks(world: World) -> None:
    case = open_case(world)
    page = _client(world, "fund_editor").get(reverse("case_detail", args=[case.reference]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Fund Editor" in text and "Union" in text
    assert "At least one consultation is recorded" in text
    assert reverse("case_move", args=[case.reference]) in text
    # The union expert reads the case but may not move it.
    union = _client(world, "union").get(reverse("case_detail", args=[case.reference]))
    assert reverse("case_move", args=[case.reference]) not in union.content.decode()
    outside = _client(world, "fund_viewer").get(reverse("case_detail", args=[case.reference]))
    assert outside.status_code == 404


def test_a_refused_move_on_the_page_says_which_check_fails(world: World) -> None:
    case = open_case(world)
    response = _client(world, "fund_editor").post(
        reverse("case_move", args=[case.reference]), {"to_step": "B"}, follow=True
    )
    assert "cannot leave step A yet" in response.content.decode()
    assert _fresh(case).step == "A"


def test_the_secretariat_adds_a_person_of_a_party_to_the_group(world: World) -> None:
    case = open_case(world)
    other = world.users["other_fund"]
    response = _client(world, "secretariat").post(
        reverse("case_member_add", args=[case.reference]),
        {
            "person": f"{world.other_fund.pk}:{other.pk}",
            "role": "supporting_fund",
            "start": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert Case.objects.visible_to(other).filter(pk=case.pk).exists()


def test_the_leverage_page_shows_activities_by_their_own_level(world: World) -> None:
    load_ladder()
    case = open_case(world)
    engagement = _engagement(world, case)
    case_actions.link_engagement(by=world.users["fund_editor"], case=case, engagement=engagement)
    engagement_actions.log_activity(
        by=world.users["fund_editor"],
        engagement=engagement,
        step="agm-vote",
        occurred_on=TODAY,
        party=world.fund,
        summary="Stem tegen de jaarrekening",
        agm_item="Punt 3",
        vote="against",
        vote_rationale="Geen herstelplan",
        confidentiality="restricted",
    )
    url = reverse("case_leverage", args=[case.reference])
    lead = _client(world, "fund_editor").get(url).content.decode()
    assert "Stem tegen de jaarrekening" in lead and "Punt 3" in lead
    # The union expert reads the case, but the restricted activity is the fund's own.
    union = _client(world, "union").get(url).content.decode()
    assert "Stem tegen de jaarrekening" not in union and "Punt 3" not in union


def test_the_timeline_lists_the_case_newest_first_each_record_by_its_level(world: World) -> None:
    case = _ready_to_leave_a(world, open_case(world))
    case_actions.move_step(by=world.users["fund_editor"], case=case, to_step="B")
    url = reverse("case_timeline", args=[case.reference])
    page = _client(world, "fund_editor").get(url).content.decode()
    assert page.index("Step moved") < page.index("Selected")
    assert "Gemeenschap (fictief)" in page and "Plan agreed" in page
    # A group-level consultation stays with the group: the secretariat outside it reads
    # the case, not the consultation.
    secretariat = _client(world, "secretariat").get(url).content.decode()
    assert "Gemeenschap (fictief)" not in secretariat and "Step moved" in secretariat


def test_the_leverage_map_shows_each_fund_its_own_and_the_sum_only_under_the_rule(
    world: World,
) -> None:
    from django.test import override_settings

    from convenant.engagement.tests.test_leverage import _hold

    case = open_case(world)
    case_actions.add_case_member(
        by=world.users["secretariat"],
        case=case,
        user=world.users["other_fund"],
        party=world.other_fund,
        role="supporting_fund",
        start=SELECTED_ON,
    )
    _hold(world.fund, case.issuer, TODAY - datetime.timedelta(days=10), 2_000_000)
    _hold(world.other_fund, case.issuer, TODAY - datetime.timedelta(days=10), 3_000_000)
    mine = case_actions.case_leverage(case, world.users["fund_editor"])
    assert {p.code for p in mine.fund_parties} == {"FA", "FB"}
    assert list(mine.own) == [world.fund.pk] and mine.own[world.fund.pk][1] == 2_000_000
    assert mine.value is None and mine.withheld  # one other fund is too few
    # The union expert reads the case but no fund's figure.
    union = case_actions.case_leverage(case, world.users["union"])
    assert union.own == {} and union.value is None
    with override_settings(AGGREGATE_MIN_FUNDS=1):
        pooled = case_actions.case_leverage(case, world.users["fund_editor"])
    assert pooled.funds == 2 and pooled.value == 5_000_000
    page = _client(world, "fund_editor").get(reverse("case_leverage", args=[case.reference]))
    text = page.content.decode()
    assert "2,000,000" in text or "2.000.000" in text
    assert "3,000,000" not in text and "3.000.000" not in text
