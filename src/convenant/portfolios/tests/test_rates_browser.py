"""In the browser: the secretariat loads the ECB's rate history as published on the exchange
rates page; a damaged copy is refused with the line, column and value, and nothing changes."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.portfolios.models import ExchangeRate

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).parent / "fixtures" / "eurofxref-hist-sample.csv"


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def test_secretariat_loads_the_ecb_history_and_sees_a_damaged_file_refused(
    page: Page, live_server, live_world: World, tmp_path: Path
) -> None:
    damaged = tmp_path / "eurofxref-hist.csv"
    damaged.write_text(SAMPLE.read_text().replace("2008-01-24,1.1141,", "2008-01-24,1.1141.5,"))
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("secretariat@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Wisselkoersen"
    ).click()
    assert_accessible(page, "exchange-rates-upload-nl")

    # A damaged copy: refused, naming where, and the table stays empty
    page.get_by_label("Koersbestand").set_input_files(str(damaged))
    page.get_by_role("button", name="Laden").click()
    upload_form = page.locator("form", has=page.get_by_label("Koersbestand"))
    expect(upload_form).to_contain_text("regel 3, kolom USD: “1.1141.5”")
    assert not ExchangeRate.objects.exists()

    # The file as the ECB publishes it: loaded, and its rates listed
    page.get_by_label("Koersbestand").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Laden").click()
    expect(page.get_by_text("eurofxref-hist-sample.csv: 986")).to_be_visible()
    assert ExchangeRate.objects.filter(currency="USD").exists()
    assert ExchangeRate.objects.filter(currency="CYP").exists()  # a currency no longer in use
    expect(page.get_by_role("table")).to_contain_text("USD")
    page.screenshot(path="test-artifacts/exchange-rates-loaded-nl.png", full_page=True)
