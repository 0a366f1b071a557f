"""Importing holdings files: formats, columns, matching, snapshots, and every bad input with
its clear error and an unchanged database."""

import datetime
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.portfolios import testing
from convenant.portfolios.actions import confirm_match, import_holdings
from convenant.portfolios.importing import write as positions_write
from convenant.portfolios.importing.mapping import ColumnsNeeded
from convenant.portfolios.importing.report import ImportReport, RowsRejected
from convenant.portfolios.importing.write import SmallerThanBefore
from convenant.portfolios.models import (
    ColumnMapping,
    ExchangeRate,
    Issuer,
    IssuerIdentifier,
    Position,
    Snapshot,
)

AS_OF = datetime.date(2024, 12, 31)
CSV_NL = (
    "Beleggingen Pensioenfonds Alfa (fictief)\n"
    "Peildatum: 31-12-2024\n"
    "\n"
    "ISIN;Naam;Land;Marktwaarde;Valuta;Aantal\n"
    "NL0010273215;ASML HOLDING NV;Nederland;1.234.567,89;EUR;1.000\n"
    "US0378331005;APPLE INC;Verenigde Staten;1.040,00;USD;20\n"
    ";KONINKLIJKE AHOLD DELH;NL;500,5;EUR;\n"
    "\n"
    "Bron: bewaarder. Aan dit overzicht kunnen geen rechten worden ontleend.\n"
)


@pytest.fixture
def setup(world: World) -> World:
    ExchangeRate.objects.create(currency="USD", date=AS_OF, units_per_eur=Decimal("1.04"))
    ExchangeRate.objects.create(
        currency="USD", date=datetime.date(2024, 6, 30), units_per_eur=Decimal("1.07")
    )
    asml = Issuer.objects.create(
        legal_name="ASML Holding N.V.", country_of_incorporation="NL", source=Issuer.Source.GLEIF
    )
    IssuerIdentifier.objects.create(issuer=asml, scheme="isin", value="NL0010273215")
    apple = Issuer.objects.create(
        legal_name="Apple Inc.", country_of_incorporation="US", source=Issuer.Source.GLEIF
    )
    IssuerIdentifier.objects.create(issuer=apple, scheme="isin", value="US0378331005")
    Issuer.objects.create(
        legal_name="Koninklijke Ahold Delhaize N.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.GLEIF,
    )
    world.extra.update(asml=asml, apple=apple)
    return world


def run(world: World, path: Path, actor: str = "fund_editor", **kw: Any) -> ImportReport:
    kw.setdefault("fund", world.fund)
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("filename", path.name)
    return import_holdings(by=world.users[actor], path=path, **kw)


def state() -> tuple[int, int, int, int, int]:
    return (
        Snapshot.objects.count(),
        Position.objects.count(),
        Issuer.objects.count(),
        ColumnMapping.objects.count(),
        AuditEvent.objects.count(),
    )


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_dutch_csv_with_title_notes_and_decimal_commas(setup: World, tmp_path: Path) -> None:
    report = run(setup, write(tmp_path, "posities.csv", CSV_NL))
    assert (report.rows_read, report.imported, report.rejected) == (3, 3, 0)
    snapshot = Snapshot.objects.get(pk=report.snapshot_id)
    positions = {p.row: p for p in snapshot.positions.all()}
    assert positions[5].issuer == setup.extra["asml"] and positions[5].match_method == "isin"
    assert positions[5].market_value == Decimal("1234567.89")
    assert positions[6].value_eur == Decimal("1000.00")  # 1,040 USD at 1.04 per euro
    assert positions[7].match_method == "fuzzy" and positions[7].status == "matched"
    assert snapshot.total_value_eur == Decimal("1235068.39") + Decimal("1000.00")
    assert snapshot.coverage == 1.0
    assert (
        dict(ColumnMapping.objects.filter(fund=setup.fund).values_list("heading", "field"))[
            "Marktwaarde"
        ]
        == "market_value"
    )
    assert AuditEvent.objects.filter(verb="portfolios.import_holdings").count() == 1


def test_comma_csv_with_bom_thousands_and_value_in_eur_heading(
    setup: World, tmp_path: Path
) -> None:
    text = (
        "\ufeffISIN,Issuer Name,Country,Market Value (EUR),Shares\n"
        'NL0010273215,ASML Holding,NL,"1,234,567.89","1,000"\n'
    )
    report = run(setup, write(tmp_path, "holdings.csv", text))
    position = Position.objects.get(snapshot_id=report.snapshot_id)
    assert position.market_value == Decimal("1234567.89") and position.currency == "EUR"
    assert position.quantity == Decimal("1000")


def test_latin1_file_without_isins_proposes_new_issuers(setup: World, tmp_path: Path) -> None:
    text = "Naam;Land;Waarde;Valuta\nSociété Fictive Générale SA;Frankrijk;10,5;EUR\n"
    report = run(setup, write(tmp_path, "latin1.csv", text, encoding="latin-1"))
    position = Position.objects.get(snapshot_id=report.snapshot_id)
    assert position.name == "Société Fictive Générale SA" and position.country == "FR"
    assert position.status == "new" and position.issuer is not None
    assert position.issuer.proposed_by_party == setup.fund


def test_xlsx_and_ods(setup: World, tmp_path: Path) -> None:
    rows = [
        ["Portefeuille (fictief)"],
        [],
        ["ISIN", "Naam", "Marktwaarde", "Valuta"],
        ["NL0010273215", "ASML", 1234.5, "EUR"],
        ["US0378331005", "Apple", 104, "USD"],
    ]
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "posities.xlsx")
    testing.write_ods(tmp_path / "posities.ods", rows)
    for name in ("posities.xlsx", "posities.ods"):
        report = run(setup, tmp_path / name)
        values = sorted(
            Position.objects.filter(snapshot_id=report.snapshot_id).values_list(
                "value_eur", flat=True
            )
        )
        assert values == [Decimal("100.00"), Decimal("1234.50")], name


def test_unrecognised_columns_are_asked_for_and_remembered(setup: World, tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", "Code;Omschr;Bedrag x1000;Munt\nNL0010273215;ASML;5;EUR\n")
    before = state()
    with pytest.raises(ColumnsNeeded) as asked:
        run(setup, path)
    assert "Market value" in asked.value.messages[0] and asked.value.headings[2] == "Bedrag x1000"
    assert state() == before
    run(setup, path, columns={"Code": "isin", "Bedrag x1000": "market_value"})
    again = run(setup, path, as_of=datetime.date(2024, 6, 30))  # remembered for this fund
    assert again.imported == 1


def test_reimport_replaces_the_snapshot_and_keeps_other_dates(setup: World, tmp_path: Path) -> None:
    path = write(tmp_path, "posities.csv", CSV_NL)
    first = run(setup, path)
    run(setup, path, as_of=datetime.date(2024, 6, 30))
    second = run(setup, path)
    assert not Snapshot.objects.filter(pk=first.snapshot_id).exists()
    assert Snapshot.objects.filter(fund=setup.fund).count() == 2
    assert Position.objects.filter(snapshot_id=second.snapshot_id).count() == 3


BAD_FILES = [
    ("empty.csv", b"", "empty"),
    ("utf16.csv", "ISIN;Naam;Waarde\n".encode("utf-16"), "not a text"),
    ("header-only.csv", b"ISIN;Naam;Marktwaarde;Valuta\n", "no rows"),
    ("script.xlsx", b"#!/bin/sh\necho not a spreadsheet\n", "not a real XLSX"),
    ("holdings.pdf", b"%PDF-1.4", "cannot be read"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_bad_files_are_refused_and_change_nothing(
    setup: World, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = state()
    with pytest.raises(ActionError, match=message):
        run(setup, path)
    assert state() == before


BAD_ROWS = [
    (";;NL;100;EUR", "Naam", "no ISIN, LEI or name"),
    ("NL0010273216;ASML;NL;100;EUR", "ISIN", "check digit"),
    ("NL0010273215;ASML;NL;-100;EUR", "Marktwaarde", "negative value"),
    ("NL0010273215;ASML;NL;honderd;EUR", "Marktwaarde", "not a number"),
    ("NL0010273215;ASML;NL;;EUR", "Marktwaarde", "no market value"),
    ("NL0010273215;ASML;Atlantis;100;EUR", "Land", "country “Atlantis” not recognised"),
    ("NL0010273215;ASML;NL;100;GBP", "Valuta", "no exchange rate"),
    ("US0378331005;APPLE;US;100;USD", "Marktwaarde", "duplicate of an earlier row"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_imported(
    setup: World, tmp_path: Path, row: str, column: str, reason: str
) -> None:
    text = "ISIN;Naam;Land;Marktwaarde;Valuta\nUS0378331005;APPLE;US;100;USD\n" + row + "\n"
    before = state()
    with pytest.raises(RowsRejected) as rejected:
        run(setup, write(tmp_path, "bad.csv", text))
    assert state() == before
    line, col, why = rejected.value.report.errors[0]
    assert (line, col) == (3, column) and reason in why


def test_valid_rows_can_be_imported_and_rejected_rows_downloaded(
    setup: World, tmp_path: Path
) -> None:
    text = (
        "ISIN;Naam;Land;Marktwaarde;Valuta\nUS0378331005;APPLE;US;100;USD\n"
        "NL0010273216;ASML;NL;100;EUR\n"
    )
    report = run(setup, write(tmp_path, "half.csv", text), import_valid_rows=True)
    assert (report.imported, report.rejected) == (1, 1)
    rejected = report.rejected_csv.decode("utf-8-sig").splitlines()
    assert rejected[0] == "line,ISIN,Naam,Land,Marktwaarde,Valuta,error"
    assert rejected[1].startswith("3,NL0010273216,ASML") and "check digit" in rejected[1]


def test_future_date_oversize_file_and_zip_bomb(
    setup: World, tmp_path: Path, settings: Any
) -> None:
    path = write(tmp_path, "posities.csv", CSV_NL)
    before = state()
    with pytest.raises(ActionError, match="in the future"):
        run(setup, path, as_of=datetime.date.today() + datetime.timedelta(days=1))
    settings.HOLDINGS_MAX_BYTES = 100
    with pytest.raises(ActionError, match="the limit is"):
        run(setup, path)
    settings.HOLDINGS_MAX_BYTES = 10_000_000
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    with pytest.raises(ActionError, match="unpacks to"):
        run(setup, bomb)
    settings.HOLDINGS_MAX_ROWS = 2
    with pytest.raises(ActionError, match="more than 2 rows"):
        run(setup, path)
    assert state() == before


def test_only_the_funds_editors_import(setup: World, tmp_path: Path) -> None:
    path = write(tmp_path, "posities.csv", CSV_NL)
    before = state()
    for actor in ("fund_viewer", "other_fund", "secretariat", "union"):
        with pytest.raises(PermissionDenied):
            run(setup, path, actor=actor)
    assert state() == before


def test_snapshots_are_only_visible_to_the_funds_members(setup: World, tmp_path: Path) -> None:
    run(setup, write(tmp_path, "posities.csv", CSV_NL))
    visible = {a: Snapshot.objects.visible_to(u).count() for a, u in setup.users.items()}
    assert visible == {
        "fund_viewer": 1,
        "fund_editor": 1,
        "fund_admin": 1,
        "other_fund": 0,
        "union": 0,
        "former": 0,
        "secretariat": 0,
        "monitoring": 0,
    }


def test_rejected_rows_file_defuses_formulas(setup: World, tmp_path: Path) -> None:
    text = (
        "ISIN;Naam;Land;Marktwaarde;Valuta\nUS0378331005;APPLE;US;100;USD\n"
        'XX;=HYPERLINK("http://example.org");NL;-1;EUR\n'
    )
    report = run(setup, write(tmp_path, "formula.csv", text), import_valid_rows=True)
    line = report.rejected_csv.decode("utf-8-sig").splitlines()[1]
    assert "'=HYPERLINK" in line and ",'-1," in line


def test_rows_sent_in_several_chunks_all_arrive_with_the_partitions_indexes_and_keys(
    setup: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(positions_write, "COPY_CHUNK_ROWS", 2)  # 3 data rows: chunks of 2 and 1
    report = run(setup, write(tmp_path, "posities.csv", CSV_NL))
    rows = list(
        Position.objects.filter(snapshot_id=report.snapshot_id).values_list("row", "market_value")
    )
    assert [row for row, _value in rows] == [5, 6, 7]
    assert rows[0][1] == Decimal("1234567.89")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexdef",
            [positions_write.partition_name(report.snapshot_id)],
        )
        indexes = [definition for (definition,) in cursor.fetchall()]
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [positions_write.partition_name(report.snapshot_id)],
        )
        (foreign_keys,) = cursor.fetchone()
    assert any("UNIQUE" in d and '(snapshot_id, "row")' in d for d in indexes)
    assert any("(issuer_id)" in d for d in indexes)
    # Only the rows still to be looked at are indexed by status.
    assert any("(snapshot_id, status)" in d and "WHERE" in d and "matched" in d for d in indexes)
    assert foreign_keys == 2  # to its snapshot and to the issuer


def test_row_reasons_are_worded_in_the_persons_language(setup: World, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "posities.csv",
        "ISIN;Naam;Land;Marktwaarde;Valuta\n"
        "NL0010273216;ASML;NL;100;EUR\n"
        "NL0010273215;ASML;NL;-100;EUR\n"
        "NL0010273215;ASML;NL;100;GBP\n",
    )
    with translation.override("nl"), pytest.raises(RowsRejected) as rejected:
        run(setup, path)
    reasons = [reason for _line, _column, reason in rejected.value.report.errors]
    assert reasons == [
        "het controlecijfer van “NL0010273216” klopt niet (verwacht: 5)",
        "negatieve waarde",
        "geen wisselkoers voor deze valuta op 2024-12-31 of in de 7 dagen ervoor",
    ]
    assert rejected.value.messages[0] == "Alle 3 rijen zijn geweigerd; er is niets geïmporteerd."


# --- Exact amounts, lines that are not companies, rate dates, partial files -------------------


def test_amounts_are_exact_in_positions_and_totals(setup: World, tmp_path: Path) -> None:
    # Given amounts that binary floats cannot add up exactly
    big = "12.345.678.901.234,56"
    text = "Naam;Land;Marktwaarde;Valuta\n" + "".join(
        f"{name};NL;{value};EUR\n"
        for name, value in [
            ("Alfa NV", big),
            ("Beta NV", big),
            ("Gamma NV", big),
            ("Delta NV", "0,01"),
            ("Epsilon NV", "0,01"),
            ("Zeta NV", "0,01"),
        ]
    )
    # When the file is imported
    report = run(setup, write(tmp_path, "groot.csv", text))
    # Then every position and the snapshot's total carry the file's digits exactly
    snapshot = Snapshot.objects.get(pk=report.snapshot_id)
    values = sorted(snapshot.positions.values_list("market_value", flat=True))
    assert values[-1] == Decimal("12345678901234.56")
    assert snapshot.total_value_eur == Decimal("37037036703703.71")
    assert snapshot.total_value_eur == sum(values)


def test_decimal_columns_are_written_and_summed_without_floats(setup: World) -> None:
    # Given cleaned rows whose amounts are polars decimals (and one still a float column)
    rows = pl.DataFrame(
        {
            "line": [2, 3],
            "market_value": [Decimal("987654321098765.43"), Decimal("0.01")],
            "value_eur": [Decimal("987654321098765.43"), Decimal("0.01")],
            "quantity": [Decimal("1.2345"), None],
            "ownership_pct": [0.123456, None],
        },
        schema_overrides={
            "market_value": pl.Decimal(38, 2),
            "value_eur": pl.Decimal(38, 2),
            "quantity": pl.Decimal(38, 4),
        },
    )
    exact = positions_write.exact_amounts(rows)
    assert exact.schema["ownership_pct"] == pl.Decimal(38, 6)
    # Then the totals are the decimal sum
    assert positions_write.totals(exact).total == Decimal("987654321098765.44")
    # and the partition receives exactly those digits
    snapshot = Snapshot.objects.create(fund=setup.fund, as_of=AS_OF)
    rows = exact.with_columns(
        pl.Series("name", ['Alfa, "Beta"\nGamma ', ""]),
        *(pl.lit("").alias(c) for c in ("isin", "lei", "country", "sector")),
        pl.lit("EUR").alias("currency"),
        pl.lit(None, dtype=pl.Int64).alias("issuer_id"),
        pl.lit(None, dtype=pl.Decimal(38, 6)).alias("voting_pct"),
        pl.lit("review").alias("status"),
        pl.lit("none").alias("match_method"),
        pl.lit(0.0).alias("match_confidence"),
    )
    positions_write.copy_positions(snapshot.pk, rows)
    stored = list(snapshot.positions.values_list("value_eur", "quantity", "ownership_pct"))
    assert stored == [
        (Decimal("987654321098765.43"), Decimal("1.2345"), Decimal("0.123456")),
        (Decimal("0.01"), None, None),
    ]
    # and texts arrive as they were, an empty one as empty (not missing)
    assert list(snapshot.positions.values_list("name", "isin")) == [
        ('Alfa, "Beta"\nGamma ', ""),
        ("", ""),
    ]


def _cleaned(**columns: list[Any]) -> pl.DataFrame:
    n = len(next(iter(columns.values())))
    base: dict[str, list[Any]] = {
        "line": list(range(2, n + 2)),
        "isin": [""] * n,
        "lei": [""] * n,
        "country": [""] * n,
        "sector": [""] * n,
        "currency": ["EUR"] * n,
        "market_value": [Decimal(100)] * n,
        "value_eur": [Decimal(100)] * n,
        "quantity": [None] * n,
        "ownership_pct": [None] * n,
        "voting_pct": [None] * n,
    }
    base.update(columns)
    return positions_write.exact_amounts(pl.DataFrame(base))


def test_lines_that_are_not_companies_are_kept_apart_and_never_proposed(
    setup: World,
) -> None:
    # Given cleaned rows with a company, cash, an FX forward and a future
    rows = _cleaned(
        isin=["NL0010273215", "", "", ""],
        name=["ASML", "USD CASH", "FX FORWARD EUR/USD", "EURO STOXX 50 FUT MAR25"],
        kind=["company", "cash", "fx", "derivative"],
        value_eur=[Decimal("300.00"), Decimal("50.00"), Decimal("25.00"), Decimal("25.00")],
    )
    issuers_before = Issuer.objects.count()
    # When they are matched and written
    matched = positions_write.match_rows(rows, setup.users["fund_editor"], setup.fund)
    figures = positions_write.totals(matched)
    # Then only the company is matched; the others are "other", without issuer or proposal
    assert matched["status"].to_list() == ["matched", "other", "other", "other"]
    assert matched["issuer_id"].to_list()[1:] == [None, None, None]
    assert set(matched["match_method"].to_list()[1:]) == {"none"}
    assert Issuer.objects.count() == issuers_before
    # and their value is kept apart: the coverage counts companies only
    assert (figures.total, figures.matched, figures.other) == (
        Decimal("400.00"),
        Decimal("300.00"),
        Decimal("100.00"),
    )
    snapshot = Snapshot.objects.create(
        fund=setup.fund,
        as_of=AS_OF,
        total_value_eur=figures.total,
        matched_value_eur=figures.matched,
        other_value_eur=figures.other,
    )
    assert snapshot.coverage == 1.0
    positions_write.copy_positions(snapshot.pk, matched)
    kinds = dict(snapshot.positions.values_list("row", "kind"))
    assert kinds == {2: "company", 3: "cash", 4: "fx", 5: "derivative"}
    # and nobody can give a cash line an issuer
    with pytest.raises(ActionError, match="not a company"):
        confirm_match(
            by=setup.users["fund_editor"], snapshot=snapshot, row=3, issuer=setup.extra["apple"]
        )


SATURDAY = datetime.date(2024, 12, 28)


def test_a_saturday_uses_fridays_rates_and_the_snapshot_says_so(
    setup: World, tmp_path: Path
) -> None:
    # Given rates of Friday, none of the Saturday itself
    ExchangeRate.objects.create(
        currency="USD", date=SATURDAY - datetime.timedelta(days=1), units_per_eur=Decimal("1.25")
    )
    text = "ISIN;Naam;Land;Marktwaarde;Valuta\nUS0378331005;APPLE;US;1000;USD\n"
    # When a file dated that Saturday is imported
    report = run(setup, write(tmp_path, "zaterdag.csv", text), as_of=SATURDAY)
    # Then its values use Friday's rates, which the snapshot and the report name
    snapshot = Snapshot.objects.get(pk=report.snapshot_id)
    assert snapshot.positions.get().value_eur == Decimal("800.00")
    assert snapshot.rate_date == report.rate_date == datetime.date(2024, 12, 27)
    # and a file all in euro names no rate date
    euro = run(setup, write(tmp_path, "euro.csv", CSV_NL.replace("USD", "EUR")))
    assert Snapshot.objects.get(pk=euro.snapshot_id).rate_date is None


def test_rates_older_than_the_lookback_are_not_used(
    setup: World, tmp_path: Path, settings: Any
) -> None:
    # Given a rate 8 days before the as-of date, with a lookback of 7 days
    settings.EXCHANGE_RATE_LOOKBACK_DAYS = 7
    as_of = datetime.date(2024, 7, 8)  # the last rate is of 30 June
    text = "ISIN;Naam;Land;Marktwaarde;Valuta\nUS0378331005;APPLE;US;1000;USD\n"
    before = state()
    with pytest.raises(RowsRejected) as rejected:
        run(setup, write(tmp_path, "oud.csv", text), as_of=as_of)
    assert state() == before
    _line, column, reason = rejected.value.report.errors[0]
    assert column == "Valuta"
    assert reason == "no exchange rate for this currency on or within 7 days before 2024-07-08"
    # and with a lookback of 8 days, the rate of 30 June is used
    settings.EXCHANGE_RATE_LOOKBACK_DAYS = 8
    report = run(setup, write(tmp_path, "oud.csv", text), as_of=as_of)
    assert report.rate_date == datetime.date(2024, 6, 30)


def test_a_much_smaller_file_asks_for_confirmation_or_is_kept_as_partial(
    setup: World, tmp_path: Path
) -> None:
    # Given a complete snapshot of three positions
    first = run(setup, write(tmp_path, "posities.csv", CSV_NL), as_of=datetime.date(2024, 6, 30))
    small = write(
        tmp_path, "klein.csv", "ISIN;Naam;Land;Marktwaarde;Valuta\nUS0378331005;APPLE;US;5;USD\n"
    )
    before = state()
    # When a file of one position comes for a later date
    with pytest.raises(SmallerThanBefore) as smaller:
        run(setup, small)
    # Then nothing is imported and the person is told both sizes
    assert state() == before
    error = smaller.value
    assert (error.previous_count, error.count, error.previous_as_of) == (
        3,
        1,
        datetime.date(2024, 6, 30),
    )
    assert "holds 1 position worth" in error.messages[0] and "3 positions" in error.messages[0]
    # and marked partial, it is kept but never becomes the fund's current snapshot
    partial = run(setup, small, partial=True)
    snapshot = Snapshot.objects.get(pk=partial.snapshot_id)
    assert snapshot.partial and partial.partial
    current = Snapshot.objects.filter(fund=setup.fund).latest_per_fund()
    assert list(current) == [Snapshot.objects.get(pk=first.snapshot_id)]
    assert not Position.objects.in_latest_snapshots().filter(snapshot=snapshot).exists()
    # and confirmed as complete, it replaces the partial one and becomes current
    confirmed = run(setup, small, size_confirmed=True)
    assert not Snapshot.objects.filter(pk=snapshot.pk).exists()
    assert list(Snapshot.objects.filter(fund=setup.fund).latest_per_fund().values_list("pk")) == [
        (confirmed.snapshot_id,)
    ]


def test_a_file_of_the_same_size_but_a_fraction_of_the_value_asks_too(
    setup: World, tmp_path: Path
) -> None:
    # Given the snapshot of the same date, about to be replaced
    run(setup, write(tmp_path, "posities.csv", CSV_NL))
    tiny = CSV_NL.replace("1.234.567,89", "1,89")
    with pytest.raises(SmallerThanBefore, match="much less"):
        run(setup, write(tmp_path, "posities.csv", tiny))
    report = run(setup, write(tmp_path, "posities.csv", tiny), size_confirmed=True)
    assert not Snapshot.objects.get(pk=report.snapshot_id).partial


def test_a_file_with_cash_and_derivatives_keeps_them_apart_from_the_coverage(
    setup: World, tmp_path: Path
) -> None:
    # Given a file whose cash and futures lines sit between its companies
    text = (
        "ISIN;Naam;Land;Marktwaarde;Valuta\n"
        "NL0010273215;ASML HOLDING NV;NL;600;EUR\n"
        ";USD CASH;;208;USD\n"
        ";EURO STOXX 50 FUT MAR25;;100;EUR\n"
    )
    issuers_before = Issuer.objects.count()
    # When it is imported
    report = run(setup, write(tmp_path, "met-kas.csv", text))
    # Then the lines that are not companies are kept with their value, never matched
    snapshot = Snapshot.objects.get(pk=report.snapshot_id)
    other = snapshot.positions.exclude(kind=Position.Kind.COMPANY)
    assert sorted(other.values_list("kind", "status", "issuer")) == [
        ("cash", "other", None),
        ("derivative", "other", None),
    ]
    assert Issuer.objects.count() == issuers_before and report.other == 2
    # and the snapshot keeps their value apart: its coverage counts the companies only
    assert (snapshot.total_value_eur, snapshot.other_value_eur) == (Decimal(900), Decimal(300))
    assert snapshot.matched_value_eur == Decimal(600) and snapshot.coverage == 1.0
    client = Client()
    client.force_login(setup.users["fund_viewer"])
    detail = client.get(f"/holdings/{snapshot.pk}/").content.decode()
    assert '<span class="figure">100%</span>' in detail
    assert '<td class="num">100%</td>' in client.get("/holdings/").content.decode()
