"""Writing an import's checked rows: match each distinct holding to an issuer, then load the
rows as the snapshot's own partition of the positions table with COPY."""

from __future__ import annotations

import io

import polars as pl
from django.db import connection
from psycopg.copy import QueuedLibpqWriter

from convenant.core.models import User
from convenant.parties.models import Party
from convenant.portfolios.matching import Decision, Matcher, Method, Query
from convenant.portfolios.models import Position
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
STATUS = {
    Decision.MATCHED: Position.Status.MATCHED,
    Decision.REVIEW: Position.Status.REVIEW,
    Decision.NEW: Position.Status.NEW,
}


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
