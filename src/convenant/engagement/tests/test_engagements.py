"""Engagements through their actions: who may start and write one, objectives with four
milestones reached in order, activities on the ladder in force (an AGM vote is one fund's
own), the lock period, and the risks and signals an engagement answers."""

import datetime
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from convenant.core.access import Visibility
from convenant.core.audit import AuditEvent
from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.engagement.actions import engagements as actions
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Activity, Engagement, LadderStep, Milestone, Participant
from convenant.portfolios.models import Issuer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=100)


@pytest.fixture
def engagement(world: World) -> Engagement:
    load_ladder()
    issuer = Issuer.objects.create(
        legal_name="Mijnbouw N.V.", country_of_incorporation="NL", source=Issuer.Source.GLEIF
    )
    return actions.create_engagement(
        by=world.users["fund_editor"],
        title="Leefbaar loon in de mijnen",
        target=Engagement.Target.ISSUER,
        issuer=issuer,
        lead_party=world.fund,
        start_date=START,
        themes=["living-wage"],
        participants=[(world.other_fund, Participant.Role.SUPPORTING)],
    )


def test_the_ladder_loads_once_whatever_the_number_of_runs() -> None:
    assert load_ladder()[1] == 13
    assert load_ladder()[1] == 0
    assert LadderStep.objects.in_force().count() == 13
    assert LadderStep.objects.get(key="agm-vote").is_vote


def test_an_editor_of_the_lead_party_starts_it_and_the_lead_takes_part(
    world: World, engagement: Engagement
) -> None:
    parts = {p.party_id: p.role for p in Participant.objects.filter(engagement=engagement)}
    assert parts == {world.fund.pk: "lead", world.other_fund.pk: "supporting"}
    assert AuditEvent.objects.filter(verb="engagement.create").count() == 1
    with pytest.raises(ActionError):
        actions.create_engagement(
            by=world.users["fund_viewer"],
            title="x",
            target="issue",
            issue="Kinderarbeid",
            lead_party=world.fund,
            start_date=START,
        )
    with pytest.raises(ActionError) as refused:
        actions.create_engagement(
            by=world.users["fund_editor"],
            title="x",
            target="issuer",
            lead_party=world.fund,
            start_date=START,
        )
    assert refused.value.field == "issuer"


def test_an_objective_has_four_milestones_reached_in_order_unless_said_why(
    world: World, engagement: Engagement
) -> None:
    editor = world.users["fund_editor"]
    objective = actions.add_objective(
        by=editor,
        engagement=engagement,
        title="Leefbaar loon betaald",
        targets={1: TODAY + datetime.timedelta(days=30)},
    )
    milestones = list(Milestone.objects.filter(objective=objective).order_by("number"))
    assert [m.number for m in milestones] == [1, 2, 3, 4]
    assert milestones[0].target_on == TODAY + datetime.timedelta(days=30)
    with pytest.raises(ActionError) as refused:
        actions.reach_milestone(
            by=editor, milestone=milestones[2], reached_on=TODAY, evidence="Beleid gepubliceerd"
        )
    assert refused.value.field == "out_of_order_reason"
    with pytest.raises(ActionError):
        actions.reach_milestone(by=editor, milestone=milestones[0], reached_on=TODAY, evidence="")
    actions.reach_milestone(
        by=editor, milestone=milestones[0], reached_on=TODAY, evidence="Brief verstuurd"
    )
    actions.reach_milestone(
        by=editor,
        milestone=milestones[2],
        reached_on=TODAY,
        evidence="Beleid gepubliceerd",
        out_of_order_reason="Het bedrijf reageerde niet, maar publiceerde beleid",
    )
    milestones[2].refresh_from_db()
    assert "publiceerde beleid" in milestones[2].evidence
    with pytest.raises(ActionError):
        actions.reach_milestone(
            by=world.users["union"], milestone=milestones[1], reached_on=TODAY, evidence="x"
        )
    actions.record_outcome(
        by=editor, objective=objective, outcome="partly_met", rationale="Half gehaald"
    )
    with pytest.raises(ActionError):
        actions.reach_milestone(
            by=editor, milestone=milestones[1], reached_on=TODAY, evidence="Te laat"
        )


def test_an_agm_vote_is_a_participating_funds_own_with_item_and_rationale(
    world: World, engagement: Engagement
) -> None:
    editor = world.users["fund_editor"]
    vote = {"agm_item": "Agendapunt 7", "vote": "against", "vote_rationale": "Geen loonbeleid"}
    with pytest.raises(ActionError) as refused:
        actions.log_activity(
            by=editor,
            engagement=engagement,
            step="agm-vote",
            occurred_on=TODAY,
            party=world.other_fund,
            summary="Tegen gestemd",
            **vote,
        )
    assert refused.value.field == "party"  # the editor does not vote for fund B
    with pytest.raises(ActionError) as refused:
        actions.log_activity(
            by=editor,
            engagement=engagement,
            step="agm-vote",
            occurred_on=TODAY,
            party=world.fund,
            summary="Tegen gestemd",
            agm_item="Agendapunt 7",
        )
    assert refused.value.field == "vote"
    activity = actions.log_activity(
        by=editor,
        engagement=engagement,
        step="agm-vote",
        occurred_on=TODAY,
        party=world.fund,
        summary="Tegen gestemd",
        **vote,
    )
    assert (activity.ladder_edition, activity.vote) == ("2026.1", "against")
    with pytest.raises(ActionError) as refused:
        actions.log_activity(
            by=editor,
            engagement=engagement,
            step="petition",
            occurred_on=TODAY,
            party=world.fund,
            summary="x",
        )
    assert refused.value.field == "step"


def test_an_activity_is_edited_within_the_lock_period_and_annotated_after(
    world: World, engagement: Engagement
) -> None:
    editor = world.users["fund_editor"]
    activity = actions.log_activity(
        by=editor,
        engagement=engagement,
        step="letter",
        occurred_on=TODAY,
        party=world.fund,
        summary="Brief",
        confidentiality=Visibility.RESTRICTED,
    )
    actions.update_activity(by=editor, activity=activity, summary="Brief aan het bestuur")
    Activity.objects.filter(pk=activity.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    activity.refresh_from_db()
    with override_settings(ENGAGEMENT_ACTIVITY_LOCK_DAYS=30), pytest.raises(ActionError):
        actions.update_activity(by=editor, activity=activity, summary="Anders")
    note = actions.annotate_activity(by=editor, activity=activity, text="Antwoord kwam later")
    activity.refresh_from_db()
    assert activity.summary == "Brief aan het bestuur" and note.text == "Antwoord kwam later"


def test_a_participation_ends_dated_and_stays_in_the_history(
    world: World, engagement: Engagement
) -> None:
    editor = world.users["fund_editor"]
    beta = Participant.objects.get(engagement=engagement, party=world.other_fund)
    actions.end_participation(by=editor, participant=beta, end=TODAY)
    assert Participant.objects.filter(engagement=engagement).count() == 2
    with pytest.raises(ActionError):
        actions.log_activity(
            by=world.users["other_fund"],
            engagement=engagement,
            step="letter",
            occurred_on=TODAY,
            party=world.other_fund,
            summary="Na vertrek",
        )
    actions.add_participant(
        by=editor, engagement=engagement, party=world.other_fund, role="co_lead", start=TODAY
    )
    assert Participant.objects.filter(engagement=engagement).count() == 3


def test_a_risk_links_once(world: World, engagement: Engagement) -> None:
    editor = world.users["fund_editor"]
    actions.link_risk(by=editor, engagement=engagement, issuer=engagement.issuer, theme="wages")
    with pytest.raises(ActionError):
        actions.link_risk(by=editor, engagement=engagement, issuer=engagement.issuer, theme="wages")


def test_the_load_ladder_command_loads_an_edition_once(tmp_path: Any) -> None:
    out = io.StringIO()
    call_command("load_ladder", stdout=out)
    call_command("load_ladder", stdout=out)
    assert out.getvalue().splitlines() == [
        "Escalation ladder 2026.1: 13 steps added.",
        "Escalation ladder 2026.1: 0 steps added.",
    ]
    # A later edition is the one in force; activities keep the edition they were logged under.
    (tmp_path / "dataset.yaml").write_text(
        'edition: "2027.1"\nsteps:\n  - {key: letter, nl: Brief, en: Letter}\n'
        "  - {key: divestment, nl: Desinvestering, en: Divestment}\n"
    )
    call_command("load_ladder", str(tmp_path), stdout=out)
    assert [s.key for s in LadderStep.objects.in_force()] == ["letter", "divestment"]
    with pytest.raises(CommandError):
        call_command("load_ladder", str(tmp_path / "nowhere"), stdout=out)
