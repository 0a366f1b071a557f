"""Fuzzing the holdings readers: whatever the bytes of a CSV, XLSX, ODS or JSON upload,
reading (and checking the rows, when the columns are recognised) ends in a table or in the
product's own ActionError, never in another exception. Random bytes and mutations of valid
files; a bounded budget keeps the file well under a minute."""

import datetime
import io
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.portfolios import testing
from convenant.portfolios.actions import import_holdings
from convenant.portfolios.importing.clean import clean_rows
from convenant.portfolios.importing.columns import missing_fields, recognise
from convenant.portfolios.importing.read import Limits, read_table
from convenant.portfolios.tests.test_holdings_import import AS_OF
from convenant.portfolios.tests.test_holdings_import import setup as setup  # a fixture

LIMITS = Limits(max_bytes=1_000_000, max_rows=200, max_cells=2_000, max_zip_ratio=100)
RATES = {"EUR": Decimal(1), "USD": Decimal("1.04")}
FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ROWS: list[list[object]] = [
    ["Portefeuille"],
    [],
    ["ISIN", "Naam", "Land", "Marktwaarde", "Valuta", "Aantal"],
    ["NL0010273215", "ASML", "NL", 1234.5, "EUR", 10],
    ["US0378331005", "Apple", "US", 104, "USD", 3],
    ["", "=HYPERLINK(1)", "Atlantis", "(1.234,5)", "", "x"],
]
CSV = (
    b"Portefeuille;;\n\nISIN;Naam;Land;Marktwaarde;Valuta\n"
    b'NL0010273215;"ASML; Holding";NL;1.234,50;EUR\nUS0378331005;Apple;US;104;USD\n'
    b'"";"=1";XX;-3;\n\nNoot: fictief\n'
)


def valid_xlsx() -> bytes:
    book = Workbook()
    for row in ROWS:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def valid_ods() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.ods"
        testing.write_ods(path, ROWS)
        return path.read_bytes()


XLSX, ODS = valid_xlsx(), valid_ods()


def read_and_check(data: bytes, name: str) -> None:
    """The readers' whole path for one upload; only ActionError may leave it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            table = read_table(path, name, LIMITS)
            mapping = recognise(table.headings)
            if not missing_fields(mapping):
                clean_rows(
                    table,
                    mapping,
                    rates=RATES,
                    as_of=datetime.date(2024, 12, 31),
                    decimal_comma_default=table.decimal_comma_default,
                )
        except ActionError:
            pass


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """A valid file with a few bytes changed, cut, inserted or repeated."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "truncate"]))
        if kind == "flip" and out:
            out[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del out[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "repeat":
            out[at:at] = out[at : at + draw(st.integers(1, 200))] * draw(st.integers(1, 5))
        else:
            del out[at:]
    return bytes(out)


def rezipped(data: bytes, part: str, mutate: bytes) -> bytes:
    """The archive with one part's XML replaced, so the XML itself is what is damaged."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, mutate if info.filename == part else source.read(info))
    return out.getvalue()


def part_of(data: bytes, part: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(part)


NAMES = st.sampled_from(["h.csv", "h.txt", "h.xlsx", "h.ods", "h.json"])


@FUZZ
@given(data=st.binary(max_size=3000), name=NAMES)
def test_random_bytes(data: bytes, name: str) -> None:
    read_and_check(data, name)


@FUZZ
@given(data=mutated(CSV))
def test_mutated_csv(data: bytes) -> None:
    read_and_check(data, "h.csv")


CELL = st.text(
    alphabet=st.sampled_from(list('ab1,;"\t \n\r.-=€é')) | st.characters(codec="utf-8"),
    max_size=12,
)


@FUZZ
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", ", ", "; "]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]),
)
def test_generated_csv(rows: list[list[str]], delimiter: str, encoding: str) -> None:
    text = "ISIN;Naam;Marktwaarde\n" + "\n".join(delimiter.join(row) for row in rows)
    read_and_check(text.encode(encoding, errors="replace"), "h.csv")


@FUZZ
@given(data=mutated(XLSX))
def test_mutated_xlsx_archive(data: bytes) -> None:
    read_and_check(data, "h.xlsx")


@FUZZ
@given(sheet=mutated(part_of(XLSX, "xl/worksheets/sheet1.xml")))
def test_mutated_xlsx_sheet(sheet: bytes) -> None:
    read_and_check(rezipped(XLSX, "xl/worksheets/sheet1.xml", sheet), "h.xlsx")


@FUZZ
@given(data=mutated(ODS))
def test_mutated_ods_archive(data: bytes) -> None:
    read_and_check(data, "h.ods")


@FUZZ
@given(content=mutated(part_of(ODS, "content.xml")))
def test_mutated_ods_content(content: bytes) -> None:
    read_and_check(rezipped(ODS, "content.xml", content), "h.ods")


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
JSON_CELL = st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=12)
JSON_KEYS = st.sampled_from(["ISIN", "Naam", "Land", "Marktwaarde", "Valuta", "Aantal", "x"])


@FUZZ
@given(value=JSON_VALUE)
def test_any_json_is_read_or_refused_clearly(value: object) -> None:
    import json

    read_and_check(json.dumps(value).encode(), "h.json")


@FUZZ
@given(
    records=st.lists(st.dictionaries(JSON_KEYS, JSON_CELL, max_size=7), max_size=20),
    wrapped=st.booleans(),
)
def test_json_records_are_read_or_refused_clearly(
    records: list[dict[str, object]], wrapped: bool
) -> None:
    import json

    document: object = {"holdings": records} if wrapped else records
    read_and_check(json.dumps(document).encode(), "h.json")


@FUZZ
@given(
    data=mutated(
        b'{"holdings": [{"ISIN": "NL0010273215", "Naam": "ASML", "Marktwaarde": '
        b'1234.5, "Valuta": "EUR"}, {"Naam": "USD CASH", "Marktwaarde": "1.250,00"}]}'
    )
)
def test_mutated_json(data: bytes) -> None:
    read_and_check(data, "h.json")


# --- Through the whole import, into the database ---------------------------------------------


@pytest.fixture
def importing_world(world: World, request: pytest.FixtureRequest) -> World:
    """The import tests' world: issuers with ISINs and the day's exchange rates."""
    prepared: World = request.getfixturevalue("setup")
    return prepared


# Mostly plausible numbers, so that most rows reach the database; some hostile ones.
PLAUSIBLE = st.one_of(
    st.integers(0, 10**9).map(str),
    st.floats(0, 99).map(lambda f: f"{f:.2f}"),
    st.integers(0, 10**6).map(lambda n: f"{n:,}".replace(",", ".") + ",50"),
)
NUMBER = st.one_of(
    PLAUSIBLE,
    PLAUSIBLE,
    PLAUSIBLE,
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["1.234,56", "(12)", "1e400", "-0", "€ 5", "1 000", "", "nan", "12%"]),
    st.text(st.characters(codec="utf-8", exclude_characters='\x00;\n\r"'), max_size=8),
)
TEXT = st.text(st.characters(codec="utf-8", exclude_characters='\x00;\n\r"'), max_size=400)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["NL0010273215", "US0378331005", "", "", "XX", "nl0010273215"]),
            TEXT,
            st.sampled_from(["NL", "US", "", "NL", "Atlantis", "nederland"]),
            NUMBER,
            st.sampled_from(["EUR", "USD", "EUR", "", "JPY"]),
            NUMBER,
            NUMBER,
        ),
        min_size=1,
        max_size=12,
    )
)
def test_imports_end_in_a_snapshot_or_a_file_error(
    importing_world: World, rows: list[tuple[str, ...]]
) -> None:
    text = "ISIN;Naam;Land;Marktwaarde;Valuta;Aantal;Belang %\n" + "".join(
        ";".join(row) + "\n" for row in rows
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "h.csv"
        path.write_text(text, encoding="utf-8")
        try:
            report = import_holdings(
                by=importing_world.users["fund_editor"],
                fund=importing_world.fund,
                as_of=AS_OF,
                path=path,
                filename="h.csv",
                import_valid_rows=True,
            )
        except ActionError:
            return
    totals = sum(1 for _line, why in report.skipped if why == "a total row, not imported")
    assert report.imported + report.rejected + totals == report.rows_read and report.snapshot_id


# --- Numbers are never guessed ----------------------------------------------------------------


def _written(value: Decimal, comma_decimals: bool, grouped: bool, decimals: bool) -> str:
    text = f"{value:,.2f}" if decimals else f"{value:,.0f}"
    if not grouped:
        text = text.replace(",", "")
    if comma_decimals:
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


@FUZZ
@example(amounts=[(Decimal(1234), True, False)], comma_decimals=False, delimiter=",")
@example(amounts=[(Decimal("1234.5"), True, True)], comma_decimals=True, delimiter="\t")
@given(
    amounts=st.lists(
        st.tuples(
            st.decimals(0, 10**9, places=2, allow_nan=False, allow_infinity=False),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ),
    comma_decimals=st.booleans(),
    delimiter=st.sampled_from(["\t", ";", ","]),
)
def test_a_value_is_read_exactly_or_refused_never_scaled(
    amounts: list[tuple[Decimal, bool, bool]], comma_decimals: bool, delimiter: str
) -> None:
    # Given a column written in one locale's way, some values grouped, some with decimals
    # (a semicolon file comes from a locale that writes decimals with a comma: its habit may
    # decide a column that nothing else decides, so it is written that way)
    comma_decimals = comma_decimals or delimiter == ";"
    cells = [_written(v, comma_decimals, g, d) for v, g, d in amounts]
    text = f"Name{delimiter}Value EUR\n" + "".join(
        f'N{i}{delimiter}"{cell}"\n' for i, cell in enumerate(cells)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("h.txt" if delimiter == "\t" else "h.csv")
        path.write_text(text, encoding="utf-8")
        table = read_table(path, path.name, LIMITS)
        result = clean_rows(
            table,
            recognise(table.headings),
            rates=RATES,
            as_of=datetime.date(2024, 12, 31),
            decimal_comma_default=table.decimal_comma_default,
        )
    # Then every value is read as written, or its row is refused: never another value.
    read = dict(
        zip(result.rows["line"].to_list(), result.rows["market_value"].to_list(), strict=True)
    )
    for line, (value, _grouped, decimals) in enumerate(amounts, start=2):
        expected = value if decimals else value.quantize(Decimal(1), rounding="ROUND_HALF_EVEN")
        if line in read:
            assert read[line] == expected, (cells, line)
        else:
            assert line in result.rejected_lines
