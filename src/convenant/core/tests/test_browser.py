"""Browser tests: real headless Debian Chromium driven by Playwright against the live server,
with axe-core checking WCAG 2.1 AA on every page visited (serious or critical violations
fail the test). Screenshots go to test-artifacts/ for people to look at. The browser and page
fixtures are in the root conftest, for every app's browser tests."""

import pytest
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def test_fund_officer_logs_in_switches_language_browses_and_searches(
    page: Page,
    live_server,
    live_world: World,
) -> None:
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")  # Dutch by default
    assert_accessible(page, "home-nl")

    page.get_by_role("link", name="Inloggen").first.click()
    page.get_by_label("E-mailadres").fill("fund_admin@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    assert_accessible(page, "login-nl")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fund Admin")
    expect(page.get_by_text("Pensioenfonds Alfa").first).to_be_visible()
    assert_accessible(page, "dashboard-nl")

    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Fund Admin")
    assert_accessible(page, "dashboard-en")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Parties").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parties to the covenant")
    expect(page.get_by_role("heading", name="Fondsen")).to_be_visible()
    assert_accessible(page, "party-list-en")

    page.get_by_label("Status").select_option("former")  # htmx swaps the groups in place
    expect(page.get_by_role("link", name="Pensioenfonds Oud")).to_be_visible()
    expect(page.get_by_role("link", name="Pensioenfonds Beta")).to_have_count(0)
    page.get_by_label("Status").select_option("")
    page.get_by_role("link", name="Pensioenfonds Alfa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pensioenfonds Alfa")
    expect(page.get_by_role("link", name="Target Person")).to_be_visible()  # own party's people
    assert_accessible(page, "party-detail-en")

    page.get_by_role("link", name="Pensioenfonds Alfa")  # still on the page
    page.get_by_role("link", name="All parties").click()
    page.get_by_role("link", name="Pensioenfonds Beta").click()
    expect(page.get_by_role("heading", name="People")).to_have_count(0)  # another fund's people

    page.get_by_label("Search", exact=True).fill("Target")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name="Target Person")).to_be_visible()
    assert_accessible(page, "search-en")


def test_other_fund_cannot_find_or_open_fund_people(
    page: Page,
    live_server,
    live_world: World,
) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("other_fund@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server.url + "/search/?q=Target")
    expect(page.get_by_text("Target Person")).to_have_count(0)
    response = page.goto(live_server.url + f"/people/{live_world.target_membership.user_id}/")
    assert response is not None and response.status == 404


def test_secretariat_invites_and_pages_are_accessible(
    page: Page,
    live_server,
    live_world: World,
) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("secretariat@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server.url + "/parties/fa/invite/")
    assert_accessible(page, "invite-nl")
    page.get_by_label("Volledige naam").fill("Nieuwe Collega")
    page.get_by_label("E-mailadres").fill("target@example.org")  # already works there
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator(".errorlist")).to_contain_text("target@example.org")
    page.get_by_label("E-mailadres").fill("nieuw@example.org")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator(".messages")).to_contain_text("nieuw@example.org")
    page.goto(live_server.url + "/invitations/")
    assert_accessible(page, "invitations-nl")
    page.goto(live_server.url + "/audit/")
    expect(page.get_by_role("cell", name="parties.invite_person")).to_be_visible()
    assert_accessible(page, "audit-nl")
    page.goto(live_server.url + "/account/")
    assert_accessible(page, "account-nl")
