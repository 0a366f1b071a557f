"""Step E in real Chromium: the lead fund drafts a public text from what the group marked
publishable and puts it to the group; the fund and the union each approve for their party;
the lead fund publishes it; an anonymous visitor finds it on the public case pages, and
nothing of the case's confidential letter. The pages pass axe (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.engagement.actions import communication as actions
from convenant.engagement.tests.cases import open_case

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None, live_server, settings) -> World:
    settings.BASE_URL = live_server.url
    world = build_world()
    case = open_case(world, "Mica Roodborst")
    case.publishable = ["title", "plan_objectives", "step"]
    case.plan_objectives = "Geen kinderarbeid in de mica-keten (fictief)."
    case.save()
    letter = actions.draft_communication(
        by=world.users["fund_editor"],
        case=case,
        kind="confidential",
        title="Brief Goudhaan",
        text="Vertrouwelijke brief Goudhaan aan het bestuur (fictief).",
    )
    actions.propose_communication(by=world.users["fund_editor"], communication=letter)
    world.extra["case"] = case
    return world


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_the_group_approves_a_public_text_and_the_public_reads_only_that(
    page: Page, live_server, live_world: World
) -> None:
    base = live_server.url
    reference = live_world.extra["case"].reference
    step_e = f"{base}/cases/{reference}/communication/"

    log_in(page, base, "fund_editor@example.org")
    page.goto(step_e)
    expect(page.locator("#draft blockquote")).to_contain_text("Geen kinderarbeid")
    assert_accessible(page, "case-communication")
    page.locator("#draft [name=kind][value=public]").check()
    page.get_by_role("button", name="Concept maken").click()
    expect(page.locator(".messages")).to_contain_text("Het concept is gemaakt.")
    public = page.locator("article.communication", has_text="Mica Roodborst")
    public.get_by_role("button", name="Aan de groep voorleggen").click()
    public = page.locator("article.communication", has_text="Mica Roodborst")
    public.get_by_role("button", name="Goedkeuren namens mijn partij").click()
    public = page.locator("article.communication", has_text="Mica Roodborst")
    expect(public).to_contain_text("Wacht op")
    expect(public).to_contain_text("Vakbond Gamma")
    page.context.clear_cookies()

    log_in(page, base, "union@example.org")
    page.goto(step_e)
    public = page.locator("article.communication", has_text="Mica Roodborst")
    public.get_by_role("button", name="Goedkeuren namens mijn partij").click()
    expect(page.locator("article.communication", has_text="Mica Roodborst")).to_contain_text(
        "Goedgekeurd"
    )
    # The union expert approves, but does not publish.
    expect(page.get_by_role("button", name="Publiceren")).to_have_count(0)
    page.context.clear_cookies()

    log_in(page, base, "fund_editor@example.org")
    page.goto(step_e)
    page.locator("article.communication", has_text="Mica Roodborst").get_by_role(
        "button", name="Publiceren"
    ).click()
    expect(page.locator(".messages")).to_contain_text("gepubliceerd")
    page.goto(f"{base}/cases/{reference}/report/")
    expect(page.locator("#report-communication")).to_contain_text("Goudhaan")
    assert_accessible(page, "case-report")
    page.context.clear_cookies()

    page.goto(base + "/")
    page.get_by_role("link", name="Openbare casuspagina's").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casussen in het diepe spoor")
    assert_accessible(page, "case-public-list")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("main")).to_contain_text("Geen kinderarbeid in de mica-keten")
    expect(page.locator("main")).not_to_contain_text("Goudhaan")
    assert_accessible(page, "case-public")
