"""The deep track's selection in real Chromium: the secretariat opens a round, the union
nominates an issue into it with evidence, the fund's editor and the union score it for
their constituencies, the secretariat closes scoring and puts the selection to the steering
group. A party that left the covenant reads none of it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.engagement.tests.cases import deep_track_group
from convenant.governance.testing import governance_of

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()


@pytest.fixture
def live_world(transactional_db: None, live_server, settings) -> World:
    settings.BASE_URL = live_server.url
    world = build_world()
    governance_of(world)
    deep_track_group(world)
    return world


def log_in(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def score_everything(page: Page, value: str) -> None:
    for criterion in ("severity", "likelihood", "added_value", "labour_rights", "learning"):
        page.locator(f"[name=score_{criterion}]").select_option(value)
    page.get_by_role("button", name="Opslaan").click()


def test_nominate_score_and_propose_the_selection(
    page: Page, live_server, live_world: World
) -> None:
    base = live_server.url
    log_in(page, base, "secretariat@example.org")
    page.goto(base + "/cases/rounds/")
    page.get_by_role("link", name="Een selectieronde openen").click()
    page.locator("[name=title]").fill("Selectieronde 2026")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Selectieronde 2026")

    log_in(page, base, "union@example.org")
    page.get_by_role("link", name="Nominaties").first.click()
    page.get_by_role("link", name="Een casus nomineren").click()
    page.locator("[name=title]").fill("Leefbaar loon in de kledingketen")
    page.locator("[name=target]").select_option("issue")
    page.locator("[name=issue]").fill("Lonen onder het bestaansminimum")
    page.locator("[name=rationale]").fill("Werkenden kunnen niet rondkomen (fictief).")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist")).to_contain_text("ten minste één selectiecriterium")
    page.locator("[name=evidence_severity]").fill("Tienduizenden werkenden (fictief).")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leefbaar loon")
    assert_accessible(page, "nomination-detail")
    page.get_by_role("link", name="Scoor namens uw geleding").click()
    score_everything(page, "4")
    expect(page.locator("body")).to_contain_text("Vakbonden: 4")

    log_in(page, base, "fund_editor@example.org")
    page.goto(base + "/cases/rounds/")
    page.get_by_role("link", name="Selectieronde 2026").click()
    page.get_by_role("link", name="Score", exact=True).click()
    score_everything(page, "2")
    page.goto(base + "/cases/rounds/")
    page.get_by_role("link", name="Selectieronde 2026").click()
    expect(page.get_by_role("table")).to_contain_text("15,0")  # (20 + 10) / 2
    expect(page.get_by_role("table")).to_contain_text("2/")
    assert_accessible(page, "round-detail")

    log_in(page, base, "secretariat@example.org")
    page.goto(base + "/cases/rounds/")
    page.get_by_role("link", name="Selectieronde 2026").click()
    page.get_by_role("button", name="Scoren sluiten").click()
    page.get_by_role("link", name="De selectie voorleggen aan de stuurgroep").click()
    page.get_by_label("Leefbaar loon in de kledingketen", exact=False).check()
    page.locator("[name=closes_on]").fill((TODAY + datetime.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("body")).to_contain_text("Het voorstel #")

    log_in(page, base, "former@example.org")
    response = page.goto(base + "/cases/nominations/")
    assert response is not None and response.status == 403
