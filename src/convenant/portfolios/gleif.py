"""Loading issuer reference data from the files GLEIF publishes: the LEI-CDF golden copy (CSV,
one row per LEI, ~290 columns such as ``LEI``, ``Entity.LegalName``,
``Entity.LegalAddress.Country``), its delta files (the same layout, only the records that
changed in a period) and the ISIN-to-LEI relationship file (``LEI,ISIN``).

A legal name is kept in its own script (``ПАО "…"``, ``…株式会社``); GLEIF's other names
(``Entity.OtherEntityNames…1..5``) and transliterated names
(``Entity.TransliteratedOtherEntityNames…1..5``) become register aliases in the entity's
country, so a holdings file that writes the name in Latin letters finds it.

Files are streamed: rows are read one by one, validated, and sent to PostgreSQL in batches
through COPY into a temporary table, then merged with one statement per batch that writes
only new and changed records (a refresh of an unchanged golden copy writes no row, so the
database does not grow until vacuum). Memory stays bounded by the batch size, so a full
golden copy (millions of records) loads.

This module reads and writes in bulk; the actions ``load_lei_records`` and
``load_isin_mapping`` (``portfolios.actions.register``) own the transaction and the audit
event: the whole load is one transaction, so a file that fails half-way leaves the register
as it was.
"""

from __future__ import annotations

import csv
import io
import operator
import string
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.db import OperationalError, connection, transaction

from convenant.core.errors import ActionError
from convenant.portfolios.identifiers import country_code, isin_problem, lei_problem
from convenant.portfolios.names import normalize_name

LEI_COLUMN = "LEI"
NAME_COLUMN = "Entity.LegalName"
LEGAL_COUNTRY_COLUMN = "Entity.LegalAddress.Country"
HQ_COUNTRY_COLUMN = "Entity.HeadquartersAddress.Country"
ENTITY_STATUS_COLUMN = "Entity.EntityStatus"
REGISTRATION_STATUS_COLUMN = "Registration.RegistrationStatus"
SUCCESSOR_COLUMN = "Entity.SuccessorEntity.1.SuccessorLEI"
OTHER_NAME_COLUMNS = [f"Entity.OtherEntityNames.OtherEntityName.{n}" for n in range(1, 6)]
TRANSLITERATED_NAME_COLUMNS = [
    f"Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.{n}" for n in range(1, 6)
]
ISIN_COLUMN = "ISIN"
# Registrations that no longer stand: the entity is gone, was merged or the LEI was a mistake.
# LAPSED only means the LEI was not renewed; the entity may well be alive.
ENDED = {"RETIRED", "ANNULLED", "MERGED", "DUPLICATE"}
# Which register alias source a GLEIF name column becomes.
NAME_SOURCES = [(c, "gleif") for c in OTHER_NAME_COLUMNS] + [
    (c, "transliterated") for c in TRANSLITERATED_NAME_COLUMNS
]

MAX_REPORTED_PROBLEMS = 100
Progress = Callable[[int], None]


@dataclass
class LoadReport:
    """What a load did: counts, and the first problems with their line and column. A refresh
    writes only what changed, so ``unchanged`` counts the records it left alone."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    aliases_added: int = 0
    aliases_removed: int = 0
    ended: int = 0
    merged: int = 0
    indexes_rebuilt: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    # Issuers held in some snapshot whose data changed: what the register's listeners redo.
    changed_issuers: set[int] = field(default_factory=set)

    def audited(self, path: Path) -> dict[str, object]:
        """What the audit event keeps of a load."""
        return {
            "file": path.name,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "aliases_added": self.aliases_added,
            "aliases_removed": self.aliases_removed,
            "ended": self.ended,
            "merged": self.merged,
            "indexes_rebuilt": self.indexes_rebuilt,
        }

    def reject(self, line: int, column: str, reason: str) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append((line, column, reason))


class _Header:
    """Cells by column name, read from a csv.reader row (a DictReader per row of GLEIF's
    ~290 columns would cost more than the rest of the load)."""

    def __init__(self, names: list[str]) -> None:
        self.index = {name: i for i, name in enumerate(names)}
        self.width = len(names)

    def getter(self, column: str) -> Callable[[list[str]], str]:
        i = self.index.get(column)
        if i is None:
            return lambda row: ""
        return lambda row: row[i].strip() if i < len(row) else ""

    def picker(self, columns: list[str]) -> Callable[[list[str]], tuple[str, ...]]:
        """All the cells of ``columns`` in one call; a column the file lacks, or a row cut
        short, gives empty cells."""
        pick = operator.itemgetter(*(self.index.get(c, self.width) for c in columns))
        width = self.width + 1

        def cells(row: list[str]) -> tuple[str, ...]:
            if len(row) < width:
                row = row + [""] * (width - len(row))
            return tuple(cell.strip() for cell in pick(row))

        return cells


_LEI_DIGITS = str.maketrans({c: str(ord(c) - 55) for c in string.ascii_uppercase})


def _lei_is_valid(value: str) -> bool:
    """The ISO 17442 check in one modulo (a fast path: ``lei_problem`` words a failure)."""
    return (
        len(value) == 20
        and value.isascii()
        and value.isalnum()
        and value[18:].isdigit()
        and int(value.translate(_LEI_DIGITS)) % 97 == 1
    )


def _rows(reader: Iterator[list[str]], path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, row) pairs; a file that is not UTF-8 CSV stops with its line number."""
    line = 1
    try:
        for row in reader:
            line = reader.line_num  # type: ignore[attr-defined]
            if row:
                yield line, row
    except UnicodeDecodeError:
        raise ActionError(
            f"{path.name} is not UTF-8 text, as GLEIF files are (found while reading past "
            f"line {line}); nothing was loaded."
        ) from None
    except csv.Error as error:
        raise ActionError(f"{path.name}, line {line + 1}: {error}.") from None


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


def _reader(text: IO[str], required: list[str], path: Path) -> tuple[Any, _Header]:
    reader = csv.reader(text)
    try:
        names = next(reader, [])
    except (UnicodeDecodeError, csv.Error):
        names = []
    missing = [c for c in required if c not in names]
    if missing:
        raise ActionError(
            f"{path.name}: this is not a GLEIF file in the expected layout; "
            f"missing column(s) {', '.join(missing)}."
        )
    return reader, _Header(names)


def _copy_rows(table: str, columns: list[str], rows: Iterable[Sequence[str]]) -> None:
    with connection.cursor() as cursor:
        _copy(cursor.cursor, table, columns, rows)


def _copy(cursor: Any, table: str, columns: list[str], rows: Iterable[Sequence[str]]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


class _Writer:
    """Sends each batch to PostgreSQL on a second thread while the next one is read: the
    server's work (mostly its indexes) and the reading (CSV, names) overlap instead of
    taking turns. It uses the action's own connection, so all stays one transaction; one
    batch is in flight at most, so memory stays bounded; a failure surfaces at the next
    batch or at the end."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gleif")
        self.pending: Future[None] | None = None

    def submit(self, work: Callable[[Any], None]) -> None:
        self.wait()
        self.pending = self.pool.submit(self._run, work)

    def _run(self, work: Callable[[Any], None]) -> None:
        with self.raw.cursor() as cursor:
            work(cursor)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if kind is None:
                self.wait()
            elif self.pending is not None:  # never leave the connection busy behind us
                futures.wait([self.pending])
        finally:
            self.pool.shutdown()


def _in_action() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("GLEIF rows are written by the load actions, inside their transaction.")


# One record as loaded: the issuer's columns, then its names (name, normalised, source).
Entity = tuple[str, str, str, str, str, str, str]
Name = tuple[str, str, str]


def write_lei_records(
    path: Path, report: LoadReport, *, batch_size: int, progress: Progress | None
) -> None:
    """Add or refresh issuers from a LEI-CDF golden copy or a delta file (the same layout;
    CSV or its .zip), batch by batch. Only what differs is written: an issuer whose values
    are the same is left alone, its GLEIF aliases (other and transliterated names) are
    added or removed one by one. Ended registrations (retired, annulled, merged) are marked
    with GLEIF's status, never deleted; a merged entity whose successor is in the register
    points to it."""
    _in_action()
    with open_text(path) as text:
        reader, header = _reader(text, [LEI_COLUMN, NAME_COLUMN, LEGAL_COUNTRY_COLUMN], path)
        cells = header.picker(
            [
                LEI_COLUMN,
                NAME_COLUMN,
                LEGAL_COUNTRY_COLUMN,
                HQ_COUNTRY_COLUMN,
                REGISTRATION_STATUS_COLUMN,
                ENTITY_STATUS_COLUMN,
                SUCCESSOR_COLUMN,
                *(column for column, _source in NAME_SOURCES),
            ]
        )
        sources = [source for _column, source in NAME_SOURCES]
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS gleif_entity (lei text, legal_name text,"
                " normalized_name text, country text, hq_country text,"
                " registration_status text, entity_status text) ON COMMIT DROP;"
                "CREATE TEMP TABLE IF NOT EXISTS gleif_name (lei text, position integer,"
                " name text, normalized_name text, source text) ON COMMIT DROP;"
                "CREATE TEMP TABLE IF NOT EXISTS gleif_successor (lei text, successor text)"
                " ON COMMIT DROP;"
                "CREATE TEMP TABLE IF NOT EXISTS gleif_changed (id bigint) ON COMMIT DROP;"
                "TRUNCATE gleif_entity, gleif_name, gleif_successor, gleif_changed"
            )
        entities: dict[str, Entity] = {}
        names: dict[str, list[Name]] = {}
        successors: list[tuple[str, str]] = []
        countries: dict[str, str] = {}  # a few hundred distinct values in millions of rows
        rebuild = _set_indexes_aside(path)
        with _Writer() as writer:
            for line, row in _rows(reader, path):
                report.read += 1
                lei, name, country, hq, registration, status, successor, *others = cells(row)
                lei = lei.upper()
                if not _lei_is_valid(lei):
                    report.reject(line, LEI_COLUMN, lei_problem(lei) or "not a valid LEI")
                    continue
                if not name:
                    report.reject(line, NAME_COLUMN, "the legal name is empty")
                    continue
                if (code := countries.get(country)) is None:
                    code = countries[country] = country_code(country) or ""
                if (hq_code := countries.get(hq)) is None:
                    hq_code = countries[hq] = country_code(hq) or ""
                registration = registration.upper()[:20]
                entities[lei] = (
                    lei,
                    name[:300],
                    normalize_name(name)[:300],
                    code,
                    hq_code,
                    registration,
                    status.upper()[:20],
                )
                names[lei] = [
                    (other[:300], normalize_name(other)[:300], source)
                    for other, source in zip(others, sources, strict=True)
                    if other
                ]
                if registration in ENDED:
                    report.ended += 1
                    if (successor := successor.upper()) and successor != lei:
                        successors.append((lei, successor))
                if len(entities) >= batch_size:
                    writer.submit(partial(_flush_entities, entities, names, successors, report))
                    entities, names, successors = {}, {}, []
                    if progress:
                        progress(report.read)
            writer.submit(partial(_flush_entities, entities, names, successors, report))
        _link_successors(report)
        report.indexes_rebuilt = _rebuild_indexes(rebuild)
        if progress:
            progress(report.read)


# A first load (a file several times the register's size) builds the issuer table's
# secondary indexes once at the end: far cheaper than keeping two GIN indexes (the search
# vector, trigrams) up to date row by row for millions of rows.
BULK_MIN_RECORDS = 500_000
BYTES_PER_RECORD = 1_100  # a golden-copy CSV line, about


def _records_in(path: Path) -> int:
    """About how many records a golden copy holds, from its (uncompressed) size."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    else:
        size = path.stat().st_size
    return size // BYTES_PER_RECORD


def _set_indexes_aside(path: Path) -> list[str]:
    """For a first load, drop the issuer table's indexes that back no constraint and return
    their definitions to rebuild. This locks the register until the load commits, so it is
    done only when the register is small beside the file and no one holds it at the moment
    (else the load goes row by row, with GIN's pending list enlarged for the load)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
        expected = _records_in(path)
        if expected < BULK_MIN_RECORDS:
            return []
        cursor.execute("SELECT count(*) FROM portfolios_issuer")
        if cursor.fetchone()[0] * 4 > expected:
            return []
        cursor.execute(
            """
            SELECT c.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = 'portfolios_issuer'::regclass
              AND NOT i.indisunique AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            ORDER BY c.relname
            """
        )
        indexes = cursor.fetchall()
        cursor.execute("SELECT current_setting('lock_timeout')")
        waited = cursor.fetchone()[0]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', '5s', true)")
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
    except OperationalError:  # someone reads the register: keep its indexes
        return []
    finally:  # the connection's own lock timeout again
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [waited])
    return [definition for _name, definition in indexes]


def _rebuild_indexes(definitions: list[str]) -> int:
    if not definitions:
        return 0
    with connection.cursor() as cursor:
        # An index cannot be built on a table with deferred checks still queued.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return len(definitions)


def _flush_entities(
    entities: dict[str, Entity],
    names: dict[str, list[Name]],
    successors: list[tuple[str, str]],
    report: LoadReport,
    cursor: Any,
) -> None:
    if not entities:
        return
    _copy(
        cursor,
        "gleif_entity",
        [
            "lei",
            "legal_name",
            "normalized_name",
            "country",
            "hq_country",
            "registration_status",
            "entity_status",
        ],
        entities.values(),
    )
    # New and changed records only: a record equal to its issuer is neither written nor
    # locked, so a refresh of an unchanged file leaves no dead rows behind. The WHERE of
    # DO UPDATE repeats the test for a row that appeared since the SELECT.
    cursor.execute(
        """
        WITH written AS (
            INSERT INTO portfolios_issuer (legal_name, normalized_name,
                country_of_incorporation, country_of_operations, registration_status,
                entity_status, sector_scheme, sector_code, sector_name, industry_name,
                ticker, lei, source, created_at, updated_at)
            SELECT e.legal_name, e.normalized_name, e.country, e.hq_country,
                   e.registration_status, e.entity_status, '', '', '', '', '', e.lei,
                   'gleif', now(), now()
            FROM gleif_entity e LEFT JOIN portfolios_issuer i ON i.lei = e.lei
            WHERE i.id IS NULL
               OR (i.legal_name, i.normalized_name, i.country_of_incorporation,
                   i.country_of_operations, i.registration_status, i.entity_status)
                  IS DISTINCT FROM (e.legal_name, e.normalized_name, e.country,
                   e.hq_country, e.registration_status, e.entity_status)
            ON CONFLICT (lei) DO UPDATE SET
                legal_name = EXCLUDED.legal_name,
                normalized_name = EXCLUDED.normalized_name,
                country_of_incorporation = EXCLUDED.country_of_incorporation,
                country_of_operations = EXCLUDED.country_of_operations,
                registration_status = EXCLUDED.registration_status,
                entity_status = EXCLUDED.entity_status,
                updated_at = now()
            WHERE (portfolios_issuer.legal_name, portfolios_issuer.normalized_name,
                   portfolios_issuer.country_of_incorporation,
                   portfolios_issuer.country_of_operations,
                   portfolios_issuer.registration_status, portfolios_issuer.entity_status)
                  IS DISTINCT FROM (EXCLUDED.legal_name, EXCLUDED.normalized_name,
                   EXCLUDED.country_of_incorporation, EXCLUDED.country_of_operations,
                   EXCLUDED.registration_status, EXCLUDED.entity_status)
            RETURNING id, (xmax = 0) AS inserted
        ), changed AS (
            INSERT INTO gleif_changed SELECT id FROM written WHERE NOT inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
        FROM written
        """
    )
    inserted, updated = cursor.fetchone()
    report.inserted += inserted
    report.updated += updated
    report.unchanged += len(entities) - inserted - updated
    _copy(
        cursor,
        "gleif_name",
        ["lei", "position", "name", "normalized_name", "source"],
        (
            (lei, str(position), name, normalized, source)
            for lei, own in names.items()
            for position, (name, normalized, source) in enumerate(own)
            if normalized
        ),
    )
    # The record is the whole truth about its GLEIF names: those it no longer carries go,
    # equal ones stay untouched. Aliases from elsewhere (merges, funds, the secretariat)
    # are not GLEIF's to remove.
    cursor.execute(
        """
        DELETE FROM portfolios_issueralias a
        USING gleif_entity e JOIN portfolios_issuer i ON i.lei = e.lei
        WHERE a.issuer_id = i.id AND a.learned_from_party_id IS NULL
          AND a.source IN ('gleif', 'transliterated')
          AND NOT EXISTS (
            SELECT 1 FROM gleif_name n
            WHERE n.lei = e.lei AND n.name = a.name AND n.normalized_name = a.normalized_name
              AND n.source = a.source AND e.country = a.country)
        """
    )
    report.aliases_removed += cursor.rowcount
    # A name another issuer of the register already has in that country stays that
    # issuer's: one register alias per name and country.
    cursor.execute(
        """
        INSERT INTO portfolios_issueralias (issuer_id, name, normalized_name, country,
            source, created_at, updated_at)
        SELECT DISTINCT ON (n.normalized_name, e.country) i.id, n.name, n.normalized_name,
               e.country, n.source, now(), now()
        FROM gleif_name n JOIN gleif_entity e ON e.lei = n.lei
        JOIN portfolios_issuer i ON i.lei = n.lei
        WHERE NOT EXISTS (
            SELECT 1 FROM portfolios_issueralias a
            WHERE a.learned_from_party_id IS NULL
              AND a.normalized_name = n.normalized_name AND a.country = e.country)
        ORDER BY n.normalized_name, e.country, n.lei, n.position
        ON CONFLICT (normalized_name, country) WHERE learned_from_party_id IS NULL
        DO NOTHING
        """
    )
    report.aliases_added += cursor.rowcount
    cursor.execute("TRUNCATE gleif_entity, gleif_name")
    if successors:
        _copy(cursor, "gleif_successor", ["lei", "successor"], successors)


def _link_successors(report: LoadReport) -> None:
    """A merged entity points to its successor when the successor is in the register and
    stands itself (it is not merged, nor merging in this file: so no chain or cycle of
    merges appears); an issuer already merged (by GLEIF or by the secretariat) keeps its
    survivor. Then: which changed issuers some snapshot holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH merged AS (
                UPDATE portfolios_issuer i SET merged_into_id = s.id, updated_at = now()
                FROM gleif_successor g JOIN portfolios_issuer s ON s.lei = g.successor
                WHERE i.lei = g.lei AND s.id <> i.id AND i.merged_into_id IS NULL
                  AND s.merged_into_id IS NULL AND s.proposed_by_party_id IS NULL
                  -- a successor ending in this very file is no survivor: no chains, no cycles
                  AND NOT EXISTS (SELECT 1 FROM gleif_successor o WHERE o.lei = s.lei)
                RETURNING i.id, s.id AS survivor
            ), changed AS (
                INSERT INTO gleif_changed SELECT id FROM merged
                UNION ALL SELECT survivor FROM merged
            )
            SELECT count(*) FROM merged
            """
        )
        report.merged += cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT DISTINCT c.id FROM gleif_changed c
            WHERE EXISTS (SELECT 1 FROM portfolios_position p WHERE p.issuer_id = c.id)
            """
        )
        report.changed_issuers = {pk for (pk,) in cursor.fetchall()}


def write_isin_mapping(
    path: Path, report: LoadReport, *, batch_size: int, progress: Progress | None
) -> None:
    """Attach ISINs to issuers from GLEIF's ISIN-to-LEI relationship file (columns LEI, ISIN).
    An ISIN already known moves to the issuer the file names; one already on that issuer is
    left alone; an LEI not in the register is reported and skipped."""
    _in_action()
    with open_text(path) as text:
        reader, header = _reader(text, [LEI_COLUMN, ISIN_COLUMN], path)
        lei_of, isin_of = header.getter(LEI_COLUMN), header.getter(ISIN_COLUMN)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS gleif_isin (line integer, lei text, isin text)"
                " ON COMMIT DROP; TRUNCATE gleif_isin"
            )
        batch: list[tuple[str, ...]] = []
        for line, row in _rows(reader, path):
            report.read += 1
            lei, isin = lei_of(row).upper(), isin_of(row).upper()
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
        missing = [line for (line,) in cursor.fetchall()]
        for line in missing:
            report.reject(line, LEI_COLUMN, "no issuer with this LEI in the register")
        cursor.execute(
            """
            WITH written AS (
                INSERT INTO portfolios_issueridentifier
                    (issuer_id, scheme, value, created_at, updated_at)
                SELECT f.id, 'isin', f.isin, now(), now()
                FROM (  -- the file's last word on each ISIN
                    SELECT DISTINCT ON (g.isin) i.id, g.isin
                    FROM gleif_isin g JOIN portfolios_issuer i ON i.lei = g.lei
                    ORDER BY g.isin, g.line DESC
                ) f
                LEFT JOIN portfolios_issueridentifier d ON d.scheme = 'isin' AND d.value = f.isin
                WHERE d.issuer_id IS DISTINCT FROM f.id
                ON CONFLICT (scheme, value) DO UPDATE SET issuer_id = EXCLUDED.issuer_id,
                    updated_at = now()
                WHERE portfolios_issueridentifier.issuer_id IS DISTINCT FROM EXCLUDED.issuer_id
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
                   (SELECT count(DISTINCT isin) FROM gleif_isin g
                    JOIN portfolios_issuer i ON i.lei = g.lei)
            FROM written
            """
        )
        inserted, updated, distinct = cursor.fetchone()
        report.inserted += inserted
        report.updated += updated
        report.unchanged += distinct - inserted - updated
        cursor.execute("TRUNCATE gleif_isin")
    batch.clear()
