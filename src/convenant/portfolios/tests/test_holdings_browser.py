"""In the browser: a fund editor uploads a holdings file whose value column has an unusual
heading, says which column it is, and reads the snapshot; a Dutch JSON file in euro given on
the page, a match chosen through a search of the register, a much smaller file kept as
partial; every page passes axe."""

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
    path.write_text("Naam;Land;Marktwaarde;Valuta\nMinera Andina;CL;100,00;EUR\n")
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
    expect(page.get_by_role("cell", name="Minera Andina (Chili)")).to_be_visible()
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


DUTCH_JSON = """[
  {"Naam": "Minera Andina", "Land": "Chili", "Marktwaarde": "1.250,00"},
  {"Naam": "Voorbeeld Staal B.V.", "Land": "Nederland", "Marktwaarde": "250,50"},
  {"Naam": "LIQUIDE MIDDELEN", "Land": "", "Marktwaarde": "10,00"}
]
"""


def test_editor_imports_dutch_json_in_euro_and_chooses_an_issuer_from_the_register(
    page: Page, live_server, live_world: World, tmp_path: Path
) -> None:
    """A Dutch JSON file says nothing of its currency: the editor gives EUR on the page and
    the import completes. One name resembles an issuer that is not the right one: the editor
    searches the register by name, finds the company that trades under that name and
    chooses it."""
    Issuer.objects.create(
        legal_name="Compañía Minera Andina S.A.",
        country_of_incorporation="PE",
        source=Issuer.Source.GLEIF,
        sector_name="Materials",
    )
    right = Issuer.objects.create(
        legal_name="SMA Holdings Chile SpA",  # trades as Minera Andina
        country_of_incorporation="CL",
        source=Issuer.Source.GLEIF,
        lei="5493000SMAHOLDINGS42",
        sector_name="Materials",
    )
    IssuerIdentifier.objects.create(issuer=right, scheme="isin", value="CLP000000009")
    path = tmp_path / "beleggingen.json"
    path.write_text(DUTCH_JSON, encoding="utf-8")
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("fund_editor@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server.url + "/holdings/import/")
    page.get_by_label("Peildatum").fill("2024-12-31")
    page.get_by_label("Beleggingsbestand").set_input_files(str(path))
    page.get_by_label("Valuta van de waarden").select_option("EUR")
    assert_accessible(page, "holdings-import-currency-nl")
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Geïmporteerd")
    page.get_by_role("link", name="Bekijk de beleggingen").click()
    expect(page.get_by_role("heading", name="Regels die geen onderneming zijn")).to_be_visible()
    assert_accessible(page, "snapshot-detail-other-lines-nl")

    page.get_by_role("link", name="posities te beoordelen").click()
    row = page.get_by_role("row").filter(has_text="Minera Andina (Chili)")
    expect(row).to_contain_text("Compañía Minera Andina S.A.")
    assert_accessible(page, "review-candidates-nl")
    row.get_by_label("Zoek in het register voor rij").fill("SMA Holdings")
    row.get_by_role("button", name="Zoeken").click()
    expect(row.get_by_text("5493000SMAHOLDINGS42")).to_be_visible()
    assert_accessible(page, "review-search-nl")
    row.get_by_role("button", name="Kiezen").click()
    expect(page.get_by_role("status")).to_contain_text("SMA Holdings Chile SpA")
    expect(page.get_by_text("Niets te beoordelen.")).to_be_visible()


def test_editor_imports_a_much_smaller_file_as_partial(
    page: Page, live_server, live_world: World, tmp_path: Path
) -> None:
    """After a complete list of three positions, a list of one for a later date stops and
    compares the two; the editor says it is part of the holdings and it is kept as partial."""
    full, part = tmp_path / "volledig.csv", tmp_path / "deel.csv"
    full.write_text(
        "Naam;Land;Marktwaarde;Valuta\nA BV;NL;100;EUR\nB BV;NL;100;EUR\nC BV;NL;100;EUR\n"
    )
    part.write_text("Naam;Land;Marktwaarde;Valuta\nA BV;NL;100;EUR\n")
    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("fund_editor@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    for as_of, path in (("2024-11-30", full), ("2024-12-31", part)):
        page.goto(live_server.url + "/holdings/import/")
        page.get_by_label("Peildatum").fill(as_of)
        page.get_by_label("Beleggingsbestand").set_input_files(str(path))
        page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Kleiner dan het vorige overzicht")
    expect(page.get_by_role("row", name="Dit bestand")).to_contain_text("1")
    assert_accessible(page, "holdings-smaller-nl")
    page.get_by_role("button", name="Het is een deel van de beleggingen").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Geïmporteerd")
    page.get_by_role("link", name="Bekijk de beleggingen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gedeeltelijk")
    assert_accessible(page, "snapshot-partial-nl")
