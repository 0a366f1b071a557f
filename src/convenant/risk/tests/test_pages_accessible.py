"""The register, rate and reference pages in Chromium, checked by axe (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.portfolios.models import ExchangeRate, Issuer
from convenant.risk.actions import LIBRARY, load_reference_dataset

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    world.extra["issuer"] = Issuer.objects.create(
        legal_name="Referentie N.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.GLEIF,
        sector_scheme="GICS",
        sector_code="15",
        sector_name="Materials",
    )
    ExchangeRate.objects.create(currency="USD", date="2024-12-31", units_per_eur="1.04")
    world.extra["dataset"] = load_reference_dataset(LIBRARY / "ituc-gri")
    world.extra["themes"] = load_reference_dataset(LIBRARY / "themes")
    world.extra["sector_map"] = load_reference_dataset(LIBRARY / "sector-map")
    return world


def test_register_rates_and_reference_pages(page: Page, live_server, live_world: World) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("secretariat@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    for path, name, heading in [
        ("/issuers/", "issuers-nl", "Uitgevende instellingen"),
        (f"/issuers/{live_world.extra['issuer'].pk}/", "issuer-detail-nl", "Referentie N.V."),
        ("/exchange-rates/", "exchange-rates-nl", "Wisselkoersen"),
        ("/reference/", "reference-nl", "Referentiegegevens"),
        (
            f"/reference/{live_world.extra['dataset'].pk}/",
            "reference-ituc-nl",
            "ITUC Global Rights Index 2026",
        ),
        ("/holdings/", "holdings-empty-nl", "Beleggingen"),
        (f"/reference/{live_world.extra['themes'].pk}/", "themes-nl", "Theme taxonomy"),
        (f"/reference/{live_world.extra['sector_map'].pk}/", "sector-map-nl", "Sector risk map"),
        ("/risks/covenant/", "covenant-risks-nl", "Risico's van het convenant"),
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page, name)


def test_risks_page_with_a_judgement_form(
    page: Page, live_server, live_world: World, tmp_path
) -> None:
    import datetime

    from convenant.portfolios.actions import import_holdings
    from convenant.portfolios.models import IssuerIdentifier
    from convenant.risk.actions import library_folders

    for folder in library_folders():
        load_reference_dataset(folder)
    issuer = live_world.extra["issuer"]
    issuer.country_of_operations = "BR"
    issuer.save(update_fields=["country_of_operations"])
    IssuerIdentifier.objects.create(issuer=issuer, scheme="isin", value="US0378331005")
    path = tmp_path / "posities.csv"
    path.write_text("ISIN;Marktwaarde;Valuta\nUS0378331005;1000;EUR\n")
    report = import_holdings(
        by=live_world.users["fund_editor"],
        fund=live_world.fund,
        as_of=datetime.date(2024, 12, 31),
        path=path,
        filename=path.name,
    )
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("fund_editor@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server.url + f"/holdings/{report.snapshot_id}/risks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Geprioriteerde risico's")
    assert_accessible(page, "risks-nl")
    page.locator("td.themes > details > summary").first.click()  # the company's themes
    page.get_by_text("Beoordelen").first.click()
    page.get_by_label("Besluit").first.select_option("confirmed")
    page.get_by_role("button", name="Opslaan").first.click()
    expect(page.get_by_role("status")).to_contain_text("Uw oordeel is vastgelegd")
    assert_accessible(page, "risks-judged-nl")
    page.goto(live_server.url + f"/holdings/{report.snapshot_id}/sfdr/")
    expect(page.get_by_role("heading", level=1)).to_have_text("SFDR-indicatoren 10 en 11")
    assert_accessible(page, "sfdr-nl")
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_text("Beleggingen en risico's van uw fonds")).to_be_visible()
    assert_accessible(page, "dashboard-fund-nl")
