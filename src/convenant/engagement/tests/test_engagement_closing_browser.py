"""Finishing an engagement in real Chromium: the lead fund's editor corrects an objective's
title and a target date, tries to close the engagement without the open objective's outcome
and is told which one, closes it with the outcome, and reopens it with a reason; a
supporting fund's editor reads it but is offered neither."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.engagement.actions import engagements as actions
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Engagement
from convenant.engagement.tests.test_engagements_browser import log_in

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()


@pytest.fixture
def live_world(transactional_db: None, live_server, settings) -> World:
    settings.BASE_URL = live_server.url
    world = build_world()
    load_ladder()
    engagement = actions.create_engagement(
        by=world.users["fund_editor"],
        title="Platformwerk en schijnzelfstandigheid",
        target="issue",
        issue="Schijnzelfstandigheid bij bezorgplatforms",
        lead_party=world.fund,
        start_date=TODAY - datetime.timedelta(days=120),
        themes=["labour-rights"],
        participants=[(world.other_fund, "supporting")],
    )
    actions.add_objective(
        by=world.users["fund_editor"],
        engagement=engagement,
        title="Bezorgers in dienst",
        targets={2: TODAY + datetime.timedelta(days=60)},
    )
    world.extra["engagement"] = engagement
    return world


def test_the_lead_corrects_closes_and_reopens_an_engagement(
    page: Page, live_server, live_world: World
) -> None:
    base = live_server.url
    engagement = live_world.extra["engagement"]
    log_in(page, base, "fund_editor@example.org")
    page.goto(f"{base}/engagement/{engagement.pk}/")

    page.get_by_role("link", name="Doelstelling corrigeren").click()
    page.locator("[name=title]").fill("Bezorgers in loondienst")
    later = (TODAY + datetime.timedelta(days=90)).isoformat()
    page.locator("[name=target_2]").fill(later)
    assert_accessible(page, "engagement-objective-edit")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#objectives")).to_contain_text("Bezorgers in loondienst")

    page.get_by_role("link", name="Engagement afsluiten").click()
    page.locator("[name=note]").fill("Het platform neemt bezorgers in dienst.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert Engagement.objects.get(pk=engagement.pk).status == "active"
    outcome = page.locator("select[name^=outcome_]")
    outcome.select_option("met")
    page.locator("textarea[name^=rationale_]").fill("Arbeidscontracten sinds 1 juni")
    assert_accessible(page, "engagement-close")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#engagement-status")).to_contain_text("Gesloten")
    expect(page.locator("#objectives")).to_contain_text("Arbeidscontracten sinds 1 juni")
    expect(page.get_by_role("link", name="Activiteit vastleggen")).to_have_count(0)
    assert_accessible(page, "engagement-closed")

    page.get_by_role("link", name="Engagement heropenen").click()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    page.locator("[name=reason]").fill("Het platform draait de contracten terug.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#engagement-status")).to_contain_text("Actief")
    expect(page.get_by_role("link", name="Activiteit vastleggen")).to_be_visible()
    page.context.clear_cookies()

    # A supporting fund reads it and logs activities, but closing is the lead's.
    log_in(page, base, "other_fund@example.org")
    page.goto(f"{base}/engagement/{engagement.pk}/")
    expect(page.get_by_role("link", name="Activiteit vastleggen")).to_be_visible()
    expect(page.get_by_role("link", name="Engagement afsluiten")).to_have_count(0)
