"""An engagement's pages: the list's filters, the page's escalation and next step, the forms
refusing bad input with the field named, and what other apps show of an engagement — the
signal's follow-up — at the reader's level."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement.actions import engagements as actions
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Engagement, Milestone
from convenant.portfolios.models import Issuer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _client(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


@pytest.fixture
def engagement(world: World) -> Engagement:
    load_ladder()
    issuer = Issuer.objects.create(
        legal_name="Glimmer Mica Ltd", country_of_incorporation="IN", source=Issuer.Source.GLEIF
    )
    return actions.create_engagement(
        by=world.users["fund_editor"],
        title="Kinderarbeid in mica",
        target="issuer",
        issuer=issuer,
        lead_party=world.fund,
        start_date=TODAY - datetime.timedelta(days=60),
        themes=["child-labour"],
    )


def test_a_passed_target_shows_escalation_due_with_the_next_step(
    world: World, engagement: Engagement
) -> None:
    editor = world.users["fund_editor"]
    objective = actions.add_objective(
        by=editor,
        engagement=engagement,
        title="Geen kinderarbeid in de keten",
        targets={2: TODAY - datetime.timedelta(days=1)},
    )
    actions.log_activity(
        by=editor,
        engagement=engagement,
        step="letter",
        occurred_on=TODAY,
        party=world.fund,
        summary="Brief aan de directie",
    )
    page = _client(world, "fund_viewer").get(reverse("engagement_detail", args=[engagement.pk]))
    text = page.content.decode()
    assert 'id="escalation-due"' in text and "volgende stap: Gesprek met het management" in text
    listed = _client(world, "fund_viewer").get(reverse("engagement_list") + "?due=1")
    assert "Kinderarbeid in mica" in listed.content.decode()
    # Once milestone 2 is reached, nothing is overdue: the list filtered on "due" is empty.
    two = Milestone.objects.get(objective=objective, number=2)
    actions.reach_milestone(
        by=editor,
        milestone=two,
        reached_on=TODAY,
        evidence="Antwoord",
        out_of_order_reason="Erkend zonder dat wij ooit formeel zorg uitten",
    )
    listed = _client(world, "fund_viewer").get(reverse("engagement_list") + "?due=1")
    assert "Kinderarbeid in mica" not in listed.content.decode()


def test_a_vote_without_a_rationale_comes_back_with_the_field_named(
    world: World, engagement: Engagement
) -> None:
    response = _client(world, "fund_editor").post(
        reverse("activity_add", args=[engagement.pk]),
        {
            "step": "agm-vote",
            "occurred_on": TODAY.isoformat(),
            "party": world.fund.pk,
            "summary": "Tegen gestemd",
            "confidentiality": "restricted",
            "agm_item": "Punt 3",
            "vote": "against",
        },
    )
    assert response.status_code == 200
    assert "Geef de motivering van de stem." in response.content.decode()
    assert not engagement.activities.exists()


def test_a_signal_shows_its_follow_up_to_those_who_may_read_the_engagement(
    world: World, engagement: Engagement
) -> None:
    from convenant.signals.tests.helpers import load_themes, shared_signal

    load_themes()
    signal = shared_signal(world, level="covenant")
    actions.link_signal(by=world.users["fund_editor"], engagement=engagement, signal=signal)
    url = reverse("signal_detail", args=[signal.reference])
    mine = _client(world, "fund_viewer").get(url).content.decode()
    assert 'id="signal-followup"' in mine and "Kinderarbeid in mica" in mine
    # Fund B reads the signal, not fund A's restricted engagement: no follow-up named.
    theirs = _client(world, "other_fund").get(url).content.decode()
    assert "Kinderarbeid in mica" not in theirs and 'id="signal-followup"' not in theirs


def test_a_risk_being_engaged_is_annotated_for_readers_of_the_engagement(
    world: World, engagement: Engagement
) -> None:
    from convenant.risk.annotations import risk_annotations

    actions.link_risk(
        by=world.users["fund_editor"],
        engagement=engagement,
        issuer=engagement.issuer,
        theme="child-labour",
    )
    pair = (engagement.issuer_id, "child-labour")
    notes = risk_annotations(world.users["fund_viewer"], {pair, (engagement.issuer_id, "x")})
    assert list(notes) == [pair] and notes[pair][0].title == "Kinderarbeid in mica"
    assert risk_annotations(world.users["other_fund"], {pair}) == {}


def test_an_objective_that_has_not_moved_is_stale_until_an_activity_moves_it(
    world: World, engagement: Engagement
) -> None:
    from convenant.engagement.models import Objective
    from convenant.engagement.progress import progress_of

    editor = world.users["fund_editor"]
    objective = actions.add_objective(by=editor, engagement=engagement, title="Leefbaar loon")
    Objective.objects.filter(pk=objective.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    progress = progress_of([engagement], world.users["fund_viewer"])[engagement.pk]
    assert progress.due and progress.escalation[objective.pk].stale
    assert progress.next_step is not None and progress.next_step.key == "letter"
    # A letter for the engagement as a whole moves each of its objectives.
    actions.log_activity(
        by=editor,
        engagement=engagement,
        step="letter",
        occurred_on=TODAY,
        party=world.fund,
        summary="Brief",
    )
    progress = progress_of([engagement], world.users["fund_viewer"])[engagement.pk]
    assert not progress.due
    assert progress.next_step is not None and progress.next_step.key == "meeting-management"
