"""In the browser: a fund editor uploads a holdings file whose value column has an unusual
heading, says which column it is, and reads the snapshot; every page passes axe."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from convenant.core.testing import World, build_world
from convenant.core.tests.browser import assert_accessible
from convenant.portfolios.models import ExchangeRate, Issuer, IssuerIdentifier

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    ExchangeRate.objects.create(
        currency="USD", date=datetime.date(2024, 12, 31), units_per_eur=Decimal("1.04")
    )
    apple = Issuer.objects.create(
        legal_name="Apple Inc.",
        country_of_incorporation="US",
        source=Issuer.Source.GLEIF,
        sector_name="Information Technology",
    )
    IssuerIdentifier.objects.create(issuer=apple, scheme="isin", value="US0378331005")
    return world


def test_editor_uploads_maps_a_column_and_reads_the_snapshot(
    page: Page,
    live_server,
    live_world: World,
    tmp_path: Path,
) -> None:
    path = tmp_path / "bewaarder.csv"
    path.write_text(
        "Overzicht (fictief)\n\nISIN;Naam;Land;Bedrag x1;Valuta\n"
        "US0378331005;APPLE INC;US;1.040,00;USD\n;ONBEKEND BEDRIJF BV;NL;10,00;EUR\n"
    )
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("fund_editor@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beleggingen").click()
    page.get_by_role("link", name="Een beleggingsbestand importeren").click()
    assert_accessible(page, "holdings-import-nl")
    page.get_by_label("Peildatum").fill("2024-12-31")
    page.get_by_label("Beleggingsbestand").set_input_files(str(path))
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_role("alert")).to_contain_text("Marktwaarde")  # the job asks
    assert_accessible(page, "holdings-columns-nl")
    page.get_by_label("Bedrag x1").select_option("market_value")
    page.get_by_role("button", name="Importeren met deze kolommen").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Geïmporteerd")
    assert_accessible(page, "holdings-job-done-nl")
    page.get_by_role("link", name="Bekijk de beleggingen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pensioenfonds Alfa")
    expect(page.get_by_role("link", name="Apple Inc.")).to_be_visible()
    assert_accessible(page, "snapshot-detail-nl")
    page.get_by_role("link", name="met een nieuwe uitgevende instelling voorgesteld").click()
    expect(page.get_by_role("link", name="ONBEKEND BEDRIJF BV")).to_be_visible()  # proposed issuer
    assert_accessible(page, "snapshot-positions-nl")


def test_editor_reviews_a_match_and_the_next_import_uses_it(
    page: Page, live_server, live_world: World, tmp_path: Path
) -> None:
    Issuer.objects.create(
        legal_name="Compañía Minera Andina S.A.",
        country_of_incorporation="PE",
        source=Issuer.Source.GLEIF,
    )
    path = tmp_path / "bewaarder.csv"
    path.write_text("Naam;Land;Marktwaarde;Valuta\nMinera Andes Compania;PE;100,00;EUR\n")
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("fund_editor@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server.url + "/holdings/import/")
    page.get_by_label("Peildatum").fill("2024-12-31")
    page.get_by_label("Beleggingsbestand").set_input_files(str(path))
    page.get_by_role("button", name="Importeren").click()
    page.get_by_role("link", name="Bekijk de beleggingen").click()
    page.get_by_role("link", name="posities te beoordelen").click()
    expect(page.get_by_role("cell", name="Minera Andes Compania (PE)")).to_be_visible()
    assert_accessible(page, "review-queue-nl")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("status")).to_contain_text("bevestigd")
    expect(page.get_by_text("Niets te beoordelen.")).to_be_visible()

    page.goto(live_server.url + "/holdings/import/")  # the same names a month later
    page.get_by_label("Peildatum").fill("2024-11-30")
    page.get_by_label("Beleggingsbestand").set_input_files(str(path))
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Geïmporteerd")
    expect(page.get_by_text("1 gekoppeld")).to_be_visible()
