"""Holdings lists as pension and index funds really publish them, made by the project itself
(fictional holdings, real layouts): Dutch and English, XLSX, CSV with commas and semicolons,
JSON; thousands separators, cells prefixed with their column's label, subtotals and totals,
blank lines inside the table, notes below it, cash, FX forwards and futures, “-” for a missing
ISIN, a ``Location`` column, a ``Market Value(NOK)`` heading beside a ``Market Currency``
column, several amount columns.

Each fixture says what a correct import of it gives: the lines imported and refused, the
file's own total (in the currency of its values), the kinds of its lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from convenant.portfolios.testing import write_raw_xlsx

ASML, APPLE = "NL0010273215", "US0378331005"
SAMSUNG, ABB = "KR7005930003", "CH0012221716"


@dataclass(frozen=True)
class RealFile:
    name: str
    write: Callable[[Path], None]
    imported: int  # lines that become positions
    total: Decimal | None = None  # the file's own grand total
    kinds: dict[str, int] = field(default_factory=dict)  # kind → lines of that kind
    currency: str = ""  # the currency the person gives for the whole file
    skipped: int = 0  # totals and notes kept out, each with its reason


def _text(content: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(content.encode(encoding))

    return write


# A Dutch pension fund's list: title, subtotals per asset class, cash, a blank line inside
# the table, the grand total and a disclaimer below.
DUTCH_SEMICOLON = """Beleggingen Pensioenfonds Gamma (fictief)
Peildatum 31-12-2024

ISIN;Naam;Land;Marktwaarde EUR;Aantal
NL0010273215;ASML HOLDING NV;Nederland;1.234.567,89;1.000
US0378331005;APPLE INC;Verenigde Staten;225.478,00;2.500
-;SAMSUNG ELECTRONICS CO LTD;Zuid-Korea;98.765,43;n/a
Subtotaal aandelen;;;1.558.811,32;

n/a;LIQUIDE MIDDELEN EUR;;12.345,67;
Subtotaal liquiditeiten;;;12.345,67;
Totaal generaal;;;1.571.156,99;

Bron: bewaarder. Aan dit overzicht kunnen geen rechten worden ontleend.
"""

# An English comma file whose amounts group thousands with a dot: “225.478” is 225,478.
DOT_THOUSANDS_COMMA_FILE = """Name,ISIN,Location,Market Value (EUR)
ASML Holding,NL0010273215,Netherlands,1.250.000
Apple Inc,US0378331005,United States,225.478
Samsung Electronics,KR7005930003,South Korea,12
Grand total,,,1.475.490
"""

# Every value could be read two ways: the column says nothing, so its rows are refused.
AMBIGUOUS = """Name,ISIN,Market Value (EUR)
ASML Holding,NL0010273215,1.234
Apple Inc,US0378331005,12.345
"""

# Cells carrying their column's label, values with a sign and spaces after delimiters.
LABELLED = """Naam; ISIN; Marktwaarde
Naam: ABB Ltd; ISIN: CH0012221716; Marktwaarde: € 1.234.567,00
Naam: ASML Holding NV; ISIN: NL0010273215; Marktwaarde: € 2.500.000
Naam: Apple Inc; ISIN: US0378331005; Marktwaarde: € 765.433,00
Totaal; ; € 4.500.000,00
"""

# Norwegian kroner by heading; the market currency is each security's trading currency.
NOK_HEADING = """Security Name,ISIN,Country,Market Currency,Market Value(NOK)
ASML HOLDING,NL0010273215,NL,EUR,"1,160,000.00"
APPLE INC,US0378331005,US,USD,"11,600.00"
Total,,,,"1,171,600.00"
"""

# Values with the currency written beside them, either side.
CURRENCY_IN_CELLS = """Issuer;ISIN;Value
ASML Holding;NL0010273215;EUR 1,250.50
Apple Inc;US0378331005;"1,250,000.00 EUR"
ABB Ltd;CH0012221716;€ 2,500,000
"""

# Two amount columns: the one in euro is the value.
TWO_AMOUNTS = """Name,ISIN,Market Value Local,Market Value EUR,Currency
APPLE INC,US0378331005,"1,040.00","1,000.00",USD
ASML HOLDING,NL0010273215,"500.00","500.00",EUR
"""

# An index fund's XLSX: English, cash, an FX forward and a future, “n/a” as ISIN, a total.
XLSX_ROWS = [
    ["Fictional World Equity Index Fund — holdings as of 31 December 2024"],
    [],
    ["Security Name", "ISIN", "Asset Class", "Country", "Market Value (EUR)"],
    ["ASML HOLDING NV", ASML, "Equity", "Netherlands", 1234.5],
    ["APPLE INC", APPLE, "Equity", "United States", 1000],
    ["USD CASH", "n/a", "Cash", "", 250.25],
    ["FX FWD EUR/USD 15/03/2025", "-", "FX Forward", "", 10],
    ["EURO STOXX 50 FUT MAR25", "-", "Futures", "", 0],
    ["Total", "", "", "", 2494.75],
    [],
    ["Holdings are subject to change."],
]

# Dutch JSON without a currency: the person gives EUR for the whole file.
JSON_RECORDS = {
    "fonds": "Pensioenfonds Delta (fictief)",
    "peildatum": "2024-12-31",
    "holdings": [
        {"Naam": "ASML Holding NV", "ISIN": ASML, "Land": "Nederland", "Marktwaarde": 1234.5},
        {"Naam": "Apple Inc", "ISIN": APPLE, "Land": "Verenigde Staten", "Marktwaarde": 1.234},
        {"Naam": "Samsung Electronics", "ISIN": "-", "Land": "Zuid-Korea", "Marktwaarde": 100},
        {"Naam": "Geldmarktfonds Euro", "ISIN": None, "Land": None, "Marktwaarde": 2500.0},
    ],
}


def _xlsx(rows: list[list[object]]) -> Callable[[Path], None]:
    def cell(ref: str, value: object) -> str:
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    def write(path: Path) -> None:
        xml = []
        for number, row in enumerate(rows, start=1):
            cells = "".join(cell(f"{chr(65 + i)}{number}", v) for i, v in enumerate(row) if v != "")
            xml.append(f'<row r="{number}">{cells}</row>')
        write_raw_xlsx(path, xml)

    return write


def _json(document: object) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    return write


REAL_FILES = [
    RealFile(
        "pensioenfonds-gamma.csv",
        _text(DUTCH_SEMICOLON, "cp1252"),
        imported=4,
        total=Decimal("1571156.99"),
        kinds={"company": 3, "cash": 1},
        skipped=4,  # two subtotals, the grand total and the note below
    ),
    RealFile(
        "dot-thousands.csv",
        _text(DOT_THOUSANDS_COMMA_FILE),
        imported=3,
        total=Decimal("1475490"),
        kinds={"company": 3},
        skipped=1,
    ),
    RealFile(
        "labelled.csv",
        _text(LABELLED),
        imported=3,
        total=Decimal("4500000.00"),
        kinds={"company": 3},
        skipped=1,
    ),
    RealFile("currency-in-cells.csv", _text(CURRENCY_IN_CELLS), imported=3),
    RealFile(
        "index-fund.xlsx",
        _xlsx(XLSX_ROWS),
        imported=5,
        total=Decimal("2494.75"),
        kinds={"company": 2, "cash": 1, "fx": 1, "derivative": 1},
        skipped=2,  # the total and the note below
    ),
    RealFile(
        "pensioenfonds-delta.json",
        _json(JSON_RECORDS),
        imported=4,
        kinds={"company": 3, "fund": 1},
        currency="EUR",
    ),
    RealFile("two-amounts.csv", _text(TWO_AMOUNTS), imported=2, kinds={"company": 2}),
    # Its total is in kroner: the snapshot's is in euro.
    RealFile("nok.csv", _text(NOK_HEADING), imported=2, kinds={"company": 2}, skipped=1),
]
