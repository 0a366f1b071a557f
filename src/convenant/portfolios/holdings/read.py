"""Reading a holdings file into a table of text cells: CSV (comma or semicolon, UTF-8 or
Latin-1), XLSX and ODS; the header may sit below a few lines of title and notes, and notes or
a disclaimer may follow the table. Limits on size, rows, cells and (for the zipped
spreadsheet formats) the compression ratio guard against mistakes and zip bombs."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from convenant.core.errors import ActionError
from convenant.portfolios.holdings.columns import looks_like_header

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_cells: int
    max_zip_ratio: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.HOLDINGS_MAX_BYTES,
            max_rows=settings.HOLDINGS_MAX_ROWS,
            max_cells=settings.HOLDINGS_MAX_CELLS,
            max_zip_ratio=settings.HOLDINGS_MAX_ZIP_RATIO,
        )


@dataclass
class RawTable:
    """The table as text. ``frame`` has one Utf8 column per heading (named by position);
    ``lines[i]`` is the line or row number in the file of data row i, for messages."""

    headings: list[str]
    frame: pl.DataFrame
    first_line: int
    file_format: str
    # Semicolon-separated files come from locales that write 1.234,56.
    decimal_comma_default: bool = False

    def line(self, index: int) -> int:
        return self.first_line + index


def read_table(path: Path, filename: str, limits: Limits | None = None) -> RawTable:
    limits = limits or Limits.from_settings()
    size = path.stat().st_size
    if size == 0:
        raise ActionError(_("The file is empty."), code="empty")
    if size > limits.max_bytes:
        raise ActionError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limits.max_bytes)},
            code="too_large",
        )
    suffix = Path(filename).suffix.lower()
    head = path.open("rb").read(8)
    if suffix in {".xlsx", ".ods"}:
        if not head.startswith(b"PK"):
            raise ActionError(
                _("%(name)s is not a real %(kind)s file.")
                % {"name": filename, "kind": suffix[1:].upper()},
                code="format",
            )
        rows = _read_spreadsheet(path, limits)
        table = _locate(rows, suffix[1:], limits)
    elif suffix in {".csv", ".txt"}:
        if head.startswith(b"PK") or b"\x00" in path.open("rb").read(4096):
            raise ActionError(
                _("%(name)s is not a text (CSV) file.") % {"name": filename}, code="format"
            )
        table = _read_csv(path, limits)
    else:
        raise ActionError(
            _("Files of type “%(suffix)s” cannot be read. Upload CSV, XLSX or ODS.")
            % {"suffix": suffix or filename},
            code="format",
        )
    if table.frame.height == 0:
        raise ActionError(_("The file has a header but no rows of holdings."), code="empty")
    if table.frame.height > limits.max_rows:
        raise ActionError(
            _("The file has %(rows)s rows; the limit is %(limit)s.")
            % {"rows": table.frame.height, "limit": limits.max_rows},
            code="too_large",
        )
    if table.frame.height * table.frame.width > limits.max_cells:
        raise ActionError(
            _("The file has %(cells)s cells; the limit is %(limit)s.")
            % {"cells": table.frame.height * table.frame.width, "limit": limits.max_cells},
            code="too_large",
        )
    return table


# --- CSV -----------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes as such, else Windows-1252/Latin-1, which
    is what spreadsheet programs write on Dutch machines."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return (
            data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1")
        )


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(path: Path, limits: Limits) -> RawTable:
    text = _decode(path.read_bytes())
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    head_rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))[:HEADER_SEARCH_ROWS]
    header_index = next((i for i, row in enumerate(head_rows) if looks_like_header(row)), None)
    if header_index is None:
        header_index = next(
            (i for i, row in enumerate(head_rows) if sum(bool(c) for c in row) >= 2), 0
        )
    headings = [h.strip() for h in head_rows[header_index]] if head_rows else []
    columns = [f"c{i}" for i in range(len(headings))]
    try:
        frame = pl.read_csv(
            text.encode(),
            separator=delimiter,
            has_header=False,
            skip_rows=header_index + 1,
            infer_schema=False,
            truncate_ragged_lines=True,
            quote_char='"',
            new_columns=columns,
        ).select(columns)
    except pl.exceptions.NoDataError:
        frame = pl.DataFrame(schema=dict.fromkeys(columns, pl.Utf8))
    except pl.exceptions.ComputeError as error:
        raise ActionError(
            _("The CSV file cannot be read: %(error)s") % {"error": str(error).splitlines()[0]},
            code="format",
        ) from None
    frame = _drop_notes(frame)
    return RawTable(
        headings,
        frame,
        first_line=header_index + 2,
        file_format="csv",
        decimal_comma_default=delimiter == ";",
    )


# --- XLSX and ODS --------------------------------------------------------------------------


def _check_zip(path: Path, limits: Limits) -> None:
    """Refuse archives that unpack to far more than they weigh (zip bombs)."""
    try:
        with zipfile.ZipFile(path) as archive:
            packed = sum(i.compress_size for i in archive.infolist()) or 1
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise ActionError(
            _("The spreadsheet is damaged and cannot be opened."), code="format"
        ) from None
    if (
        unpacked > limits.max_bytes * limits.max_zip_ratio
        or unpacked / packed > limits.max_zip_ratio
    ):
        raise ActionError(
            _(
                "The spreadsheet unpacks to %(ratio)s times its size; the limit is %(limit)s. "
                "It was not opened."
            )
            % {"ratio": round(unpacked / packed), "limit": limits.max_zip_ratio},
            code="zip_bomb",
        )


def _read_spreadsheet(path: Path, limits: Limits) -> list[list[str]]:
    from python_calamine import CalamineError, CalamineWorkbook

    _check_zip(path, limits)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as error:
        raise ActionError(
            _("The spreadsheet cannot be read: %(error)s") % {"error": error}, code="format"
        ) from None
    if len(rows) > limits.max_rows + HEADER_SEARCH_ROWS:
        raise ActionError(
            _("The file has %(rows)s rows; the limit is %(limit)s.")
            % {"rows": len(rows), "limit": limits.max_rows},
            code="too_large",
        )
    return [[_cell_text(c) for c in row] for row in rows]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def _locate(rows: list[list[str]], file_format: str, limits: Limits) -> RawTable:
    header_index = next(
        (i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if looks_like_header(row)), None
    )
    if header_index is None:
        header_index = next((i for i, row in enumerate(rows) if sum(bool(c) for c in row) >= 2), 0)
    headings = [h.strip() for h in rows[header_index]] if rows else []
    while headings and not headings[-1]:
        headings.pop()
    width = len(headings)
    data = [(row + [""] * width)[:width] for row in rows[header_index + 1 :]]
    frame = pl.DataFrame(
        {f"c{i}": [r[i] or None for r in data] for i in range(width)},
        schema={f"c{i}": pl.Utf8 for i in range(width)},
    )
    return RawTable(
        headings, _drop_notes(frame), first_line=header_index + 2, file_format=file_format
    )


def _drop_notes(frame: pl.DataFrame) -> pl.DataFrame:
    """The table ends at its first completely empty row; what follows is notes."""
    if frame.width == 0 or frame.height == 0:
        return frame
    empty = pl.all_horizontal(
        [pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in frame.columns]
    )
    flags = frame.select(empty.alias("empty"))["empty"]
    first_empty = flags.arg_true()
    if first_empty.len():
        frame = frame.head(int(first_empty[0]))
    # A note right under the table, without a blank line: one cell filled, at the very end.
    filled = frame.select(
        pl.sum_horizontal(
            [
                (pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "")).cast(pl.Int32)
                for c in frame.columns
            ]
        ).alias("n")
    )["n"]
    end = frame.height
    while end > 0 and frame.width > 2 and filled[end - 1] <= 1:
        end -= 1
    return frame.head(end)
