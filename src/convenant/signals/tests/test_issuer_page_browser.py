"""The issuer page in Chromium, with axe: the fund editor reads the company's risks in their
fund's holdings, opens a theme's reasons and follows the signal it may read; the secretariat
reads the covenant's view and the methodology's, and never a fund's name."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import Browser, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.signals.tests.test_browser import log_in
from convenant.signals.tests.test_issuer_page import set_up

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None, tmp_path: Path) -> World:
    cache.clear()  # the shipped taxonomy is loaded by this folder's conftest
    return set_up(build_world(), tmp_path)


@override_settings(AGGREGATE_MIN_FUNDS=2)
def test_fund_editor_and_secretariat_read_the_issuer_page(
    browser: Browser, live_server, live_world: World
) -> None:
    url = live_server.url + live_world.extra["miner"].get_absolute_url()
    editor = log_in(browser, live_server.url, "fund_editor@example.org")
    editor.goto(url)
    risks = editor.locator("#risks")
    expect(risks.get_by_role("heading", level=3).first).to_contain_text("Pensioenfonds Alfa")
    expect(risks).to_contain_text("Eigen oordeel van Alfa")
    expect(risks).not_to_contain_text("Zilverreiger")
    risks.get_by_text("Redenen").first.click()
    expect(risks.locator("details[open] li").first).to_be_visible()
    signals = editor.locator("#signals")
    expect(signals).to_contain_text("ZaakCovenant")
    expect(signals).not_to_contain_text("ZaakRestricted")
    assert_accessible(editor, "issuer-page-fund-editor")
    signals.get_by_role("link", name=live_world.extra["covenant"].reference).click()
    expect(editor.get_by_role("heading", level=1)).to_contain_text("ZaakCovenant")

    secretariat = log_in(browser, live_server.url, "secretariat@example.org")
    secretariat.goto(url)
    risks = secretariat.locator("#risks")
    expect(risks).to_contain_text("Binnen het convenant")
    expect(risks).to_contain_text("Wat de methodiek bedrijven zoals dit geeft")
    expect(risks).not_to_contain_text("Pensioenfonds")
    expect(secretariat.locator("#signals")).to_contain_text("ZaakSecretariat")
    assert_accessible(secretariat, "issuer-page-secretariat")
