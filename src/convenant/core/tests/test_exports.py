"""The one rule for every exported cell: text that a spreadsheet would run is written inert."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from convenant.core.exports import inert_cell


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://example.org","x")',
        "+31 20 123",
        "-1",
        "@SUM(A1)",
        "\tanything",
        "\ranything",
        " =1+1",
        "   +1",
        "\t=1",
        "\r\n-1",
        "\u00a0@x",
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert inert_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Heineken N.V.", "a=b", "100", "1-2", "e-mail@x.nl"])
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert inert_cell(text) == text


@pytest.mark.parametrize("value", [None, 3, -3, 1.5, Decimal("-1.25")])
def test_numbers_and_empty_cells_are_unchanged(value: object) -> None:
    assert inert_cell(value) is value


def test_an_inert_cell_stays_text_in_csv_and_xlsx() -> None:
    # Given a name that would be a formula
    cells = [inert_cell("=cmd|' /C calc'!A0"), inert_cell("Apple")]
    # When it is written to CSV and to XLSX and read back
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=cmd|' /C calc'!A0", "Apple"]
    book = Workbook()
    book.active.append(cells)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    cell = load_workbook(data).active["A1"]
    # Then the spreadsheet holds it as text, not as a formula
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_the_rule_has_one_home() -> None:
    # A second copy of the formula test drifts (one once missed tab and carriage return).
    root = Path(__file__).resolve().parents[2]
    copies = [
        path.relative_to(root)
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "exports.py"
        and re.search(r"""[{(\[]\s*["']=["']\s*,\s*["']\+["']""", path.read_text())
    ]
    assert copies == []
