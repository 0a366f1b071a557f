"""The holdings import: file → checked rows → issuers matched → one snapshot, written with
COPY in one transaction. Used by the CLI, the API and the upload page alike."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg.copy import QueuedLibpqWriter

from convenant.core import access
from convenant.core.access import Role
from convenant.core.errors import ActionError
from convenant.core.exports import inert_cell
from convenant.core.models import User
from convenant.parties.models import Party
from convenant.portfolios.importing.columns import FIELDS, missing_fields, recognise
from convenant.portfolios.importing.read import RawTable, read_table
from convenant.portfolios.matching import Decision, Matcher, Method, Query
from convenant.portfolios.models import ColumnMapping, ExchangeRate, Position
from convenant.portfolios.names import normalize_name

Progress = Callable[[str, float], None]  # (stage, share done 0..1)
COPY_CHUNK_ROWS = 50_000
POSITION_COLUMNS = [
    "snapshot_id",
    "row",
    "issuer_id",
    "name",
    "isin",
    "lei",
    "country",
    "sector",
    "currency",
    "market_value",
    "value_eur",
    "quantity",
    "ownership_pct",
    "voting_pct",
    "status",
    "kind",
    "match_method",
    "match_confidence",
]
STATUS = {
    Decision.MATCHED: Position.Status.MATCHED,
    Decision.REVIEW: Position.Status.REVIEW,
    Decision.NEW: Position.Status.NEW,
}


class ColumnsNeeded(ActionError):
    """The file's columns are not all recognised: the person maps them (and we remember)."""

    def __init__(self, headings: list[str], mapping: dict[str, str], missing: list[str]) -> None:
        labels = ", ".join(str(FIELDS[f][0]) for f in missing)
        super().__init__(
            _("Some columns were not recognised. Say which column holds: %(fields)s.")
            % {"fields": labels},
            code="columns",
        )
        self.headings, self.mapping, self.missing = headings, mapping, missing


class RowsRejected(ActionError):
    """Some rows cannot be read and the person did not choose to import only the valid ones."""

    def __init__(self, report: ImportReport) -> None:
        counts = {
            "bad": report.rejected,
            "total": report.rows_read,
            "good": report.rows_read - report.rejected,
        }
        if counts["good"]:
            message = _(
                "%(bad)s of %(total)s rows cannot be read, so nothing was imported. Correct the "
                "file, or choose to import the %(good)s valid rows."
            )
        else:
            message = ngettext(
                "The one row cannot be read, so nothing was imported.",
                "None of the %(total)s rows can be read, so nothing was imported.",
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
    rejected: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    snapshot_id: int | None = None
    rejected_csv: bytes = b""
    mapping: dict[str, str] = field(default_factory=dict)


def rates_on(on: datetime.date) -> dict[str, Decimal]:
    rates = dict(ExchangeRate.objects.filter(date=on).values_list("currency", "units_per_eur"))
    rates["EUR"] = Decimal(1)
    return rates


def check_request(by: User, fund: Party, as_of: datetime.date) -> None:
    actor = access.actor_for(by, fresh=True)
    access.require(actor.has_role(fund.pk, Role.EDITOR))
    if not fund.is_fund:
        raise ActionError(_("Only pension funds import holdings."), code="not_a_fund")
    if as_of > timezone.localdate():
        raise ActionError(
            _("The as-of date %(date)s lies in the future.") % {"date": as_of.isoformat()},
            field="as_of",
        )


def read_and_map(
    path: Path, filename: str, fund: Party, overrides: dict[str, str] | None = None
) -> tuple[RawTable, dict[str, str]]:
    """Read the file and decide its columns: the fund's remembered headings, the usual
    names, then what the person chose (``overrides``: heading → field, "" to ignore)."""
    table = read_table(path, filename)
    remembered = dict(
        ColumnMapping.objects.unrestricted("the holdings import job")
        .filter(fund=fund)
        .values_list("heading", "field")
    )
    mapping = recognise(table.headings, remembered)
    for heading, chosen in (overrides or {}).items():
        if heading not in table.headings:
            raise ActionError(_("The file has no column “%(heading)s”.") % {"heading": heading})
        mapping = {h: f for h, f in mapping.items() if f != chosen and h != heading}
        if chosen:
            if chosen not in FIELDS:
                raise ActionError(
                    _("“%(field)s” is not a field of a holdings file.") % {"field": chosen}
                )
            mapping[heading] = chosen
    missing = missing_fields(mapping)
    if missing:
        raise ColumnsNeeded(table.headings, mapping, missing)
    return table, mapping


def rejected_file(
    table: RawTable, cleaned_errors: list[tuple[int, str, str]], rejected_lines: set[int]
) -> bytes:
    """The rejected rows as they were read, with the reasons in an extra column. Every cell,
    the headings included (they come from the file too), is made inert."""
    reasons: dict[int, list[str]] = {}
    for line, column, reason in cleaned_errors:
        reasons.setdefault(line, []).append(f"{column}: {reason}" if column else reason)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", *(inert_cell(h) for h in table.headings), "error"])
    rows = table.frame.with_row_index("i").filter(
        (pl.col("i") + table.first_line).is_in(sorted(rejected_lines))
    )
    for row in rows.iter_rows():
        line = row[0] + table.first_line
        cells = [inert_cell(c or "") for c in row[1:]]
        writer.writerow([line, *cells, inert_cell("; ".join(reasons.get(line, [])))])
    return out.getvalue().encode("utf-8-sig")


def match_rows(rows: pl.DataFrame, by: User, fund: Party) -> pl.DataFrame:
    """Match each distinct (isin, lei, name, country) once; propose issuers for the names
    found nowhere; return the rows with issuer_id, status, method and confidence."""
    keys = ["isin", "lei", "name", "country"]
    distinct = rows.select(keys).unique(maintain_order=True)
    queries = [
        Query(key=i, isin=isin, lei=lei, name=name, country=country)
        for i, (isin, lei, name, country) in enumerate(distinct.iter_rows())
    ]
    results = Matcher.for_fund(fund).match(queries)
    # Names found nowhere become the fund's proposals: a write, so an action's.
    from convenant.portfolios.actions.issuers import propose_issuers

    proposals = propose_issuers(
        by=by,
        fund=fund,
        names=[
            (query.name, query.country)
            for query, result in zip(queries, results, strict=True)
            if result.decision == Decision.NEW and query.name
        ],
    )
    issuer_ids, statuses, methods, confidences = [], [], [], []
    for query, result in zip(queries, results, strict=True):
        issuer_id, decision = result.issuer_id, result.decision
        if decision == Decision.NEW:
            proposal = (
                proposals.get((normalize_name(query.name[:300]), query.country))
                if query.name
                else None
            )
            issuer_id = proposal
            decision = Decision.NEW if proposal else Decision.REVIEW
        issuer_ids.append(issuer_id)
        statuses.append(str(STATUS[decision]))
        methods.append(str(result.method if result.method != Method.NONE else "none"))
        confidences.append(result.confidence)
    matched = distinct.with_columns(
        pl.Series("issuer_id", issuer_ids, dtype=pl.Int64),
        pl.Series("status", statuses, dtype=pl.Utf8),
        pl.Series("match_method", methods, dtype=pl.Utf8),
        pl.Series("match_confidence", confidences, dtype=pl.Float64),
    )
    return rows.join(matched, on=keys, how="left", nulls_equal=True)


def partition_name(snapshot_id: int) -> str:
    return f"portfolios_position_s{int(snapshot_id)}"


def copy_positions(snapshot_id: int, rows: pl.DataFrame) -> None:
    """Load the rows into a fresh table with no index or constraint yet (the fastest COPY
    PostgreSQL offers), then attach it as the snapshot's partition: the primary key and
    indexes are built in one sorted pass and the foreign keys checked in one join."""
    out = rows.select(
        pl.lit(snapshot_id).alias("snapshot_id"),
        pl.col("line").alias("row"),
        pl.col("issuer_id"),
        *(
            pl.col(c).fill_null("").str.slice(0, 300 if c in {"name"} else 160).alias(c)
            for c in ("name", "isin", "lei", "country", "sector", "currency")
        ),
        pl.col("market_value"),
        pl.col("value_eur"),
        pl.col("quantity"),
        pl.col("ownership_pct"),
        pl.col("voting_pct"),
        pl.col("status"),
        (pl.col("kind") if "kind" in rows.columns else pl.lit("company")).alias("kind"),
        pl.col("match_method"),
        pl.col("match_confidence"),
    )
    table = partition_name(snapshot_id)
    with connection.cursor() as cursor:
        # The CHECK on the partition value lets ATTACH skip its own scan of the table.
        cursor.execute(
            f'CREATE TABLE "{table}" (LIKE portfolios_position INCLUDING DEFAULTS '
            f"INCLUDING CONSTRAINTS, CHECK (snapshot_id = {int(snapshot_id)}))"
        )
        # A worker thread sends each chunk while the next is being formatted, so the
        # server parses rows while polars writes them.
        with cursor.cursor.copy(
            f'COPY "{table}" ({", ".join(POSITION_COLUMNS)}) FROM STDIN WITH (FORMAT csv)',
            writer=QueuedLibpqWriter(cursor.cursor),
        ) as copy:
            for chunk in out.iter_slices(COPY_CHUNK_ROWS):
                buffer = io.BytesIO()
                chunk.write_csv(
                    buffer,
                    include_header=False,
                    quote_style="non_numeric",
                    null_value="",
                    float_precision=6,
                )
                copy.write(buffer.getbuffer())
        cursor.execute(
            f'ALTER TABLE portfolios_position ATTACH PARTITION "{table}" '
            f"FOR VALUES IN ({int(snapshot_id)})"
        )


def drop_positions(snapshot_id: int) -> None:
    """Remove a snapshot's positions by dropping its partition (no row-by-row delete)."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{partition_name(snapshot_id)}"')
