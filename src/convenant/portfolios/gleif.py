"""Loading issuer reference data from the files GLEIF publishes: the LEI-CDF golden copy (CSV,
one row per LEI, columns such as ``LEI``, ``Entity.LegalName``,
``Entity.LegalAddress.Country``) and the ISIN-to-LEI relationship file (``LEI,ISIN``).

Both are streamed: rows are read one by one, validated, and sent to PostgreSQL in batches
through COPY into a temporary table, then merged with one INSERT … ON CONFLICT per batch.
Memory stays bounded by the batch size, so a full golden copy (millions of records) loads.

This module reads and writes in bulk; the actions ``load_lei_records`` and
``load_isin_mapping`` (``portfolios.actions.register``) own the transaction and the audit
event: the whole load is one transaction, so a file that fails half-way leaves the register
as it was.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import connection

from convenant.core.errors import ActionError
from convenant.portfolios.identifiers import country_code, isin_problem, lei_problem
from convenant.portfolios.names import normalize_name

LEI_COLUMN = "LEI"
NAME_COLUMN = "Entity.LegalName"
LEGAL_COUNTRY_COLUMN = "Entity.LegalAddress.Country"
HQ_COUNTRY_COLUMN = "Entity.HeadquartersAddress.Country"
STATUS_COLUMN = "Entity.EntityStatus"
OTHER_NAME_COLUMNS = [f"Entity.OtherEntityNames.OtherEntityName.{n}" for n in range(1, 6)]
ISIN_COLUMN = "ISIN"

MAX_REPORTED_PROBLEMS = 100
Progress = Callable[[int], None]


@dataclass
class LoadReport:
    """What a load did: counts, and the first problems with their line and column."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)

    def audited(self, path: Path) -> dict[str, object]:
        """What the audit event keeps of a load."""
        return {
            "file": path.name,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "skipped": self.skipped,
        }

    def reject(self, line: int, column: str, reason: str) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append((line, column, reason))


def _rows(reader: csv.DictReader[str], path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; a file that is not UTF-8 CSV stops with its line number."""
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            yield line, row
    except UnicodeDecodeError:
        raise ActionError(
            f"{path.name} is not UTF-8 text, as GLEIF files are (found while reading past "
            f"line {line}); nothing was loaded."
        ) from None
    except csv.Error as error:
        raise ActionError(f"{path.name}, line {reader.line_num}: {error}.") from None


@contextmanager
def open_text(path: Path) -> Iterator[IO[str]]:
    """A CSV file, or the single CSV inside a .zip as GLEIF ships them, as UTF-8 text."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(members) != 1:
                raise ActionError(
                    f"{path.name}: expected one CSV file inside, found {len(members)}."
                )
            with archive.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    else:
        with path.open(encoding="utf-8-sig", newline="") as text:
            yield text


def _reader(text: IO[str], required: list[str], path: Path) -> csv.DictReader[str]:
    reader = csv.DictReader(text)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ActionError(
            f"{path.name}: this is not a GLEIF file in the expected layout; "
            f"missing column(s) {', '.join(missing)}."
        )
    return reader


def _copy_rows(table: str, columns: list[str], rows: list[tuple[str, ...]]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _in_action() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("GLEIF rows are written by the load actions, inside their transaction.")


def write_lei_records(
    path: Path, report: LoadReport, *, batch_size: int, progress: Progress | None
) -> None:
    """Add or refresh issuers (and their other names, as register aliases) from a LEI-CDF
    golden-copy CSV (or its .zip), batch by batch."""
    _in_action()
    with open_text(path) as text:
        reader = _reader(text, [LEI_COLUMN, NAME_COLUMN, LEGAL_COUNTRY_COLUMN], path)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS gleif_entity (lei text, legal_name text,"
                " normalized_name text, country text, hq_country text) ON COMMIT DROP;"
                "CREATE TEMP TABLE IF NOT EXISTS gleif_other_name (lei text, name text,"
                " normalized_name text, country text) ON COMMIT DROP;"
                "TRUNCATE gleif_entity, gleif_other_name"
            )
        entities: dict[str, tuple[str, ...]] = {}
        other_names: list[tuple[str, ...]] = []
        for line, row in _rows(reader, path):
            report.read += 1
            lei = (row.get(LEI_COLUMN) or "").strip().upper()
            name = (row.get(NAME_COLUMN) or "").strip()
            if problem := lei_problem(lei):
                report.reject(line, LEI_COLUMN, problem)
                continue
            if not name:
                report.reject(line, NAME_COLUMN, "the legal name is empty")
                continue
            country = country_code(row.get(LEGAL_COUNTRY_COLUMN) or "") or ""
            hq = country_code(row.get(HQ_COUNTRY_COLUMN) or "") or ""
            entities[lei] = (lei, name[:300], normalize_name(name)[:300], country, hq)
            for column in OTHER_NAME_COLUMNS:
                other = (row.get(column) or "").strip()
                if other:
                    other_names.append((lei, other[:300], normalize_name(other)[:300], country))
            if len(entities) >= batch_size:
                _flush_entities(entities, other_names, report)
                if progress:
                    progress(report.read)
        _flush_entities(entities, other_names, report)
        if progress:
            progress(report.read)


def _flush_entities(
    entities: dict[str, tuple[str, ...]], other_names: list[tuple[str, ...]], report: LoadReport
) -> None:
    if not entities:
        return
    _copy_rows(
        "gleif_entity",
        ["lei", "legal_name", "normalized_name", "country", "hq_country"],
        list(entities.values()),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO portfolios_issuer (legal_name, normalized_name, country_of_incorporation,
                country_of_operations, sector_scheme, sector_code, sector_name, industry_name,
                ticker, lei, source, created_at, updated_at)
            SELECT legal_name, normalized_name, country, hq_country, '', '', '', '', '', lei,
                   'gleif', now(), now()
            FROM gleif_entity
            ON CONFLICT (lei) DO UPDATE SET
                legal_name = EXCLUDED.legal_name, normalized_name = EXCLUDED.normalized_name,
                country_of_incorporation = EXCLUDED.country_of_incorporation,
                country_of_operations = EXCLUDED.country_of_operations, updated_at = now()
            RETURNING (xmax = 0)
            """
        )
        flags = [inserted for (inserted,) in cursor.fetchall()]
        report.inserted += sum(flags)
        report.updated += len(flags) - sum(flags)
        if other_names:
            cursor.execute("TRUNCATE gleif_other_name")
            _copy_rows(
                "gleif_other_name", ["lei", "name", "normalized_name", "country"], other_names
            )
            cursor.execute(
                """
                INSERT INTO portfolios_issueralias (issuer_id, name, normalized_name, country,
                    source, created_at, updated_at)
                SELECT DISTINCT ON (o.normalized_name, o.country) i.id, o.name, o.normalized_name,
                       o.country, 'gleif', now(), now()
                FROM gleif_other_name o JOIN portfolios_issuer i ON i.lei = o.lei
                ON CONFLICT (normalized_name, country) WHERE learned_from_party_id IS NULL
                DO NOTHING
                """
            )
        cursor.execute("TRUNCATE gleif_entity")
    entities.clear()
    other_names.clear()


def write_isin_mapping(
    path: Path, report: LoadReport, *, batch_size: int, progress: Progress | None
) -> None:
    """Attach ISINs to issuers from GLEIF's ISIN-to-LEI relationship file (columns LEI, ISIN).
    An ISIN already known moves to the issuer the file names; an LEI not in the register is
    reported and skipped."""
    _in_action()
    with open_text(path) as text:
        reader = _reader(text, [LEI_COLUMN, ISIN_COLUMN], path)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS gleif_isin (line integer, lei text, isin text)"
                " ON COMMIT DROP; TRUNCATE gleif_isin"
            )
        batch: list[tuple[str, ...]] = []
        for line, row in _rows(reader, path):
            report.read += 1
            lei = (row.get(LEI_COLUMN) or "").strip().upper()
            isin = (row.get(ISIN_COLUMN) or "").strip().upper()
            if problem := lei_problem(lei):
                report.reject(line, LEI_COLUMN, problem)
            elif problem := isin_problem(isin):
                report.reject(line, ISIN_COLUMN, problem)
            else:
                batch.append((str(line), lei, isin))
            if len(batch) >= batch_size:
                _flush_isins(batch, report)
                if progress:
                    progress(report.read)
        _flush_isins(batch, report)


def _flush_isins(batch: list[tuple[str, ...]], report: LoadReport) -> None:
    if not batch:
        return
    _copy_rows("gleif_isin", ["line", "lei", "isin"], batch)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT g.line FROM gleif_isin g
            LEFT JOIN portfolios_issuer i ON i.lei = g.lei WHERE i.id IS NULL ORDER BY g.line
            """
        )
        for (line,) in cursor.fetchall():
            report.reject(line, LEI_COLUMN, "no issuer with this LEI in the register")
        cursor.execute(
            """
            INSERT INTO portfolios_issueridentifier
                (issuer_id, scheme, value, created_at, updated_at)
            SELECT DISTINCT ON (g.isin) i.id, 'isin', g.isin, now(), now()
            FROM gleif_isin g JOIN portfolios_issuer i ON i.lei = g.lei
            ORDER BY g.isin, g.line DESC
            ON CONFLICT (scheme, value) DO UPDATE SET issuer_id = EXCLUDED.issuer_id,
                updated_at = now()
            RETURNING (xmax = 0)
            """
        )
        flags = [inserted for (inserted,) in cursor.fetchall()]
        report.inserted += sum(flags)
        report.updated += len(flags) - sum(flags)
        cursor.execute("TRUNCATE gleif_isin")
    batch.clear()
