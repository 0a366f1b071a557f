"""Reading a holdings file into a table of text cells: CSV (comma, semicolon or tab, UTF-8 or
Latin-1), XLSX, ODS and JSON (an array of records, or an object holding one); the header may
sit below a few lines of title and notes, blank lines may sit inside the table, and notes or a
disclaimer may follow it. No line is dropped without a word: blank lines hold nothing, and
notes and one-value lines are kept as ``skipped`` with their line. Limits on size, rows,
cells and (for the zipped spreadsheet formats) the compression ratio guard against mistakes
and zip bombs.

Whatever the bytes, reading ends in a table or in an ``ActionError`` that says, in the
person's language, what is wrong and where (the line, when it is known). Rows and cells are
counted while the file streams past, before anything is built in memory, so a file far over
the limits is refused at the cost of reading it once, not of holding it."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import posixpath
import re
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

import numpy
import polars as pl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from convenant.core.errors import ActionError
from convenant.portfolios.importing.columns import looks_like_header

HEADER_SEARCH_ROWS = 30
MAX_HEADING = 200  # a fund's remembered column headings are kept up to this length
CHUNK_BYTES = 1 << 20
FRAME_CHUNK_ROWS = 100_000
# Errors the zip and XML layers raise on damaged or hostile bytes.
ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,  # a compression method zipfile does not know
    ValueError,
    KeyError,  # a part the format requires is missing
    RuntimeError,  # an encrypted part
)


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

    @property
    def row_cap(self) -> int:
        """Rows a sheet may have in all: the data plus a title and notes above the header."""
        return self.max_rows + HEADER_SEARCH_ROWS


# A row that sums up the table (“Totaal”, “Subtotaal aandelen”, “Grand total”): never a note.
TOTAL_WORDS = (
    r"(?i)^\s*(?:sub\s*-?\s*tota(?:a)?l|tota(?:a)?l|totals|grand\s+total|eindtotaal|"
    r"algemeen\s+totaal|som)\b"
)


@dataclass
class RawTable:
    """The table as text. ``frame`` has one Utf8 column per heading (named by position);
    ``lines[i]`` is the line or row number in the file of data row i, for messages (for a
    JSON file: the record's number). ``skipped`` are the lines kept out of the table on
    purpose, with why (a note below it, a line with one value)."""

    headings: list[str]
    frame: pl.DataFrame
    first_line: int
    file_format: str
    # Semicolon-separated files come from locales that write 1.234,56.
    decimal_comma_default: bool = False
    lines: pl.Series | None = None
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def line(self, index: int) -> int:
        if self.lines is not None:
            return int(self.lines[index])
        return self.first_line + index

    def line_numbers(self) -> pl.Series:
        """The file line of every row of ``frame``."""
        if self.lines is not None:
            return self.lines.cast(pl.Int64).alias("line")
        return pl.int_range(
            self.first_line, self.first_line + self.frame.height, dtype=pl.Int64, eager=True
        ).alias("line")


def too_many_rows(limits: Limits) -> ActionError:
    return ActionError(
        _("The file has more than %(limit)s rows; split it into parts of at most %(limit)s.")
        % {"limit": limits.max_rows},
        code="too_large",
    )


def too_many_cells(limits: Limits) -> ActionError:
    return ActionError(
        _("The file has more than %(limit)s cells; leave out columns that are not needed.")
        % {"limit": limits.max_cells},
        code="too_large",
    )


def damaged(kind: str, reason: str = "") -> ActionError:
    message = _("The %(kind)s file is damaged and cannot be read.") % {"kind": kind}
    if reason:
        message = f"{message} {reason}"
    return ActionError(message, code="format")


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
    with path.open("rb") as handle:
        head = handle.read(4096)
    if suffix in {".xlsx", ".ods"}:
        kind = suffix[1:].upper()
        if not head.startswith(b"PK"):
            raise ActionError(
                _("%(name)s is not a real %(kind)s file.") % {"name": filename, "kind": kind},
                code="format",
            )
        table = _read_spreadsheet(path, kind, limits)
    elif suffix in {".csv", ".txt"}:
        if head.startswith(b"PK") or b"\x00" in head:
            raise ActionError(
                _("%(name)s is not a text (CSV) file.") % {"name": filename}, code="format"
            )
        table = _read_csv(path, limits)
    elif suffix == ".json":
        table = _read_json(path, limits)
    else:
        raise ActionError(
            _("Files of type “%(suffix)s” cannot be read. Upload CSV, XLSX, ODS or JSON.")
            % {"suffix": suffix or filename},
            code="format",
        )
    if table.frame.height == 0:
        raise ActionError(_("The file has a header but no rows of holdings."), code="empty")
    if table.frame.height > limits.max_rows:
        raise too_many_rows(limits)
    if table.frame.height * table.frame.width > limits.max_cells:
        raise too_many_cells(limits)
    return table


# --- CSV -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    # "a", "b" or a, b: the blanks after each delimiter are not part of the value.
    skip_initial_space: bool


def _utf8(data: bytes) -> bytes:
    """The text as UTF-8 without a byte-order mark: as it is when it decodes as UTF-8, else
    read as Windows-1252 (or Latin-1, which decodes any byte), which is what spreadsheet
    programs write on Dutch machines. Checked and converted a chunk at a time."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    checker = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), CHUNK_BYTES):
            checker.decode(data[start : start + CHUNK_BYTES])
        checker.decode(b"", final=True)
        return data
    except UnicodeDecodeError:
        pass
    # Bytes that Windows-1252 leaves undefined mean the file is Latin-1.
    encoding = (
        "latin-1" if any(bytes([b]) in data for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)) else "cp1252"
    )
    out = io.BytesIO()
    for start in range(0, len(data), CHUNK_BYTES):
        out.write(data[start : start + CHUNK_BYTES].decode(encoding).encode("utf-8"))
    return out.getvalue()


def _sample_rows(sample: str, dialect: Dialect, limit: int = 50) -> list[list[str]]:
    """The first rows of the file, read leniently (the sample may end inside a value)."""
    reader = csv.reader(
        io.StringIO(sample),
        delimiter=dialect.delimiter,
        skipinitialspace=dialect.skip_initial_space,
    )
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass  # the full read below says where and why
    return rows


def _dialect(sample: str) -> Dialect:
    """The delimiter that splits the first lines into the most rows of one width (2 or
    more columns); and whether values start after blanks (``a, b`` or ``"x", "y"``)."""
    best: tuple[int, int, int] = (0, 0, 0)
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    for rank, candidate in enumerate((",", ";", "\t")):
        widths = [len(r) for r in _sample_rows(sample, Dialect(candidate, True)) if any(r)]
        if not widths:
            continue
        mode = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(mode) if mode >= 2 else 0, mode, -rank)
        if score > best:
            best, delimiter = score, candidate
    spaced = re.search(re.escape(delimiter) + r"[ \t]+\"", sample) is not None
    return Dialect(delimiter, spaced)


def _csv_error(line: int, error: csv.Error) -> ActionError:
    """The csv module's reason, said in the person's language."""
    text = str(error)
    if "unexpected end of data" in text or "EOF" in text:
        reason = _("a quoted value is opened but never closed")
    elif "expected after" in text:
        reason = _("a quoted value is followed by more text before the next delimiter")
    elif "field larger than field limit" in text:
        reason = _("a value is longer than %(limit)s characters") % {
            "limit": csv.field_size_limit()
        }
    elif "NUL" in text:
        reason = _("the line contains a NUL byte")
    else:
        reason = _("the line cannot be split into values")
    return ActionError(
        _("Line %(line)s of the CSV file cannot be read: %(reason)s.")
        % {"line": line, "reason": reason},
        code="format",
    )


def _read_csv(path: Path, limits: Limits) -> RawTable:
    data = _utf8(path.read_bytes())
    nul = data.find(b"\x00")
    if nul >= 0:  # no text holds one, and the database refuses it
        raise ActionError(
            _("Line %(line)s of the CSV file cannot be read: %(reason)s.")
            % {"line": data.count(b"\n", 0, nul) + 1, "reason": _("the line contains a NUL byte")},
            code="format",
        )
    sample = data[:65536].decode("utf-8", errors="ignore")
    dialect = _dialect(sample)
    head_rows = _sample_rows(sample, dialect, HEADER_SEARCH_ROWS)
    header_index = next((i for i, row in enumerate(head_rows) if looks_like_header(row)), None)
    if header_index is None:
        header_index = next(
            (i for i, row in enumerate(head_rows) if sum(bool(c) for c in row) >= 2), 0
        )
    headings = [h.strip()[:MAX_HEADING] for h in head_rows[header_index]] if head_rows else []
    while headings and not headings[-1]:
        headings.pop()
    if not headings:
        raise ActionError(_("The file has a header but no rows of holdings."), code="empty")
    if len(headings) > limits.max_cells:
        raise too_many_cells(limits)
    # Read one row past the limits: having it is how we know the file is over them.
    cap = min(limits.max_rows, limits.max_cells // len(headings)) + 1
    frame = None
    if not dialect.skip_initial_space and data.count(b'"') % 2 == 0:
        frame = _csv_with_polars(data, dialect, header_index, len(headings), cap)
    if frame is None:
        frame = _csv_with_python(data, dialect, header_index, len(headings), cap)
    return _table(
        headings,
        frame,
        first_line=header_index + 2,
        file_format="csv",
        decimal_comma_default=dialect.delimiter == ";",
    )


def _csv_with_polars(
    data: bytes, dialect: Dialect, header_index: int, width: int, cap: int
) -> pl.DataFrame | None:
    """The fast reader, for ordinary files. None when it cannot read the file, or when it
    read fewer rows than there are lines (a quoted value spans lines): the strict reader
    then decides, and says where the file goes wrong."""
    columns = [f"c{i}" for i in range(width)]
    try:
        frame = pl.read_csv(
            data,
            separator=dialect.delimiter,
            has_header=False,
            skip_rows=header_index + 1,
            n_rows=cap,
            infer_schema=False,
            truncate_ragged_lines=True,
            missing_columns="insert",
            quote_char='"',
            new_columns=columns,
        ).select(columns)
    except pl.exceptions.NoDataError:
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.Utf8))
    except (pl.exceptions.PolarsError, ValueError, OverflowError):
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - (header_index + 1)
    if frame.height != min(max(lines, 0), cap):
        return None
    return frame


def _csv_with_python(
    data: bytes, dialect: Dialect, header_index: int, width: int, cap: int
) -> pl.DataFrame:
    """The strict reader: it knows quoted values over several lines, blanks after the
    delimiters, and the line where a value is malformed."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    reader = csv.reader(
        stream,
        delimiter=dialect.delimiter,
        skipinitialspace=dialect.skip_initial_space,
        strict=True,
    )
    records = 0
    line = 1

    def rows() -> Iterator[list[str]]:
        nonlocal records, line
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise _csv_error(line, error) from None
            records += 1
            if records > header_index + 1:
                yield row

    return _frame(rows(), width, cap)


def _frame(rows: Iterable[list[str]], width: int, cap: int) -> pl.DataFrame:
    """A Utf8 frame of ``width`` columns from rows of text, built a slice at a time so the
    Python lists never hold more than one slice; stops after ``cap`` rows."""
    schema = {f"c{i}": pl.Utf8 for i in range(width)}
    parts: list[pl.DataFrame] = []
    columns: list[list[str | None]] = [[] for _ in range(width)]

    def flush() -> None:
        parts.append(pl.DataFrame(dict(zip(schema, columns, strict=True)), schema=schema))
        for column in columns:
            column.clear()

    for count, row in enumerate(rows, start=1):
        for i in range(width):
            value = row[i] if i < len(row) else ""
            columns[i].append(value or None)
        if count >= cap:
            break
        if count % FRAME_CHUNK_ROWS == 0:
            flush()
    flush()
    return pl.concat(parts) if len(parts) > 1 else parts[0]


# --- XLSX and ODS --------------------------------------------------------------------------


def _check_zip(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse archives that unpack to far more than they weigh (zip bombs)."""
    packed = sum(i.compress_size for i in archive.infolist()) or 1
    unpacked = sum(i.file_size for i in archive.infolist())
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


def _read_spreadsheet(path: Path, kind: str, limits: Limits) -> RawTable:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        with zipfile.ZipFile(path) as archive:
            _check_zip(archive, limits)
            if kind == "XLSX":
                _scan_xlsx(archive, limits)
            else:
                _scan_ods(archive, limits)
    except ActionError:
        raise
    except ZIP_ERRORS:
        raise damaged(kind) from None
    # Within the limits: the sheet is small enough for calamine to hold.
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheet = workbook.get_sheet_by_index(0)
            rows = ([_cell_text(c) for c in row] for row in sheet.iter_rows())
            return _locate(rows, kind.lower(), limits)
    except PasswordError:
        raise ActionError(
            _("The spreadsheet is protected with a password. Save it without one."),
            code="format",
        ) from None
    except (CalamineError, ValueError, OSError, OverflowError) as error:
        raise damaged(kind) from error


def _number_text(text: str) -> str:
    """A number the file stores as a number, as text that cannot be misread: 1.234 stored as
    a number is one and a bit, so it is written 1.2340 (the cleaner would otherwise have to
    ask whether the point groups thousands)."""
    if re.fullmatch(r"-?[1-9]\d{0,2}\.\d{3}", text):
        return text + "0"
    return text


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return _number_text(repr(value))
    return str(value).replace("\x00", "").strip()  # the database refuses NUL in text


class _Counter:
    """Rows and cells of a sheet, counted as its XML streams past; refuses the sheet the
    moment it is over the limits. ``extent`` is the rectangle a reader fills in memory: the
    last row used times the widest column used, however sparse the cells in between."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0
        self.last_row = 0
        self.last_column = 0

    def check(self) -> None:
        if self.rows > self.limits.row_cap or self.last_row > self.limits.row_cap:
            raise too_many_rows(self.limits)
        if self.cells > self.limits.max_cells or (
            self.last_row * self.last_column > self.limits.max_cells
        ):
            raise too_many_cells(self.limits)


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        return part.read(4 * CHUNK_BYTES)


def _first_sheet(archive: zipfile.ZipFile) -> list[str]:
    """The part that holds the workbook's first sheet (the one we read), or, when that
    cannot be told, every XML part but the shared strings, to be safe."""
    names = set(archive.namelist())
    sheets = sorted(n for n in names if n.endswith(".xml") and n != "xl/sharedStrings.xml")
    try:
        workbook = _small_part(archive, "xl/workbook.xml")
        rels = _small_part(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return sheets
    first = re.search(rb"<(?:[\w.-]+:)?sheet\b[^>]*?\s[\w.-]+:id\s*=\s*[\"']([^\"']*)", workbook)
    if first is None:
        return sheets
    for tag in re.findall(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>", rels):
        rel_id = re.search(rb"\sId\s*=\s*[\"']([^\"']*)", tag)
        target = re.search(rb"\sTarget\s*=\s*[\"']([^\"']*)", tag)
        if rel_id and target and rel_id.group(1) == first.group(1):
            text = target.group(1).decode("utf-8", errors="replace")
            # Resolved as calamine does: absolute, already under xl/, or relative to xl/.
            name = text.lstrip("/")
            if not text.startswith(("/", "xl/")):
                name = posixpath.join("xl", text)
            name = posixpath.normpath(name)
            return [name] if name in names else sheets
    return sheets


# Tags counted with or without a namespace prefix (<row …> or <x:row …>). The count errs on
# the safe side: "<c" also counts the few <col> and <cfRule> tags, ":c" a stray word in text.
ROW_TAGS = (b"<row", b":row")
CELL_TAGS = (b"<c", b":c")
# Cell and row references, r="B12": the plain spelling is quick to find; any other spelling
# (blanks around "=", single quotes, "$") sends the chunk to the thorough pattern.
REF_ROWS = re.compile(rb' r="[A-Z]*(\d+)"')
REF_COLUMNS = re.compile(rb' r="([A-Z]+)\d')
ANY_REF_ROWS = re.compile(rb'\sr\s*=\s*["\'][A-Za-z$]*\$?(\d+)["\']')
ANY_REF_COLUMNS = re.compile(rb'\sr\s*=\s*["\']\$?([A-Za-z]+)\$?\d')


def _plain_references(chunk: bytes) -> bool:
    return (
        chunk.count(b"r=") == chunk.count(b' r="')
        and b'r="$' not in chunk
        and re.search(rb"r\s+=", chunk) is None
    )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _scan_xlsx(archive: zipfile.ZipFile, limits: Limits) -> None:
    for name in _first_sheet(archive):
        counter = _Counter(limits)
        with archive.open(name) as part:
            for chunk in _tag_chunks(part):
                counter.rows += sum(chunk.count(t) for t in ROW_TAGS)
                cells = sum(chunk.count(t) for t in CELL_TAGS)
                counter.cells += cells
                plain = _plain_references(chunk)
                rows = (REF_ROWS if plain else ANY_REF_ROWS).findall(chunk)
                if rows:
                    counter.last_row = max(counter.last_row, max(map(int, rows)))
                letters = set((REF_COLUMNS if plain else ANY_REF_COLUMNS).findall(chunk))
                if letters:
                    widest = max(_column_number(c) for c in letters)
                    counter.last_column = max(counter.last_column, widest)
                elif cells:  # cells without a reference fill the row from the left
                    counter.last_column = max(counter.last_column, cells)
                counter.last_row = max(counter.last_row, counter.rows)
                counter.check()


def _tag_chunks(part: IO[bytes]) -> Iterator[bytes]:
    """The part in chunks of about a megabyte, each cut just before a ``<`` so that no tag
    is split between two chunks."""
    tail = b""
    while chunk := part.read(CHUNK_BYTES):
        data = tail + chunk
        cut = data.rfind(b"<")
        if cut <= 0:  # a megabyte without a tag: nothing to split
            cut = len(data)
        yield data[:cut]
        tail = data[cut:]
    if tail:
        yield tail


ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


class _StopScan(Exception):
    """The first table has ended: what follows is not read."""


def _repeat(attributes: dict[str, str], name: str) -> int:
    value = attributes.get(f"{ODS_TABLE} {name}", "1")
    try:
        return max(int(value), 1)
    except ValueError:
        raise damaged("ODS") from None


ODS_ROW_TAGS = tuple(b"table-row" + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


def _count_ods_rows(archive: zipfile.ZipFile, limits: Limits) -> None:
    """A quick first pass for the file that is plainly too long: every row element names
    itself once or twice (its start and end tags), so half the names is a floor on the
    rows. Counting bytes is far quicker than parsing, so such a file is refused at once."""
    names = 0
    with archive.open("content.xml") as part:
        for chunk in _tag_chunks(part):
            names += sum(chunk.count(tag) for tag in ODS_ROW_TAGS)
            if names // 2 > limits.row_cap:
                raise too_many_rows(limits)


def _scan_ods(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Count the first table's rows and cells as content.xml streams past, repeats included
    (one short row element may stand for a million rows)."""
    _count_ods_rows(archive, limits)
    counter = _Counter(limits)
    state = {"tables": 0, "row_repeat": 1, "column": 0, "filled_to": 0, "cell_repeat": 1}

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == f"{ODS_TABLE} table":
            state["tables"] += 1
            if state["tables"] > 1:
                raise _StopScan
        elif name == f"{ODS_TABLE} table-row":
            state["row_repeat"] = _repeat(attributes, "number-rows-repeated")
            state["column"] = state["filled_to"] = 0
        elif name in (f"{ODS_TABLE} table-cell", f"{ODS_TABLE} covered-table-cell"):
            state["cell_repeat"] = _repeat(attributes, "number-columns-repeated")
            state["column"] += state["cell_repeat"]
            if f"{ODS_OFFICE} value-type" in attributes:
                state["filled_to"] = state["column"]
        elif name == f"{ODS_TEXT} p":
            state["filled_to"] = state["column"]

    def end(name: str) -> None:
        if name != f"{ODS_TABLE} table-row":
            return
        counter.rows += state["row_repeat"]
        if state["filled_to"]:  # empty rows at the end are not read
            counter.last_row = counter.rows
            counter.cells += state["row_repeat"] * state["filled_to"]
            counter.last_column = max(counter.last_column, state["filled_to"])
            counter.check()

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with archive.open("content.xml") as part:
            while chunk := part.read(CHUNK_BYTES):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _StopScan:
        return
    except xml.parsers.expat.ExpatError as error:
        raise damaged(
            "ODS", _("Its content breaks off at line %(line)s.") % {"line": error.lineno}
        ) from None
    except (LookupError, ValueError):  # an encoding expat does not know
        raise damaged("ODS") from None


def _locate(rows: Iterator[list[str]], file_format: str, limits: Limits) -> RawTable:
    """Find the header among the first rows and read the rest as the table."""
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    header_index = next((i for i, row in enumerate(head) if looks_like_header(row)), None)
    if header_index is None:
        header_index = next((i for i, row in enumerate(head) if sum(bool(c) for c in row) >= 2), 0)
    headings = [h.strip()[:MAX_HEADING] for h in head[header_index]] if head else []
    while headings and not headings[-1]:
        headings.pop()
    width = len(headings)
    if not width:
        raise ActionError(_("The file has a header but no rows of holdings."), code="empty")
    cap = min(limits.max_rows, limits.max_cells // width) + 1
    frame = _frame(itertools.chain(head[header_index + 1 :], rows), width, cap)
    return _table(headings, frame, first_line=header_index + 2, file_format=file_format)


def _table(
    headings: list[str],
    frame: pl.DataFrame,
    *,
    first_line: int,
    file_format: str,
    decimal_comma_default: bool = False,
) -> RawTable:
    """The table without its blank lines, its notes and its one-value lines, each row with
    its line in the file; what is left out (but blank lines) is said in ``skipped``."""
    lines = pl.int_range(first_line, first_line + frame.height, dtype=pl.Int64, eager=True)
    if frame.width == 0 or frame.height == 0:
        return RawTable(
            headings, frame, first_line, file_format, decimal_comma_default, lines.alias("line")
        )
    single = 1 if frame.width > 2 else 0  # a row with this many cells is not holdings
    few = max(1, frame.width // 3) if frame.width > 2 else 0  # notes below fill few cells
    filled = frame.select(
        pl.sum_horizontal(
            [pl.col(c).str.contains(r"\S").fill_null(False).cast(pl.Int32) for c in frame.columns]
        ).alias("n")
    )["n"]
    # The first text of the rows that fill few cells: a total there is part of the table.
    sparse = ((filled > 0) & (filled <= max(few, single))).arg_true()
    texts = (
        frame[sparse]
        .select(
            pl.concat_str(
                [pl.col(c).fill_null("").str.strip_chars() for c in frame.columns], separator=" "
            )
            .str.strip_chars()
            .alias("t")
        )["t"]
        .to_list()
    )
    text_of = dict(zip(sparse.to_list(), texts, strict=True))
    total = {i for i, text in text_of.items() if re.search(TOTAL_WORDS, text)}
    # Notes below the table: the last rows, blank lines between them allowed, that fill few
    # cells and do not sum the table up.
    counts = filled.to_numpy()
    is_total = numpy.zeros(frame.height, dtype=bool)
    is_total[sorted(total)] = True
    data_like = (counts > few) | ((counts > 0) & is_total)
    last = data_like.nonzero()[0]
    end = int(last[-1]) + 1 if len(last) else 0
    skipped: list[tuple[int, str]] = []
    for i, text in text_of.items():
        if i >= end:
            reason = _("below the table, not holdings: “%(text)s”")
        elif counts[i] <= single and i not in total:
            reason = _("a line with one value only, not holdings: “%(text)s”")
        else:
            continue
        skipped.append((first_line + i, reason % {"text": text[:80]}))
    skipped.sort()
    keep = ((counts[:end] > single) | is_total[:end]).nonzero()[0].tolist()
    if len(keep) == frame.height:
        return RawTable(
            headings, frame, first_line, file_format, decimal_comma_default, lines, skipped
        )
    index = pl.Series("i", keep, dtype=pl.Int64)
    return RawTable(
        headings,
        frame[index],
        first_line,
        file_format,
        decimal_comma_default,
        lines.gather(index).alias("line"),
        skipped,
    )


# --- JSON --------------------------------------------------------------------------------------


def _json_records(document: object) -> list[object] | None:
    """The records: the document itself when it is an array, else its one array of
    records (``{"holdings": [...]}``, also one level down). None when there is none or
    several that could each be it."""
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        return None
    arrays = [v for v in document.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
    if len(arrays) == 1:
        return arrays[0]
    if not arrays:
        inner = [_json_records(v) for v in document.values() if isinstance(v, dict)]
        found = [r for r in inner if r is not None]
        return found[0] if len(found) == 1 else None
    return None


def _json_cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _number_text(format(value, "f")) if value.is_finite() else str(value)
    if isinstance(value, int):
        return str(value)
    return str(value).replace("\x00", "").strip()


def _read_json(path: Path, limits: Limits) -> RawTable:
    """A JSON list of records: their keys are the headings, their values the cells.
    Numbers are parsed as decimals so that they stay exact."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise damaged("JSON", _("It is not written in UTF-8.")) from None
    try:
        document = json.loads(text, parse_float=Decimal, parse_constant=str)
    except json.JSONDecodeError as error:
        raise damaged(
            "JSON",
            _("It breaks off at line %(line)s, column %(column)s.")
            % {"line": error.lineno, "column": error.colno},
        ) from None
    except (RecursionError, ValueError):
        raise damaged("JSON", _("It is nested too deeply.")) from None
    records = _json_records(document)
    if records is None:
        raise ActionError(
            _(
                "The JSON file holds no list of holdings. Give an array of records, one per "
                "holding, or an object with one such array (such as “holdings”)."
            ),
            code="format",
        )
    if len(records) > limits.max_rows:
        raise too_many_rows(limits)
    headings: dict[str, None] = {}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ActionError(
                _("Record %(n)s of the JSON file is not an object with named values.")
                % {"n": number},
                code="format",
            )
        for key, value in record.items():
            if isinstance(value, dict | list):
                raise ActionError(
                    _(
                        "Record %(n)s of the JSON file has a nested value under “%(key)s”; "
                        "only plain values (text, numbers) can be read."
                    )
                    % {"n": number, "key": str(key)[:MAX_HEADING]},
                    code="format",
                )
            headings.setdefault(str(key).strip()[:MAX_HEADING])
            if len(headings) > limits.max_cells:
                raise too_many_cells(limits)
    names = list(headings)
    if not names:
        raise ActionError(_("The file has a header but no rows of holdings."), code="empty")
    if len(records) * len(names) > limits.max_cells:
        raise too_many_cells(limits)
    rows = (
        [
            _json_cell(cells.get(name)) or ""
            for cells in ({str(k).strip()[:MAX_HEADING]: v for k, v in record.items()},)
            for name in names
        ]
        for record in records
        if isinstance(record, dict)
    )
    frame = _frame(rows, len(names), limits.max_rows + 1)
    return _table(names, frame, first_line=1, file_format="json")
