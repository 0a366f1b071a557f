"""Mandates in real Chromium: a fund's editor adds a service provider, records a mandate with
it, then records that the contract holds the toolkit's clause verbatim, and the fund's
outsourcing dashboard shows the share of mandates with the clauses in place go from 0 to
100 %. The pages pass axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.outsourcing.tests.test_mandates import make_clause_texts

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None, live_server, settings) -> World:
    settings.BASE_URL = live_server.url
    world = build_world()
    make_clause_texts(world.users["secretariat"])
    return world


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_an_editor_records_a_mandate_and_its_clause_and_the_share_changes(
    page: Page, live_server, live_world: World
) -> None:
    base = live_server.url
    log_in(page, base, "fund_editor@example.org")
    page.goto(base + reverse("outsourcing_providers"))
    assert_accessible(page, "outsourcing-providers")
    page.get_by_role("link", name="Dienstverlener toevoegen").click()
    page.locator("[name=name]").fill("Zeearend Vermogensbeheer")
    page.locator("[name=kind]").select_option("asset_manager")
    page.locator("[name=country]").fill("NL")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zeearend Vermogensbeheer")

    page.goto(base + reverse("outsourcing_mandates"))
    page.get_by_role("link", name="Mandaat vastleggen").click()
    page.locator("[name=provider]").select_option(
        label="Zeearend Vermogensbeheer (Vermogensbeheerder)"
    )
    page.locator("[name=asset_class]").select_option("listed_equity")
    page.locator("[name=invested_eur]").fill("750000000")
    page.locator("[name=start_date]").fill("2024-01-01")
    page.locator("[name=end_date]").fill("2023-12-31")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist")).to_contain_text("kan niet eindigen")
    page.locator("[name=end_date]").fill("")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mandaat bij Zeearend Vermogensbeheer"
    )
    assert_accessible(page, "outsourcing-mandate")

    page.goto(base + reverse("outsourcing_dashboard"))
    expect(page.locator("#share-clauses-count")).to_contain_text("0,0 %")

    page.go_back()
    page.locator("#clauses").get_by_role("link", name="Vastleggen").first.click()
    page.get_by_label("Letterlijk").check()
    page.locator("[name=contract_date]").fill("2024-01-01")
    page.locator("[name=passage]").fill("art. 12")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#clauses")).to_contain_text("Letterlijk — versie 2")

    page.goto(base + reverse("outsourcing_dashboard"))
    expect(page.locator("#share-clauses-count")).to_contain_text("100,0 %")
