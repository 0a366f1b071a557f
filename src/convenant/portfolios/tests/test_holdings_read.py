"""Reading holdings files: every bad file ends in a clear file error (line and reason, in the
person's language), never in a crash; files over the limits are refused while they stream."""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.portfolios import testing
from convenant.portfolios.importing.clean import Cleaned, clean_rows
from convenant.portfolios.importing.columns import recognise
from convenant.portfolios.importing.read import Limits, RawTable, read_table
from convenant.portfolios.importing.report import rejected_file
from convenant.portfolios.testing import write_raw_xlsx as write_xlsx
from convenant.portfolios.tests.test_holdings_import import (  # noqa: F401 (setup: a fixture)
    run,
    setup,
    state,
)

LIMITS = Limits(max_bytes=50_000_000, max_rows=1000, max_cells=20_000, max_zip_ratio=100)
HEADER = "ISIN,Naam,Marktwaarde,Valuta\n"


def read(tmp_path: Path, name: str, data: bytes | str, limits: Limits = LIMITS) -> RawTable:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return read_table(path, name, limits)


def refused(tmp_path: Path, name: str, data: bytes | str, limits: Limits = LIMITS) -> str:
    with pytest.raises(ActionError) as error:
        read(tmp_path, name, data, limits)
    return error.value.messages[0]


def text_row(number: int, *values: str) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def holdings_rows(count: int) -> Iterable[str]:
    yield text_row(1, "ISIN", "Naam", "Marktwaarde")
    for n in range(2, count + 2):
        yield text_row(n, "NL0010273215", f"ASML {n}", str(n))


# --- CSV -----------------------------------------------------------------------------------


def test_an_unclosed_quote_is_refused_with_its_line_and_reason(tmp_path: Path) -> None:
    text = HEADER + 'NL0010273215,ASML,100,EUR\nUS0378331005,"Apple,104,USD\nX,Y,1,EUR\n'
    message = refused(tmp_path, "open.csv", text)
    assert "Line 3" in message and "never closed" in message


def test_text_after_a_closing_quote_is_refused_with_its_line(tmp_path: Path) -> None:
    message = refused(tmp_path, "quote.csv", HEADER + 'NL0010273215,"ASML"NV,100,EUR\n')
    assert "Line 2" in message and "followed by more text" in message


def test_file_errors_are_worded_in_the_persons_language(tmp_path: Path) -> None:
    with translation.override("nl"):
        message = refused(tmp_path, "open.csv", HEADER + 'NL0010273215,"ASML,100,EUR\n')
    assert "Regel 2" in message and "afgesloten" in message


def test_blanks_after_the_delimiters_are_read_as_meant(tmp_path: Path) -> None:
    plain = read(tmp_path, "a.csv", "ISIN, Naam, Marktwaarde\nNL0010273215, ASML, 100\n")
    quoted = read(
        tmp_path,
        "b.csv",
        '"ISIN", "Naam", "Marktwaarde"\n"NL0010273215", "ASML, Veldhoven", "1.234,5"\n',
    )
    assert plain.headings == quoted.headings == ["ISIN", "Naam", "Marktwaarde"]
    assert [c.strip() for c in plain.frame.row(0)] == ["NL0010273215", "ASML", "100"]
    assert quoted.frame.row(0) == ("NL0010273215", "ASML, Veldhoven", "1.234,5")


def test_a_quoted_value_over_two_lines_is_one_value(tmp_path: Path) -> None:
    table = read(tmp_path, "multi.csv", HEADER + 'NL0010273215,"ASML\nHolding",100,EUR\n')
    assert table.frame.height == 1 and table.frame.row(0)[1] == "ASML\nHolding"


def test_windows_1252_and_latin_1_are_read(tmp_path: Path) -> None:
    cp = read(tmp_path, "cp.csv", (HEADER + "X,Café €,1,EUR\n").encode("cp1252"))
    latin = read(tmp_path, "l1.csv", (HEADER + "X,Caf\xe9\x81,1,EUR\n").encode("latin-1"))
    assert cp.frame.row(0)[1] == "Café €" and latin.frame.row(0)[1] == "Caf\xe9\x81"


def test_a_csv_over_the_row_limit_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    rows = "".join(f"NL0010273215,ASML {n},{n},EUR\n" for n in range(1500))
    message = refused(tmp_path, "long.csv", HEADER + rows)
    assert "more than 1000 rows" in message
    wide = Limits(max_bytes=50_000_000, max_rows=1000, max_cells=100, max_zip_ratio=100)
    assert "more than 100 cells" in refused(tmp_path, "wide.csv", HEADER + rows[:2000], wide)


def test_json_that_is_not_a_list_of_records_is_refused_clearly(tmp_path: Path) -> None:
    assert "no list of holdings" in refused(tmp_path, "h.json", '{"a": 1}')
    assert "Record 2" in refused(tmp_path, "h.json", '[{"isin": "NL0010273215"}, 5]')
    nested = refused(tmp_path, "h.json", '[{"Naam": "ASML", "Waarde": {"EUR": 5}}]')
    assert "Record 1" in nested and "nested value under “Waarde”" in nested
    assert "line 1, column 11" in refused(tmp_path, "h.json", '[{"Naam": }]')


# --- XLSX ----------------------------------------------------------------------------------


def test_an_xlsx_over_the_row_limit_is_refused_while_it_streams(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    write_xlsx(path, holdings_rows(5000))
    with pytest.raises(ActionError, match="more than 1000 rows"):
        read_table(path, "long.xlsx", LIMITS)
    within = Limits(max_bytes=50_000_000, max_rows=5000, max_cells=20_000, max_zip_ratio=100)
    assert read_table(path, "long.xlsx", within).frame.height == 5000


def test_rows_written_with_a_namespace_prefix_are_counted_too(tmp_path: Path) -> None:
    path = tmp_path / "prefixed.xlsx"
    write_xlsx(path, holdings_rows(5000), prefix="x")
    with pytest.raises(ActionError, match="more than 1000 rows"):
        read_table(path, "prefixed.xlsx", LIMITS)


def test_a_sparse_sheet_spanning_a_huge_area_is_refused(tmp_path: Path) -> None:
    # Two cells far apart make a reader fill the whole rectangle between them.
    path = tmp_path / "sparse.xlsx"
    far = '<row r="900"><c r="XFD900"><v>1</v></c></row>'
    write_xlsx(path, [text_row(1, "ISIN", "Naam", "Marktwaarde"), far])
    with pytest.raises(ActionError, match="more than 20000 cells"):
        read_table(path, "sparse.xlsx", LIMITS)
    beyond = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    write_xlsx(path, [text_row(1, "ISIN", "Naam", "Marktwaarde"), beyond])
    with pytest.raises(ActionError, match="more than 1000 rows"):
        read_table(path, "sparse.xlsx", LIMITS)


def test_a_real_xlsx_is_read(tmp_path: Path) -> None:
    book = Workbook()
    for row in [["Titel"], [], ["ISIN", "Naam", "Marktwaarde"], ["NL0010273215", "ASML", 1.5]]:
        book.active.append(row)
    book.save(tmp_path / "ok.xlsx")
    table = read_table(tmp_path / "ok.xlsx", "ok.xlsx", LIMITS)
    assert (table.headings, table.frame.rows(), table.first_line) == (
        ["ISIN", "Naam", "Marktwaarde"],
        [("NL0010273215", "ASML", "1.5")],
        4,
    )


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_damaged_spreadsheets_are_file_errors(tmp_path: Path, suffix: str) -> None:
    good = tmp_path / f"good.{suffix}"
    rows: list[list[object]] = [["ISIN", "Naam", "Marktwaarde"], ["NL0010273215", "ASML", 1]]
    if suffix == "xlsx":
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.save(good)
    else:
        testing.write_ods(good, rows)
    data = good.read_bytes()
    for damage in (data[: len(data) // 2], data[:30] + b"\x00" * 50, b"PK\x03\x04" + data[::-1]):
        message = refused(tmp_path, f"bad.{suffix}", damage)
        assert "damaged" in message or "cannot be read" in message or "unpacks" in message


# --- ODS -----------------------------------------------------------------------------------


def write_ods_xml(path: Path, body: str) -> None:
    testing.write_ods(path, [["x"]])
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    content = parts["content.xml"].decode()
    start = content.index("<table:table-row>")
    end = content.rindex("</table:table-row>") + len("</table:table-row>")
    parts["content.xml"] = (content[:start] + body + content[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def ods_row(*values: str, repeat: int = 1) -> str:
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in values
    )
    return f'<table:table-row table:number-rows-repeated="{repeat}">{cells}</table:table-row>'


def test_an_ods_row_repeated_a_million_times_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "repeat.ods"
    write_ods_xml(
        path, ods_row("ISIN", "Naam", "Marktwaarde") + ods_row("NL", "A", "1", repeat=10**6)
    )
    with pytest.raises(ActionError, match="more than 1000 rows"):
        read_table(path, "repeat.ods", LIMITS)


def test_an_ods_with_many_empty_rows_after_the_table_is_read(tmp_path: Path) -> None:
    path = tmp_path / "tail.ods"
    empty = (
        '<table:table-row table:number-rows-repeated="1048000">'
        "<table:table-cell/></table:table-row>"
    )
    write_ods_xml(path, ods_row("ISIN", "Naam", "Marktwaarde") + ods_row("NL", "A", "1") + empty)
    assert read_table(path, "tail.ods", LIMITS).frame.rows() == [("NL", "A", "1")]


# --- The rejected-rows file ------------------------------------------------------------------


def test_the_rejected_rows_file_makes_headings_and_cells_inert(tmp_path: Path) -> None:
    table = read(tmp_path, "f.csv", '=cmd|"/C calc"!A0,Naam,Marktwaarde\n@SUM(1),\t=1,-5\n')
    written = rejected_file(table, [(2, "Marktwaarde", "negative value")], {2})
    rows = list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))
    assert rows[0][:2] == ["line", "'=cmd|/C calc!A0"] or rows[0][1].startswith("'=")
    assert rows[1][1:4] == ["'@SUM(1)", "'\t=1", "'-5"]


def test_a_sheet_stored_under_another_name_is_counted_too(tmp_path: Path) -> None:
    # Given a long sheet moved out of xl/worksheets/, named in single-quoted relationships
    plain = tmp_path / "plain.xlsx"
    write_xlsx(plain, holdings_rows(5000))
    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(moved, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b'Target="worksheets/sheet1.xml"', b"Target='/data/s.xml'")
                data = data.replace(b'Id="rId1"', b"Id='rId1'")
            name = "data/s.xml" if info.filename.endswith("sheet1.xml") else info.filename
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    # Then it is still refused for its length, before it is loaded
    with pytest.raises(ActionError, match="more than 1000 rows"):
        read_table(moved, "moved.xlsx", LIMITS)


# --- Through the import --------------------------------------------------------------------


@pytest.fixture
def importing(world: World, request: pytest.FixtureRequest) -> World:
    """The import tests' world: issuers with ISINs and the day's exchange rates."""
    prepared: World = request.getfixturevalue("setup")  # the same world, with more in it
    assert prepared is world
    return prepared


def test_a_broken_csv_is_a_refused_import_and_changes_nothing(
    importing: World, tmp_path: Path
) -> None:
    path = tmp_path / "open.csv"
    path.write_text('ISIN;Naam;Marktwaarde;Valuta\nNL0010273215;"ASML;100;EUR\n')
    before = state()
    with pytest.raises(ActionError, match="Line 2"):
        run(importing, path)
    assert state() == before


def test_a_csv_with_blanks_after_its_delimiters_is_imported(
    importing: World, tmp_path: Path
) -> None:
    path = tmp_path / "spaced.csv"
    path.write_text(
        '"ISIN", "Naam", "Marktwaarde", "Valuta"\n"NL0010273215", "ASML, NV", "1234.5", "EUR"\n'
    )
    report = run(importing, path)
    assert (report.imported, report.rejected, report.matched) == (1, 0, 1)


# --- Numbers the database could not hold -----------------------------------------------------


def clean(table: RawTable) -> Cleaned:
    return clean_rows(
        table,
        recognise(table.headings),
        rates={"EUR": Decimal(1)},
        as_of=datetime.date(2024, 12, 31),
        decimal_comma_default=False,
    )


def test_infinite_and_implausibly_large_values_are_rejected_rows(tmp_path: Path) -> None:
    values = ["inf", "nan", "1e25", "1" * 30, "100"]
    table = read(
        tmp_path, "n.csv", HEADER + "".join(f",A{i},{v},EUR\n" for i, v in enumerate(values))
    )
    cleaned = clean(table)
    reasons = {line: why for line, _column, why in cleaned.errors}
    assert reasons == {
        2: "not a number",
        3: "not a number",
        4: "a value of 1,000,000,000,000,000 or more",
        5: "a value of 1,000,000,000,000,000 or more",
    }
    assert cleaned.rows["market_value"].to_list() == [100.0]


def test_values_adding_up_beyond_what_a_snapshot_holds_are_refused(tmp_path: Path) -> None:
    rows = "".join(f",A{i},900000000000000,EUR\n" for i in range(200))
    with pytest.raises(ActionError, match="add up to more than"):
        clean(read(tmp_path, "sum.csv", HEADER + rows))


def test_a_nul_byte_is_refused_with_its_line(tmp_path: Path) -> None:
    text = HEADER.encode() + b"x" * 5000 + b"\nNL0010273215,AS\x00ML,1,EUR\n"
    assert "Line 3" in refused(tmp_path, "nul.csv", text)
