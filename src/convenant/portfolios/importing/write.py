"""Writing an import's checked rows: match each distinct holding to an issuer, then load the
rows as the snapshot's own partition of the positions table with COPY.

Replacing a fund's snapshot never blocks other funds: the new partition is built, filled
and indexed as a table of its own, which takes no lock on the positions table; only at the
very end is it attached (SHARE UPDATE EXCLUSIVE on the positions table: readers and writers
of other funds go on) and the old partition dropped (ACCESS EXCLUSIVE, held from there to
the commit, a few milliseconds later)."""

from __future__ import annotations

import datetime
import io
import re
import time
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.conf import settings
from django.db import OperationalError, connection, router, transaction
from django.db.models.deletion import Collector
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg.copy import QueuedLibpqWriter

from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.parties.models import Party
from convenant.portfolios.matching import Decision, Matcher, Method, Query
from convenant.portfolios.models import Position, Snapshot
from convenant.portfolios.names import normalize_name

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
# Never NULL: an empty cell of these is an empty text.
TEXT_COLUMNS = [
    "name",
    "isin",
    "lei",
    "country",
    "sector",
    "currency",
    "status",
    "kind",
    "match_method",
]
# Decimal places of each amount, as the positions table keeps them.
AMOUNT_SCALES = {
    "market_value": 2,
    "value_eur": 2,
    "quantity": 4,
    "ownership_pct": 6,
    "voting_pct": 6,
}
STATUS = {
    Decision.MATCHED: Position.Status.MATCHED,
    Decision.REVIEW: Position.Status.REVIEW,
    Decision.NEW: Position.Status.NEW,
}
PARENT = "portfolios_position"
# The swap waits at most this long for its lock each time, so that readers queued behind it
# are never held up longer; it tries again for about half a minute before giving up.
SWAP_LOCK_TIMEOUT = "200ms"
SWAP_ATTEMPTS = 40
LOCK_NOT_AVAILABLE = "55P03"


# --- Amounts -------------------------------------------------------------------------------


def exact_amounts(rows: pl.DataFrame) -> pl.DataFrame:
    """The amount columns as decimals of the table's scale. A Decimal column stays exact; a
    float column goes through its shortest decimal text (the digits the file had), never
    through binary arithmetic, so sums and the database get exactly those digits."""
    columns = []
    for name, scale in AMOUNT_SCALES.items():
        if name not in rows.columns:
            continue
        dtype = rows.schema[name]
        column = pl.col(name)
        if dtype.is_float():
            column = column.round(scale).cast(pl.Utf8)
        elif not dtype.is_decimal() and dtype != pl.Null:
            column = column.cast(pl.Utf8)
        columns.append(column.cast(pl.Decimal(38, scale)).alias(name))
    return rows.with_columns(columns)


@dataclass(frozen=True)
class Totals:
    count: int
    total: Decimal  # every line, in EUR
    matched: Decimal  # lines matched for certain to an issuer
    other: Decimal  # lines that are not companies (cash, FX, derivatives, funds)


def totals(rows: pl.DataFrame) -> Totals:
    """The snapshot's figures, summed as decimals (the rows' amounts from exact_amounts), in
    one pass over the rows."""
    value = pl.col("value_eur")
    sums = rows.select(
        value.sum().alias("total"),
        (
            value.filter(pl.col("status") == str(Position.Status.MATCHED)).sum()
            if "status" in rows.columns
            else pl.lit(0)
        ).alias("matched"),
        (
            value.filter(pl.col("kind") != str(Position.Kind.COMPANY)).sum()
            if "kind" in rows.columns
            else pl.lit(0)
        ).alias("other"),
    ).row(0, named=True)
    cents = Decimal("0.01")
    total, matched, other = (Decimal(sums[k] or 0).quantize(cents) for k in sums)
    return Totals(count=rows.height, total=total, matched=matched, other=other)


# --- Partial files -------------------------------------------------------------------------


class SmallerThanBefore(ActionError):
    """The file holds much less than the fund's previous complete snapshot (by positions or
    by value): imported only when the person confirms it, or marks it as partial."""

    def __init__(
        self,
        *,
        previous_as_of: datetime.date,
        previous_count: int,
        previous_value: Decimal,
        count: int,
        value: Decimal,
    ) -> None:
        self.previous_as_of, self.previous_count, self.previous_value = (
            previous_as_of,
            previous_count,
            previous_value,
        )
        self.count, self.value = count, value
        super().__init__(
            ngettext(
                "This file holds %(count)s position worth %(value)s euro, much less than the "
                "%(previous_count)s positions worth %(previous_value)s euro of the holdings of "
                "%(date)s. Nothing was imported: confirm that these are all the fund's "
                "holdings, or import the file as partial.",
                "This file holds %(count)s positions worth %(value)s euro, much less than the "
                "%(previous_count)s positions worth %(previous_value)s euro of the holdings of "
                "%(date)s. Nothing was imported: confirm that these are all the fund's "
                "holdings, or import the file as partial.",
                count,
            )
            % {
                "count": number_format(count, 0, force_grouping=True),
                "value": number_format(value, 0, force_grouping=True),
                "previous_count": number_format(previous_count, 0, force_grouping=True),
                "previous_value": number_format(previous_value, 0, force_grouping=True),
                "date": date_format(previous_as_of),
            },
            code="smaller",
        )


def check_size(
    fund: Party,
    as_of: datetime.date,
    figures: Totals,
    *,
    size_confirmed: bool,
    partial: bool,
) -> None:
    """Compare with the fund's previous complete snapshot (the latest on or before this date,
    so the one being replaced counts): less than HOLDINGS_SMALLER_SHARE of its positions or
    of its value raises SmallerThanBefore, unless the person confirmed the size or marked
    the file partial."""
    if size_confirmed or partial:
        return
    previous = (
        Snapshot.objects.unrestricted("import holdings: the action decides access")
        .filter(fund=fund, as_of__lte=as_of, partial=False)
        .order_by("-as_of")
        .first()
    )
    if previous is None:
        return
    share = Decimal(str(settings.HOLDINGS_SMALLER_SHARE))
    if (
        figures.count < share * previous.positions_count
        or figures.total < share * previous.total_value_eur
    ):
        raise SmallerThanBefore(
            previous_as_of=previous.as_of,
            previous_count=previous.positions_count,
            previous_value=previous.total_value_eur,
            count=figures.count,
            value=figures.total,
        )


# --- Matching ------------------------------------------------------------------------------


def match_rows(rows: pl.DataFrame, by: User, fund: Party) -> pl.DataFrame:
    """Match each distinct company (isin, lei, name, country and, when the file has it, the
    listing country) once; propose issuers for the names found nowhere; return the rows with
    issuer_id, status, method and confidence. Lines that are not companies (a ``kind``
    other than company) are never matched nor proposed: status ``other``, no issuer."""
    company = str(Position.Kind.COMPANY)
    listing = "listing_country" in rows.columns
    keys = ["isin", "lei", "name", "country", *(["listing_country"] if listing else [])]
    companies = rows.filter(pl.col("kind") == company) if "kind" in rows.columns else rows
    distinct = companies.select(keys).unique(maintain_order=True)
    queries = [
        Query(
            key=i,
            isin=values[0],
            lei=values[1],
            name=values[2],
            country=values[3],
            listing_country=(values[4] or "") if listing else "",
        )
        for i, values in enumerate(distinct.iter_rows())
    ]
    results = Matcher.for_fund(fund).match(queries) if queries else []
    # The import's first write: from here to its commit, one import at a time.
    serialize_imports()
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
    joined = rows.join(matched, on=keys, how="left", nulls_equal=True)
    if "kind" not in rows.columns:
        return joined
    other = pl.col("kind") != company
    return joined.with_columns(
        pl.when(other).then(None).otherwise(pl.col("issuer_id")).alias("issuer_id"),
        pl.when(other)
        .then(pl.lit(str(Position.Status.NOT_A_COMPANY)))
        .otherwise(pl.col("status"))
        .alias("status"),
        pl.when(other).then(pl.lit("none")).otherwise(pl.col("match_method")).alias("match_method"),
        pl.when(other)
        .then(pl.lit(0.0))
        .otherwise(pl.col("match_confidence"))
        .alias("match_confidence"),
    )


# --- The partition -------------------------------------------------------------------------


def partition_name(snapshot_id: int) -> str:
    return f"portfolios_position_s{int(snapshot_id)}"


def _partition_ddl(cursor: object, table: str, snapshot_id: int) -> tuple[str, list[str]]:
    """CREATE TABLE for a partition of the positions table, and its keys and indexes, read
    from the catalog: unlike ``CREATE TABLE … (LIKE …)`` this takes no lock on the positions
    table, which would otherwise be held until the commit and delay other funds' swaps."""
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [PARENT],
    )
    parts = [
        f'"{name}" {type_} {"NOT NULL" if not_null else "NULL"}'
        for name, type_, not_null in cursor.fetchall()  # type: ignore[attr-defined]
    ]
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT conname, contype, pg_get_constraintdef(oid), conindid FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('c', 'p', 'u') ORDER BY conname",
        [PARENT],
    )
    after: list[str] = []
    constraint_indexes = set()
    for name, kind, definition, index in cursor.fetchall():  # type: ignore[attr-defined]
        if kind == "c":  # ATTACH wants the parent's CHECK constraints by name
            parts.append(f'CONSTRAINT "{name}" {definition}')
        else:
            constraint_indexes.add(index)
            suffix = name.removeprefix(PARENT)
            after.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}{suffix}" {definition}')
    # The partition value as a constraint lets ATTACH skip its own scan of the table.
    parts.append(f"CHECK (snapshot_id = {int(snapshot_id)})")
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT indexrelid, indexrelid::regclass::text, pg_get_indexdef(indexrelid) "
        "FROM pg_index WHERE indrelid = %s::regclass ORDER BY 2",
        [PARENT],
    )
    for oid, name, definition in cursor.fetchall():  # type: ignore[attr-defined]
        if oid in constraint_indexes:
            continue
        # "CREATE INDEX name ON ONLY public.portfolios_position USING …" for the partition.
        using = re.sub(r"^.* ON ONLY \S+ ", "", definition)
        unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
        suffix = name.removeprefix(PARENT)
        after.append(f'CREATE {unique}INDEX "{table}{suffix}" ON "{table}" {using}')
    return f'CREATE TABLE "{table}" ({", ".join(parts)})', after


def build_partition(snapshot_id: int, rows: pl.DataFrame) -> str:
    """Load the rows into a new table of their own (no index yet: the fastest COPY PostgreSQL
    offers), then build its primary key and indexes in one sorted pass each, so that ATTACH
    later only adopts them. Nothing here locks the positions table. Returns the table."""
    out = rows.select(
        pl.lit(snapshot_id).alias("snapshot_id"),
        pl.col("line").alias("row"),
        pl.col("issuer_id"),
        *(
            pl.col(c).fill_null("").str.slice(0, 300 if c in {"name"} else 160).alias(c)
            for c in ("name", "isin", "lei", "country", "sector", "currency")
        ),
        *(pl.col(c) for c in AMOUNT_SCALES),
        pl.col("status"),
        (pl.col("kind") if "kind" in rows.columns else pl.lit("company")).alias("kind"),
        pl.col("match_method"),
        pl.col("match_confidence"),
    )
    table = partition_name(snapshot_id)
    with connection.cursor() as cursor:
        create, keys_and_indexes = _partition_ddl(cursor, table, snapshot_id)
        cursor.execute(create)
        # A worker thread sends each chunk while the next is being formatted, so the
        # server parses rows while polars writes them. Decimals are written as their
        # digits (no float formatting anywhere). Texts are quoted only where they must be
        # (10 % less for the server to parse): an empty one is an empty text, not NULL.
        with cursor.cursor.copy(
            f'COPY "{table}" ({", ".join(POSITION_COLUMNS)}) FROM STDIN WITH (FORMAT csv, '
            f"FORCE_NOT_NULL ({', '.join(TEXT_COLUMNS)}))",
            writer=QueuedLibpqWriter(cursor.cursor),
        ) as copy:
            for chunk in out.iter_slices(COPY_CHUNK_ROWS):
                buffer = io.BytesIO()
                chunk.write_csv(
                    buffer, include_header=False, quote_style="necessary", null_value=""
                )
                copy.write(buffer.getbuffer())
        for statement in keys_and_indexes:
            cursor.execute(statement)
    return table


def serialize_imports() -> None:
    """Imports write one at a time (each from its first write to its commit), whatever the
    fund. Attaching a partition checks its foreign keys under a lock on the snapshot and
    issuer tables that waits for every other writer of those tables, and the other import
    would wait for this one's attach in turn: two imports at once would deadlock. Reads of
    every fund go on meanwhile; the waiting import holds no lock on any table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('portfolios.import_holdings'))")


def lock_snapshots_for_writing() -> None:
    """Take the snapshot table's write lock now, before reading positions, in the order an
    import's swap takes its locks (snapshot table at ATTACH, then the positions table)."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE portfolios_snapshot IN ROW EXCLUSIVE MODE")


def _lock_not_available(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE


def swap_partitions(snapshot_id: int, old_snapshot_id: int | None) -> None:
    """The short last step of an import: attach the new partition and drop the old one.

    ATTACH takes SHARE UPDATE EXCLUSIVE on the positions table (reads and writes of other
    funds go on) and checks the foreign keys of the new rows in one join. DROP needs ACCESS
    EXCLUSIVE, held until the commit that follows at once; it waits at most
    SWAP_LOCK_TIMEOUT each try, so other funds' reads queued behind it are never held up
    long, and tries again while a long read holds the table."""
    table = partition_name(snapshot_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f'ALTER TABLE {PARENT} ATTACH PARTITION "{table}" FOR VALUES IN ({int(snapshot_id)})'
        )
        if old_snapshot_id is None:
            return
        for attempt in range(SWAP_ATTEMPTS):
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL lock_timeout = %s", [SWAP_LOCK_TIMEOUT])
                    cursor.execute(f"LOCK TABLE {PARENT} IN ACCESS EXCLUSIVE MODE")
                    cursor.execute(f'DROP TABLE IF EXISTS "{partition_name(old_snapshot_id)}"')
                    cursor.execute("SET LOCAL lock_timeout = DEFAULT")
                return
            except OperationalError as error:
                if not _lock_not_available(error):
                    raise
                time.sleep(min(0.05 * (attempt + 1), 1.0))
    raise ActionError(
        _(
            "The holdings were too busy to replace the snapshot; nothing was imported. "
            "Try again in a few minutes."
        ),
        code="busy",
    )


def delete_snapshot_row(snapshot: Snapshot) -> None:
    """Delete a snapshot being replaced and what cascades from it (its risk results; import
    jobs forget it), but not its positions one by one: their partition is dropped at the
    swap. The positions' key to the snapshot is checked at the commit, after the drop."""
    collector = Collector(using=router.db_for_write(Snapshot), origin=snapshot)
    collector.collect([snapshot])
    collector.fast_deletes = [qs for qs in collector.fast_deletes if qs.model is not Position]
    collector.data.pop(Position, None)
    collector.delete()


def copy_positions(snapshot_id: int, rows: pl.DataFrame) -> None:
    """A new snapshot's positions, in one go (nothing to replace)."""
    build_partition(snapshot_id, rows)
    swap_partitions(snapshot_id, None)


def drop_positions(snapshot_id: int) -> None:
    """Remove a snapshot's positions by dropping its partition (no row-by-row delete)."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{partition_name(snapshot_id)}"')
