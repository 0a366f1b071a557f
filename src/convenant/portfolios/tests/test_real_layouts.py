"""Holdings lists as funds really publish them: headings that carry their currency, columns
known by other names, the helpers the person uses to say which column holds what; numbers
whose separators each column decides; totals, notes, cash and forwards; JSON; and each real
layout of ``real_files`` imported as published, adding up to the file's own total."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from django.db.models import Count
from django.utils import translation

from convenant.core.testing import World
from convenant.portfolios.importing.clean import Cleaned, _kind, clean_rows
from convenant.portfolios.importing.columns import (
    field_named,
    heading_currency,
    likely_columns,
    recognise,
)
from convenant.portfolios.importing.mapping import ColumnsNeeded
from convenant.portfolios.importing.read import Limits, read_table
from convenant.portfolios.importing.report import RowsRejected, rejected_file
from convenant.portfolios.models import ExchangeRate, Position, Snapshot
from convenant.portfolios.tests import real_files
from convenant.portfolios.tests.test_holdings_import import (  # noqa: F401 (a fixture)
    AS_OF,
    run,
    setup,
)

LIMITS = Limits(max_bytes=50_000_000, max_rows=5000, max_cells=50_000, max_zip_ratio=100)

# --- Headings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "currency"),
    [
        ("Market Value(NOK)", "NOK"),
        ("Marktwaarde EUR", "EUR"),
        ("Bedrag in €", "EUR"),
        ("BelangEur", "EUR"),
        ("Value (USD)", "USD"),
        ("MV USD", "USD"),
        ("Waarde in euro", "EUR"),
        ("Fleur", None),  # “eur” inside a word is no currency
        ("Market value", None),
        ("Value EUR / USD", None),  # two currencies: the heading does not decide
    ],
)
def test_a_value_heading_says_its_currency(heading: str, currency: str | None) -> None:
    assert heading_currency(heading) == currency


@pytest.mark.parametrize(
    "heading", ["Market Value(NOK)", "Bedrag in €", "BelangEur", "Value (USD)", "MV USD"]
)
def test_a_value_heading_with_its_currency_is_the_market_value(heading: str) -> None:
    assert recognise(["Naam", heading]) == {"Naam": "name", heading: "market_value"}


def test_location_and_incorporation_country_are_the_country_and_listing_is_apart() -> None:
    assert recognise(["Name", "Location", "Value"])["Location"] == "country"
    assert recognise(["Name", "Incorporation Country", "Value"])["Incorporation Country"] == (
        "country"
    )
    found = recognise(["Name", "Exchange Country", "Value"])
    assert found["Exchange Country"] == "listing_country" and "country" not in found.values()
    assert recognise(["Naam", "Beurs land", "Waarde"])["Beurs land"] == "listing_country"


def test_of_several_value_columns_the_one_in_euro_is_chosen_else_none() -> None:
    found = recognise(["Name", "Market Value Local", "Market Value EUR"])
    assert found["Market Value EUR"] == "market_value" and "Market Value Local" not in found
    # Two plain value columns: nothing is guessed, the person is asked.
    assert "market_value" not in recognise(["Name", "Value", "Amount"]).values()


def test_a_market_currency_column_is_kept_as_the_currency_column() -> None:
    found = recognise(["Name", "Market Value(NOK)", "Market Currency"])
    assert found == {
        "Name": "name",
        "Market Value(NOK)": "market_value",
        "Market Currency": "currency",
    }


# --- Helpers for mapping -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("market_value", "market_value"),
        ("Market value", "market_value"),
        ("Marktwaarde", "market_value"),
        ("  MARKTWAARDE ", "market_value"),
        ("Valeur de marché", "market_value"),
        ("Valor de mercado", "market_value"),
        ("Land", "country"),
        ("Pays", "country"),
        ("Listing country", "listing_country"),
        ("Issuer or security name", "name"),
        ("Naam", "name"),
        ("asset class", "asset_class"),
        ("Aandelen", None),
        ("", None),
    ],
)
def test_a_field_is_found_by_its_key_or_its_label_in_the_persons_language(
    text: str, field: str | None
) -> None:
    assert field_named(text) == field


def test_likely_columns_name_the_candidates_for_a_missing_field_best_first() -> None:
    headings = ["Naam", "ISIN", "Incorporation Ctry", "Location", "Listing Country", "Value"]
    country = likely_columns(headings, "country")
    assert country[0] == "Location" and "Incorporation Ctry" in country
    assert country.index("Incorporation Ctry") < country.index("Listing Country")
    assert likely_columns(headings, "market_value")[0] == "Value"
    assert likely_columns(["Omschrijving", "Bedrag (x 1000)"], "market_value") == [
        "Bedrag (x 1000)"
    ]
    assert likely_columns(["Foo", "Bar"], "country") == []


# --- Real layouts, read and cleaned (no database) -------------------------------------------

RATES = {"EUR": Decimal(1), "USD": Decimal("1.04"), "NOK": Decimal("11.6")}


def cleaned(tmp_path: Path, name: str, text: str, currency: str = "") -> Cleaned:
    path = tmp_path / name
    path.write_bytes(text.encode())
    table = read_table(path, name, LIMITS)
    return clean_rows(
        table,
        recognise(table.headings),
        rates=RATES,
        as_of=AS_OF,
        decimal_comma_default=table.decimal_comma_default,
        file_currency=currency,
    )


def values(result: Cleaned, column: str = "market_value") -> list[Decimal]:
    return result.rows[column].to_list()


def test_dot_thousands_in_a_comma_file_are_read_from_the_whole_column(tmp_path: Path) -> None:
    # Given a comma file whose column holds 225.478, 1.250.000 and 12
    result = cleaned(tmp_path, "h.csv", real_files.DOT_THOUSANDS_COMMA_FILE)
    # Then the dot groups thousands in every cell: nothing is a thousand times too small
    assert values(result) == [Decimal("1250000.00"), Decimal("225478.00"), Decimal("12.00")]
    assert result.rows.schema["market_value"] == pl.Decimal(38, 2)
    assert result.file_total == Decimal("1475490")
    assert sum(values(result, "value_eur")) == result.file_total


def test_a_column_that_does_not_say_its_decimal_separator_refuses_its_rows(
    tmp_path: Path,
) -> None:
    result = cleaned(tmp_path, "h.csv", real_files.AMBIGUOUS)
    assert result.rows.height == 0 and result.rejected_lines == {2, 3}
    line, column, reason = result.errors[0]
    assert (line, column) == (2, "Market Value (EUR)")
    assert reason.startswith("“1.234” can be read two ways") and "decimals" in reason


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # One cell with decimals decides for the column (a comma file, comma decimals).
        (["1.234", "5,5"], ["1234.00", "5.50"]),
        # Two groups decide: 1,250,000 has commas for thousands, so 12,345 is 12345.
        (["1,250,000", "12,345"], ["1250000.00", "12345.00"]),
        # A leading zero or four digits before the separator cannot be a group.
        (["0.125", "1.234"], ["0.13", "1.23"]),
        (["1234.567", "1.234"], ["1234.57", "1.23"]),
    ],
)
def test_each_column_decides_its_separators_from_all_its_cells(
    tmp_path: Path, cells: list[str], expected: list[str]
) -> None:
    text = "Name;Market value EUR\n" + "".join(f"N{i};{c}\n" for i, c in enumerate(cells))
    text = text.replace(";", "\t")  # a tab file has no habit
    result = cleaned(tmp_path, "h.txt", text)
    assert values(result) == [Decimal(v) for v in expected]


def test_a_semicolon_file_habit_decides_only_when_its_cells_do_not(tmp_path: Path) -> None:
    result = cleaned(tmp_path, "h.csv", "Naam;Marktwaarde EUR\nA;1.234\nB;12\n")
    assert values(result) == [Decimal("1234.00"), Decimal("12.00")]
    # and a cell against the column's way of writing decimals is refused, naming the value
    result = cleaned(tmp_path, "h.csv", "Naam;Marktwaarde EUR\nA;1.234,5\nB;2.5\nC;3,25\n")
    assert result.rejected_lines == {3}
    assert "“2.5” writes its decimals unlike the other values" in result.errors[0][2]


def test_rounding_is_half_up_to_the_cent_and_exact_beyond_a_float(tmp_path: Path) -> None:
    text = "Name\tValue EUR\tValue USD\nA\t0.005\t\nB\t12345678901234.565\t\n"
    path = tmp_path / "h.txt"
    path.write_text("Name\tValue EUR\nA\t0.005\nB\t12345678901234.565\nC\t2.675\n")
    table = read_table(path, "h.txt", LIMITS)
    result = clean_rows(
        table, recognise(table.headings), rates=RATES, as_of=AS_OF, decimal_comma_default=False
    )
    assert values(result) == [Decimal("0.01"), Decimal("12345678901234.57"), Decimal("2.68")]
    # and a value in dollars is converted in integer arithmetic, half-up
    usd = cleaned(tmp_path, "u.csv", "Name,ISIN,Value (USD)\nApple,US0378331005,10.40\n")
    assert values(usd, "value_eur") == [Decimal("10.00")]
    assert text  # the first form with two columns is the same file with an empty column


def test_the_heading_currency_wins_over_a_market_currency_column(tmp_path: Path) -> None:
    result = cleaned(tmp_path, "h.csv", real_files.NOK_HEADING)
    assert result.rows["currency"].to_list() == ["NOK", "NOK"]
    assert values(result, "value_eur") == [Decimal("100000.00"), Decimal("1000.00")]
    assert result.file_total == Decimal("1171600.00")


def test_a_value_that_says_its_currency_needs_no_currency_column(tmp_path: Path) -> None:
    result = cleaned(tmp_path, "h.csv", real_files.CURRENCY_IN_CELLS)
    assert result.rows["currency"].to_list() == ["EUR", "EUR", "EUR"]
    assert values(result) == [
        Decimal("1250.50"),
        Decimal("1250000.00"),
        Decimal("2500000.00"),
    ]


def test_a_missing_currency_says_how_to_give_it(tmp_path: Path) -> None:
    result = cleaned(tmp_path, "h.csv", "Name,ISIN,Value\nApple,US0378331005,10\n")
    (_line, column, reason) = result.errors[0]
    assert column == "Value" and "--currency" in reason and "import page" in reason
    assert cleaned(tmp_path, "h.csv", "Name,Value\nApple,10\n", currency="usd").rows[
        "currency"
    ].to_list() == ["USD"]


def test_label_prefixed_cells_and_totals(tmp_path: Path) -> None:
    result = cleaned(tmp_path, "h.csv", real_files.LABELLED)
    assert result.rows["name"].to_list() == ["ABB Ltd", "ASML Holding NV", "Apple Inc"]
    assert result.rows["isin"].to_list() == [real_files.ABB, real_files.ASML, real_files.APPLE]
    assert sum(values(result)) == result.file_total == Decimal("4500000.00")
    assert result.skipped == [(5, "a total row, not imported")] and not result.errors


def test_blank_lines_inside_subtotals_notes_and_missing_identifiers(tmp_path: Path) -> None:
    result = cleaned(tmp_path, "h.csv", real_files.DUTCH_SEMICOLON)
    assert not result.errors
    assert result.rows["line"].to_list() == [5, 6, 7, 10]  # line 10 follows a blank line
    assert result.rows["isin"].to_list() == [real_files.ASML, real_files.APPLE, "", ""]
    assert result.rows["country"].to_list() == ["NL", "US", "KR", ""]
    assert result.rows["kind"].to_list() == ["company", "company", "company", "cash"]
    assert sum(values(result, "value_eur")) == result.file_total == Decimal("1571156.99")
    skipped = dict(result.skipped)
    assert set(skipped) == {8, 11, 12, 14}
    assert skipped[14].startswith("below the table") and "Bron: bewaarder" in skipped[14]


def test_an_unknown_country_is_named_in_the_reason(tmp_path: Path) -> None:
    result = cleaned(tmp_path, "h.csv", "Naam;Land;Marktwaarde EUR\nA;Zuid-Koreaa;1\n")
    assert result.errors == [(2, "Land", "country “Zuid-Koreaa” not recognised")]


def test_a_listing_country_is_kept_apart_from_the_country(tmp_path: Path) -> None:
    result = cleaned(tmp_path, "h.csv", "Name,Exchange Country,Value EUR\nMedtronic,US,5\n")
    assert result.rows.select("country", "listing_country").row(0) == ("", "US")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("USD CASH", "cash"),
        ("CASH EUR", "cash"),
        ("LIQUIDE MIDDELEN", "cash"),
        ("TERM DEPOSIT ING 3M", "cash"),
        ("FX FORWARD EUR/USD 15-03-2025", "fx"),
        ("FWD USD/JPY", "fx"),
        ("EURO STOXX 50 FUT MAR25", "derivative"),
        ("S&P500 EMINI FUTURE", "derivative"),
        ("IRS EUR 10Y PAY FIXED", "derivative"),
        ("CDX IG SWAP", "derivative"),
        ("SX5E 4500 CALL DEC25", "derivative"),
        ("BLACKROCK ICS EURO LIQUIDITY FUND", "fund"),
        ("GELDMARKTFONDS EURO", "fund"),
        ("ISHARES CORE MSCI WORLD UCITS ETF", "fund"),
        ("VANGUARD FUNDS PLC - S&P 500 UCITS ETF", "fund"),
        # Near misses: companies whatever their names contain.
        ("Fundamental Inc", "company"),
        ("Cashmere Ltd", "company"),
        ("Cash Converters International Ltd", "company"),
        ("Future plc", "company"),
        ("Swapfiets BV", "company"),
        ("Fondsmanager NV", "company"),
        ("Putnam Holdings", "company"),
        ("Forwardly Inc", "company"),
        ("ASML HOLDING NV", "company"),
    ],
)
def test_lines_that_are_not_companies_are_recognised_by_name(name: str, kind: str) -> None:
    frame = pl.DataFrame({"asset_class": [""], "name": [name]})
    assert frame.select(_kind(pl.col("asset_class"), pl.col("name")))["literal"].item() == kind


@pytest.mark.parametrize(
    ("asset_class", "kind"),
    [
        ("Cash", "cash"),
        ("Liquiditeiten", "cash"),
        ("FX Forward", "fx"),
        ("Valutatermijncontract", "fx"),
        ("Futures", "derivative"),
        ("Opties", "derivative"),
        ("Beleggingsfondsen", "fund"),
        ("Money market", "fund"),
        ("Aandelen", "company"),
        ("Equity", "company"),
        ("Corporate bonds", "company"),
    ],
)
def test_lines_that_are_not_companies_are_recognised_by_asset_class(
    asset_class: str, kind: str
) -> None:
    # The asset class decides even against the name (a fund called like a company).
    frame = pl.DataFrame({"asset_class": [asset_class], "name": ["Fundamental Cash Inc"]})
    assert frame.select(_kind(pl.col("asset_class"), pl.col("name")))["literal"].item() == kind


def test_lines_that_are_not_companies_need_no_identity(tmp_path: Path) -> None:
    result = cleaned(tmp_path, "h.csv", "ISIN;Naam;Marktwaarde EUR\n-;USD CASH;5\n-;;7\n")
    assert result.rows["kind"].to_list() == ["cash"]
    assert result.errors == [(3, "Naam", "no ISIN, LEI or name")]


def test_every_refused_line_keeps_its_reason_beyond_the_display_cap(tmp_path: Path) -> None:
    rows = "".join(f"A{i};Atlantis;{i + 1}\n" for i in range(1500))
    result = cleaned(tmp_path, "h.csv", "Naam;Land;Marktwaarde EUR\n" + rows)
    assert len(result.errors) == 1000 and len(result.reasons) == 1500
    table = read_table(tmp_path / "h.csv", "h.csv", LIMITS)
    written = rejected_file(table, result.errors, result.rejected_lines, result.reasons)
    lines = list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))[1:]
    assert len(lines) == 1500
    assert all(line[-1] == "Land: country “Atlantis” not recognised" for line in lines)


def test_reasons_are_in_the_persons_language(tmp_path: Path) -> None:
    with translation.override("nl"):
        result = cleaned(tmp_path, "h.csv", real_files.AMBIGUOUS)
        noted = cleaned(tmp_path, "n.csv", real_files.DUTCH_SEMICOLON)
    assert result.errors[0][2].startswith("“1.234” is op twee manieren te lezen")
    assert dict(noted.skipped)[8] == "een totaalregel, niet geïmporteerd"


# --- JSON ------------------------------------------------------------------------------------


def test_a_json_list_of_records_is_read_exactly(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    real_files.REAL_FILES[5].write(path)
    table = read_table(path, "h.json", LIMITS)
    assert table.headings == ["Naam", "ISIN", "Land", "Marktwaarde"]
    result = clean_rows(
        table,
        recognise(table.headings),
        rates=RATES,
        as_of=AS_OF,
        decimal_comma_default=False,
        file_currency="EUR",
    )
    # 1.234 is a JSON number: one euro and a bit, never 1234
    assert values(result) == [
        Decimal("1234.50"),
        Decimal("1.23"),
        Decimal("100.00"),
        Decimal("2500.00"),
    ]
    assert result.rows["kind"].to_list() == ["company", "company", "company", "fund"]
    assert result.rows["country"].to_list() == ["NL", "US", "KR", ""]


def test_a_bare_json_array_and_exact_numbers(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_text('[{"Name": "A", "Value EUR": 12345678901234.56}, {"Name": "B"}]')
    table = read_table(path, "h.json", LIMITS)
    assert table.frame.rows() == [("A", "12345678901234.56"), ("B", None)]


# --- Through the import, into the database ---------------------------------------------------


@pytest.fixture
def importing(world: World, request: pytest.FixtureRequest) -> World:
    prepared: World = request.getfixturevalue("setup")
    ExchangeRate.objects.create(currency="NOK", date=AS_OF, units_per_eur=Decimal("11.6"))
    return prepared


@pytest.mark.parametrize("real", real_files.REAL_FILES, ids=lambda r: r.name)
def test_real_files_import_as_published_and_add_up_to_their_own_total(
    importing: World, tmp_path: Path, real: real_files.RealFile
) -> None:
    path = tmp_path / real.name
    real.write(path)
    report = run(importing, path, currency=real.currency)
    assert (report.imported, report.rejected) == (real.imported, 0)
    assert len(report.skipped) == real.skipped
    snapshot = Snapshot.objects.get(pk=report.snapshot_id)
    if real.total is not None:
        assert report.file_total == real.total == snapshot.total_value_eur
    positions = Position.objects.filter(snapshot=snapshot)
    if real.kinds:
        kinds = dict(positions.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
        assert kinds == real.kinds
    # Lines that are not companies are never proposed as issuers.
    assert not positions.exclude(kind="company").filter(issuer__isnull=False).exists()


def test_a_json_file_without_currency_is_refused_with_how_to_give_it(
    importing: World, tmp_path: Path
) -> None:
    path = tmp_path / "delta.json"
    real_files.REAL_FILES[5].write(path)
    with pytest.raises(RowsRejected) as rejected:
        run(importing, path)
    line, column, reason = rejected.value.report.errors[0]
    assert (line, column) == (1, "Marktwaarde") and "--currency" in reason


def test_two_plain_amount_columns_ask_which_is_the_value(importing: World, tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("Name,Value,Amount\nApple,1,2\n")
    with pytest.raises(ColumnsNeeded) as needed:
        run(importing, path)
    assert needed.value.missing == ["market_value"]


def test_the_refused_rows_file_speaks_the_persons_language(tmp_path: Path) -> None:
    with translation.override("nl"):
        result = cleaned(tmp_path, "h.csv", "Naam;Land;Marktwaarde EUR\nA;Atlantis;1\n")
        table = read_table(tmp_path / "h.csv", "h.csv", LIMITS)
        written = rejected_file(table, result.errors, result.rejected_lines, result.reasons)
    rows = list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))
    assert rows == [
        ["regel", "Naam", "Land", "Marktwaarde EUR", "fout"],
        ["2", "A", "Atlantis", "1", "Land: land “Atlantis” niet herkend"],
    ]


def test_an_ambiguous_column_is_refused_naming_line_column_and_value(
    importing: World, tmp_path: Path
) -> None:
    path = tmp_path / "ambiguous.csv"
    path.write_text(real_files.AMBIGUOUS)
    with pytest.raises(RowsRejected) as rejected:
        run(importing, path)
    assert [
        (line, column, why.split(" ")[0]) for line, column, why in rejected.value.report.errors
    ] == [
        (2, "Market Value (EUR)", "“1.234”"),
        (3, "Market Value (EUR)", "“12.345”"),
    ]
    assert Snapshot.objects.count() == 0
