"""What an import tells the person: its counts, the rows it refused and why, and the
refused rows as a file to correct."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from convenant.core.errors import ActionError
from convenant.core.exports import inert_cell
from convenant.portfolios.importing.read import RawTable


class RowsRejected(ActionError):
    """Some rows were refused (each with its reason) and the person did not choose to import
    only the valid ones."""

    def __init__(self, report: ImportReport) -> None:
        counts = {
            "bad": report.rejected,
            "total": report.rows_read,
            "good": report.rows_read - report.rejected,
        }
        if counts["good"]:
            message = _(
                "%(bad)s of %(total)s rows were refused, each for the reason given with it, so "
                "nothing was imported. Correct the file, or choose to import the %(good)s "
                "valid rows."
            )
        else:
            message = ngettext(
                "The one row was refused, so nothing was imported.",
                "All %(total)s rows were refused, so nothing was imported.",
                counts["total"],
            )
        super().__init__(message % counts, code="rows")
        self.report = report


@dataclass
class ImportReport:
    rows_read: int = 0
    imported: int = 0
    matched: int = 0
    review: int = 0
    new: int = 0
    other: int = 0  # lines that are not companies (cash, FX, derivatives, funds)
    rejected: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    snapshot_id: int | None = None
    rejected_csv: bytes = b""
    mapping: dict[str, str] = field(default_factory=dict)
    # The day whose exchange rates converted the values (None when all were in euro).
    rate_date: datetime.date | None = None
    partial: bool = False
    # Lines kept out on purpose (totals, notes below the table), with why: never silent.
    skipped: list[tuple[int, str]] = field(default_factory=list)
    # The file's own grand total, in the currency of its values, when it states one.
    file_total: Decimal | None = None


def rejected_file(
    table: RawTable,
    cleaned_errors: list[tuple[int, str, str]],
    rejected_lines: set[int],
    reasons: dict[int, str] | None = None,
) -> bytes:
    """The rejected rows as they were read, with the reasons in an extra column. Every cell,
    the headings included (they come from the file too), is made inert. ``reasons`` (line →
    all of its reasons, uncapped: ``Cleaned.reasons``) gives every line its reason; without
    it the reasons come from ``cleaned_errors``, which may be capped."""
    if reasons is None:
        grouped: dict[int, list[str]] = {}
        for line, column, reason in cleaned_errors:
            grouped.setdefault(line, []).append(f"{column}: {reason}" if column else reason)
        reasons = {line: "; ".join(why) for line, why in grouped.items()}
    out = io.StringIO()
    writer = csv.writer(out)
    # The file's own headings, and ours in the person's language like every message.
    writer.writerow([_("line"), *(inert_cell(h) for h in table.headings), _("error")])
    rows = table.frame.with_columns(table.line_numbers().alias("__line")).filter(
        pl.col("__line").is_in(sorted(rejected_lines))
    )
    columns = table.frame.columns
    for row in rows.select("__line", *columns).iter_rows():
        line = row[0]
        cells = [inert_cell(c or "") for c in row[1:]]
        writer.writerow([line, *cells, inert_cell(reasons.get(line, ""))])
    return out.getvalue().encode("utf-8-sig")
