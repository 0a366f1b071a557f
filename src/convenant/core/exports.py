"""What every CSV or XLSX file convenant writes has in common: no cell runs as a formula.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (some also
after leading blanks, and a tab or carriage return in front can hide it), so text from
people or files, a name such as ``=HYPERLINK(…)``, must reach the reader as text. A leading
apostrophe is what spreadsheet programs themselves use to say "this is text"."""

from __future__ import annotations

from typing import TypeVar, overload

T = TypeVar("T")

FORMULA_STARTS = frozenset("=+-@")
# Characters a spreadsheet skips (or that hide what follows) before it reads a formula.
LEADING_BLANKS = " \t\r\n\u00a0"


@overload
def inert_cell(value: str) -> str: ...
@overload
def inert_cell(value: T) -> T: ...
def inert_cell(value: object) -> object:
    """The value as it should be written into an exported cell: text that a spreadsheet
    would run as a formula gets a leading apostrophe; numbers, dates and safe text are
    unchanged."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "\t\r" or value.lstrip(LEADING_BLANKS)[:1] in FORMULA_STARTS:
        return "'" + value
    return value
