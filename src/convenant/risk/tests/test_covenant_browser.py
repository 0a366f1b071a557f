"""In the browser: the secretariat narrows the covenant's risks to a sector, opens a
company's themes and downloads what it sees; a company too few funds hold never appears."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.risk.tests.test_covenant_view import _covenant_world

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    _covenant_world(world, companies=6)  # held by three funds; one more by two only
    return world


def test_secretariat_filters_opens_and_exports_the_covenant_risks(
    page: Page, live_server, live_world: World, tmp_path: Path
) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("secretariat@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Risico's van het convenant"
    ).click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Bedrijf 00 N.V.")
    expect(table).not_to_contain_text("Smal Gehouden")
    assert_accessible(page, "covenant-risks-nl")

    # Narrowed to one sector: only its companies stay
    # (a choice of the sectors on the page, with how many companies each)
    sector = page.get_by_label("Sector")
    expect(sector.locator("option", has_text=re.compile(r"^Mining \(\d+\)$"))).to_have_count(1)
    sector.select_option(value="Mining")
    page.get_by_role("button", name="Filteren").click()
    expect(table).to_contain_text("Bedrijf 01 N.V.")
    expect(table).not_to_contain_text("Bedrijf 00 N.V.")
    # A company's themes open under its row
    page.locator("summary").first.click()
    expect(page.locator("details[open]").first).to_be_visible()

    # The download holds what the page shows, and still not the company two funds hold
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV downloaden").click()
    path = tmp_path / "covenant.csv"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert "Bedrijf 01 N.V." in text and "Bedrijf 00 N.V." not in text
    assert "Smal Gehouden" not in text and "Pensioenfonds" not in text
