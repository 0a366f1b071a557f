"""A fund's milestone funnel, success rate and escalations due; the covenant's aggregate view
under the minimum-of-funds rule; the engagement history on an issuer's page and the
dashboard panel, each at the reader's level."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement.actions import engagements as actions
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Engagement, Objective
from convenant.engagement.views.overviews import covenant_funnel, fund_funnel
from convenant.portfolios.models import Issuer

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def engagement(world: World, by: str, party: Any, title: str, **kw: Any) -> Engagement:
    issuer = kw.pop("issuer", None) or Issuer.objects.create(
        legal_name=f"Onderneming {Issuer.objects.count() + 1} N.V.",
        country_of_incorporation="NL",
        source="gleif",
    )
    return actions.create_engagement(
        by=world.users[by],
        title=title,
        target=Engagement.Target.ISSUER,
        issuer=issuer,
        lead_party=party,
        start_date=kw.pop("start_date", ago(400)),
        **kw,
    )


def reach(world: World, by: str, objective: Objective, *numbers_days: tuple[int, int]) -> None:
    for number, days in numbers_days:
        actions.reach_milestone(
            by=world.users[by],
            milestone=objective.milestones.get(number=number),
            reached_on=ago(days),
            evidence="Bewijs",
        )


@pytest.fixture
def funds_engagements(world: World) -> dict[str, Any]:
    load_ladder()
    e = engagement(world, "fund_editor", world.fund, "Alfa Textiel")
    by = world.users["fund_editor"]
    # At 2 and overdue on 3: escalation due.
    late = actions.add_objective(by=by, engagement=e, title="Leefbaar loon", targets={3: ago(10)})
    reach(world, "fund_editor", late, (1, 300), (2, 5))
    # Closed, met (reached 4 long ago).
    met = actions.add_objective(by=by, engagement=e, title="Auditbeleid")
    reach(world, "fund_editor", met, (1, 390), (2, 380), (3, 370), (4, 360))
    actions.record_outcome(by=by, objective=met, outcome="met", rationale="Gehaald")
    # Closed, not met; and one open without movement.
    failed = actions.add_objective(by=by, engagement=e, title="Vakbondsvrijheid")
    actions.record_outcome(by=by, objective=failed, outcome="not_met", rationale="Niet gehaald")
    actions.add_objective(by=by, engagement=e, title="Klachtenmechanisme")
    # The other fund's own engagement: never in fund A's figures.
    other = engagement(world, "other_fund", world.other_fund, "Zilverreiger Mijnbouw")
    actions.add_objective(
        by=world.users["other_fund"], engagement=other, title="Geheim doel Zilverreiger"
    )
    return {"engagement": e, "late": late, "other": other}


def test_a_funds_funnel_counts_stages_moves_success_and_escalations(
    world: World, funds_engagements: dict[str, Any]
) -> None:
    funnel = fund_funnel(world.users["fund_viewer"], world.fund, TODAY)
    # Given four objectives at 2, 4, 0 and 0, when the funnel is read:
    assert funnel.stages == {0: 2, 1: 0, 2: 1, 3: 0, 4: 1}
    assert funnel.closed == 2 and funnel.open == 2
    # met over (met + not met): 50 %
    assert funnel.success_rate == 50
    assert funnel.overdue_milestones == 1
    assert [d["objective"].title for d in funnel.escalations_due] == ["Leefbaar loon"]
    # No activity yet: the ladder's first step is suggested.
    assert funnel.escalations_due[0]["next_step"].key == "letter"
    assert funnel.engagements == 1
    # Moved this year: an objective with a milestone reached in the calendar year.
    reached = [(300, 5), (390, 380, 370, 360)]
    assert funnel.moved_this_year == sum(
        any(ago(d).year == TODAY.year for d in days) for days in reached
    )


def test_the_overview_page_is_the_funds_own(
    world: World, funds_engagements: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(world.users["fund_viewer"])
    page = client.get(reverse("engagement_overview")).content.decode()
    assert "Leefbaar loon" in page and "Zilverreiger" not in page
    client.force_login(world.users["union"])
    assert client.get(reverse("engagement_overview")).status_code == 403


def test_the_covenant_view_shows_aggregates_only_with_enough_funds(
    world: World, funds_engagements: dict[str, Any], settings: Any
) -> None:
    # Two funds take part: under a minimum of three nothing is shown.
    settings.AGGREGATE_MIN_FUNDS = 3
    assert covenant_funnel(world.users["secretariat"]) is None
    api = Client()
    api.force_login(world.users["secretariat"])
    assert api.get(reverse("api:get_covenant_funnel")).status_code == 409
    settings.AGGREGATE_MIN_FUNDS = 2
    funnel = covenant_funnel(world.users["secretariat"])
    assert funnel is not None
    assert funnel.funds == 2 and sum(funnel.stages.values()) == 5
    assert funnel.escalations_due == [] and funnel.escalations_count == 1
    client = Client()
    client.force_login(world.users["secretariat"])
    page = client.get(reverse("engagement_covenant_overview")).content.decode()
    assert "Zilverreiger" not in page and "Leefbaar loon" not in page
    client.force_login(world.users["fund_admin"])
    assert client.get(reverse("engagement_covenant_overview")).status_code == 403


def test_an_issuers_history_shows_what_each_party_may_read(
    world: World, funds_engagements: dict[str, Any]
) -> None:
    issuer = funds_engagements["engagement"].issuer
    shared = engagement(
        world,
        "other_fund",
        world.other_fund,
        "Gedeeld met het convenant",
        issuer=issuer,
        visibility="covenant",
    )
    url = reverse("issuer_detail", args=[issuer.pk])
    client = Client()
    client.force_login(world.users["fund_viewer"])
    page = client.get(url).content.decode()
    assert "Alfa Textiel" in page and shared.title in page
    client.force_login(world.users["union"])
    page = client.get(url).content.decode()
    # The union takes part in neither; it sees the covenant-level engagement only.
    assert shared.title in page and "Alfa Textiel" not in page


def test_the_dashboard_panel_shows_escalations_due(
    world: World, funds_engagements: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(world.users["fund_editor"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "Escalations due" in page or "Escalaties nodig" in page
