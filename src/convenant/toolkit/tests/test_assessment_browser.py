"""The policy self-assessment in real Chromium, on the demo: a fund's editor opens this year's
assessment (started from last year's answers), confirms one answer, changes another to "not
met" and finds it among the gaps with the model texts that close it, is told what is left
when completing too early; the secretariat sees only whether each fund's assessment exists."""

import pytest
from playwright.sync_api import Page, expect

from convenant.core.tests.browser import assert_accessible
from convenant.parties.demo import DEMO_PASSWORD, demo_email, load_demo_covenant
from convenant.toolkit import demo_assessment

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db: None, live_server, settings) -> str:
    settings.BASE_URL = live_server.url
    load_demo_covenant()
    demo_assessment.load()
    return str(live_server.url)


def log_in(page: Page, base: str, key: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(demo_email(key))
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_a_fund_confirms_changes_and_sees_its_gaps(page: Page, demo: str) -> None:
    log_in(page, demo, "fonds-redacteur")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Zelfevaluatie"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zelfevaluatie beleid van")
    assert_accessible(page, "toolkit-self-assessment-home")
    page.get_by_role("link", name="2026", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zelfevaluatie beleid 2026")
    assert_accessible(page, "toolkit-self-assessment-detail")

    # Completing too early says what is left
    page.get_by_role("button", name="Zelfevaluatie afronden").click()
    expect(page.locator(".messages")).to_contain_text("te bevestigen:")
    expect(page.locator(".messages")).to_contain_text("7.3")

    # Confirm last year's answer on the last requirement, unchanged
    row = page.locator("#req-7\\.3")
    answer_before = row.locator("td").nth(1).inner_text()
    row.get_by_role("button", name="Bevestigen").click()
    expect(page.locator(".messages")).to_contain_text("bevestigd")
    expect(page.locator("#req-7\\.3")).not_to_contain_text("te bevestigen")
    assert page.locator("#req-7\\.3 td").nth(1).inner_text().startswith(answer_before.split()[0])

    # Change 7.2 to not met: it is then among the gaps with the texts that close it
    page.locator("#req-7\\.2").get_by_role("link", name="Wijzigen").click()
    page.get_by_label("Niet behaald", exact=True).check()
    page.get_by_label("Toelichting").fill("Nog geen verslag van escalaties (fictief)")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".messages")).to_contain_text("opgeslagen")
    gaps = page.locator("#gaps")
    expect(gaps).to_contain_text("7.2")
    expect(gaps).to_contain_text("beleid-oeso-verankering")
