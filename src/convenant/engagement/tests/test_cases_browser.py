"""A case's own pages in real Chromium: the lead fund finds its case on the board, is told
which exit check holds it in step A, writes and agrees the plan with a milestone, and reads
it back on the timeline; the leverage page and every page pass axe. Another fund finds no
case on the board, only the explanation."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.engagement.tests.cases import open_case

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()


@pytest.fixture
def live_world(transactional_db: None, live_server, settings) -> World:
    settings.BASE_URL = live_server.url
    world = build_world()
    world.extra["case"] = open_case(world, "Casus Grutto")
    return world


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_the_lead_fund_plans_its_case_and_is_told_what_holds_it(
    page: Page, live_server, live_world: World
) -> None:
    base = live_server.url
    reference = live_world.extra["case"].reference
    log_in(page, base, "fund_editor@example.org")
    page.goto(base + "/cases/")
    expect(page.locator("#step-A").locator("..")).to_contain_text("Casus Grutto")
    expect(page.locator("#running")).to_contain_text("1 van 6 lopend")
    assert_accessible(page, "case-board")
    page.get_by_role("link", name="Casus Grutto").click()
    expect(page.locator("#people")).to_contain_text("Union")

    # Moving on is refused, naming the checks that fail.
    move = page.locator(f"form[action='/cases/{reference}/step/']")
    move.locator("[name=to_step]").select_option("B")
    move.get_by_role("button", name="Verplaatsen").click()
    expect(page.get_by_role("alert").or_(page.locator(".messages"))).to_contain_text(
        "kan stap A nog niet verlaten"
    )

    page.get_by_role("link", name="Het plan bewerken").click()
    page.locator("[name=objectives]").fill("Herstel voor de verdreven gezinnen")
    page.locator("[name=questions]").fill("Hoeveel gezinnen zijn verhuisd?")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#plan")).to_contain_text("Herstel voor de verdreven gezinnen")

    page.get_by_text("Een mijlpaal aan het plan toevoegen").click()
    add = page.locator(f"form[action='/cases/{reference}/plan/milestones/new/']")
    add.locator("[name=title]").fill("Het bedrijf erkent de gevolgen")
    add.locator("[name=target_on]").fill(TODAY.isoformat())
    add.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("#plan")).to_contain_text("Het bedrijf erkent de gevolgen")
    page.get_by_role("button", name="Het plan vaststellen").click()
    expect(page.locator("#plan")).to_contain_text("Vastgesteld op")
    expect(page.locator("#step")).to_contain_text("niet voldaan")  # no consultation yet
    assert_accessible(page, "case-detail")

    page.goto(base + f"/cases/{reference}/timeline/")
    expect(page.locator("#timeline")).to_contain_text("Plan vastgesteld")
    assert_accessible(page, "case-timeline")
    page.goto(base + f"/cases/{reference}/leverage/")
    expect(page.locator("#leverage-map")).to_contain_text("Deskundige van een vakbond")
    assert_accessible(page, "case-leverage")
    page.context.clear_cookies()

    log_in(page, base, "other_fund@example.org")
    page.goto(base + "/cases/")
    expect(page.locator("main")).not_to_contain_text("Casus Grutto")
    expect(page.locator("main")).to_contain_text("U zit in geen van die groepen")
    assert page.goto(base + f"/cases/{reference}/").status == 404
