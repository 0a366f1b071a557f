"""Holdings import at scale: a realistic file of 1,000,000 rows (positions of 80 fictional
funds in 20,000 repeated issuers, semicolon-separated with decimal commas, a few percent of
rows without an ISIN and with messy names) imported through the CLI
(`convenant import_holdings`, in a child process so its peak memory is its own), and the same
file loaded with `psql \\copy` into a bare table in the same run.

The two alternate for BENCH_ROUNDS rounds (3 by default), each timed step after a
CHECKPOINT, and the medians are compared, so neither side pays for the other's writes.
Every round after the first imports the same (fund, date) again, which replaces the
snapshot.

A second baseline writes what the import writes: its own typed rows, COPYed by psql into a
fresh table of the same shape with the same primary key and indexes, attached as a
partition of the positions table (which checks the foreign keys). The ratio to it says how
much the reading, checking and matching add to the unavoidable write.

Targets on the 2-core machine (issue 11): the import at most 2 x the typed write
(`holdings-import-vs-typed-copy-ratio`); the ratio to the bare \\copy is printed too; peak
memory at most 1.5 GB.
Run by `make bench` (which starts a throwaway PostgreSQL and migrates it).
"""

import datetime
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings_test")
django.setup()

from django.db import connection  # noqa: E402

from convenant.core.access import Role  # noqa: E402
from convenant.core.models import User  # noqa: E402
from convenant.parties.models import Covenant, Membership, Party  # noqa: E402
from convenant.portfolios import testing  # noqa: E402
from convenant.portfolios.actions.register import (  # noqa: E402
    load_isin_mapping,
    load_lei_records,
)
from convenant.portfolios.importing.write import POSITION_COLUMNS  # noqa: E402
from convenant.portfolios.models import ExchangeRate  # noqa: E402

ROWS = int(os.environ.get("BENCH_HOLDINGS_ROWS", 1_000_000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
ISSUERS = 20_000
FUNDS = 80
AS_OF = datetime.date(2024, 12, 31)
CURRENCIES = {"EUR": 1, "USD": 1.04, "GBP": 0.83, "JPY": 163.1, "CHF": 0.94}


def setup_register(folder: Path) -> list[tuple[str, str, str]]:
    records = testing.write_golden_copy(folder / "lei.csv", ISSUERS, seed=31)
    pairs = testing.write_isin_mapping(folder / "isin.csv", records, per_lei=1, seed=32)
    load_lei_records(folder / "lei.csv")
    load_isin_mapping(folder / "isin.csv")
    isin_of = dict(pairs)
    return [(isin_of[lei], name, country) for lei, name, country in records]


def setup_fund() -> Party:
    covenant, _ = Covenant.objects.get_or_create(
        slug="bench",
        defaults={
            "name": "Bench",
            "short_name": "B",
            "start_date": datetime.date(2019, 1, 1),
            "end_date": datetime.date(2030, 12, 31),
        },
    )
    fund, _ = Party.objects.get_or_create(
        code="BENCH",
        defaults={
            "covenant": covenant,
            "slug": "bench-fund",
            "name": "Bench fund",
            "type": Party.Type.PENSION_FUND,
            "joined_on": datetime.date(2019, 1, 1),
        },
    )
    user, _ = User.objects.get_or_create(email="bench@example.org", defaults={"full_name": "Bench"})
    Membership.objects.get_or_create(user=user, party=fund, defaults={"role": Role.EDITOR})
    for currency, rate in CURRENCIES.items():
        if currency != "EUR":
            ExchangeRate.objects.update_or_create(
                currency=currency, date=AS_OF, defaults={"units_per_eur": rate}
            )
    return fund


def write_file(path: Path, universe: list[tuple[str, str, str]]) -> None:
    rng = random.Random(3)
    weights = [1 / (i + 1) ** 0.8 for i in range(len(universe))]
    picks = rng.choices(range(len(universe)), weights=weights, k=ROWS)
    currencies = list(CURRENCIES)
    with path.open("w", encoding="utf-8") as out:
        out.write("Posities per fonds (fictief)\n\n")
        out.write("Fonds;ISIN;Naam;Land;Sector;Marktwaarde;Valuta;Aantal\n")
        for n, pick in enumerate(picks):
            isin, name, country = universe[pick]
            if rng.random() < 0.04:  # no ISIN, name as custodians write it
                isin, name = "", name.upper()[: rng.randint(14, 28)]
            value = f"{rng.uniform(1_000, 5_000_000):,.2f}".replace(",", "X").replace(".", ",")
            value = value.replace("X", ".")
            out.write(
                f"PF{n % FUNDS:02d};{isin};{name};{country};;{value};"
                f"{rng.choice(currencies)};{rng.randint(1, 100_000)}\n"
            )
        out.write(
            "\nBron: fictieve bewaarder. Aan dit overzicht kunnen geen rechten worden ontleend.\n"
        )


def checkpoint() -> None:
    """Flush what earlier steps wrote, so no timed step pays for another's checkpoint."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    connection.close()


def psql(*args: str) -> float:
    """Run psql on the benchmark's database; returns its wall time in seconds."""
    command = [shutil.which("psql") or "psql", os.environ["DATABASE_URL"], "-q"]
    start = time.perf_counter()
    subprocess.run([*command, "-v", "ON_ERROR_STOP=1", *args], check=True)
    return time.perf_counter() - start


def bare_copy_of(path: Path) -> Path:
    """The same rows without the title and the note, as \\copy needs them."""
    bare = path.with_suffix(".bare.csv")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    bare.write_text("".join(lines[2:-2]), encoding="utf-8")
    return bare


def copy_baseline(bare: Path) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS bench_bare; CREATE TABLE bench_bare (fund text, "
            "isin text, name text, country text, sector text, value text, "
            "currency text, quantity text)"
        )
    connection.close()
    return psql("-c", f"\\copy bench_bare FROM '{bare}' WITH (FORMAT csv, DELIMITER ';', HEADER)")


BASELINE_SNAPSHOT = 999_999_999  # a snapshot id of its own, rolled back with the baseline


def typed_rows_of_the_import(folder: Path) -> Path:
    """The positions the import wrote, as the CSV its COPY sends (for the second baseline),
    keyed to the baseline's own snapshot."""
    rows = folder / "typed.csv"
    latest = "(SELECT max(id) FROM portfolios_snapshot)"
    columns = ", ".join(
        f"{BASELINE_SNAPSHOT} AS snapshot_id" if c == "snapshot_id" else f'"{c}"'
        for c in POSITION_COLUMNS
    )
    query = f"SELECT {columns} FROM portfolios_position WHERE snapshot_id = {latest}"  # noqa: S608 - our own column names
    psql("-c", f"\\copy ({query}) TO '{rows}' WITH (FORMAT csv)")
    return rows


def typed_copy_baseline(rows: Path) -> float:
    """What the import's write alone costs: COPY of its typed rows into a fresh table of the
    same shape, its primary key and indexes, then attached as a partition of the positions
    table (which checks the foreign keys), for a snapshot row of its own; all in psql and
    rolled back."""
    script = rows.with_suffix(".sql")
    script.write_text(
        "BEGIN;\n"  # noqa: S608 - our own constants and column names
        "INSERT INTO portfolios_snapshot (id, created_at, updated_at, fund_id, as_of, "
        "source_name, positions_count, total_value_eur, matched_value_eur, other_value_eur, "
        f"partial) SELECT {BASELINE_SNAPSHOT}, now(), now(), fund_id, DATE '1900-01-01', "
        "'baseline', 0, 0, 0, 0, false FROM portfolios_snapshot LIMIT 1;\n"
        "CREATE TABLE bench_typed (LIKE portfolios_position INCLUDING DEFAULTS "
        f"INCLUDING CONSTRAINTS, CHECK (snapshot_id = {BASELINE_SNAPSHOT}));\n"
        f"\\copy bench_typed ({', '.join(POSITION_COLUMNS)}) FROM '{rows}' WITH (FORMAT csv)\n"
        'ALTER TABLE bench_typed ADD PRIMARY KEY (snapshot_id, "row");\n'
        "CREATE INDEX ON bench_typed (issuer_id);\n"
        "CREATE INDEX ON bench_typed (snapshot_id, status) WHERE NOT status = 'matched';\n"
        "ALTER TABLE portfolios_position ATTACH PARTITION bench_typed "
        f"FOR VALUES IN ({BASELINE_SNAPSHOT});\n"
        "ROLLBACK;\n",
        encoding="utf-8",
    )
    return psql("-f", str(script))


def import_through_cli(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "convenant.manage",
            "import_holdings",
            str(path),
            "--fund",
            "BENCH",
            "--as-of",
            AS_OF.isoformat(),
        ],
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        universe = setup_register(folder)
        setup_fund()
        path = folder / "holdings.csv"
        write_file(path, universe)
        bare = bare_copy_of(path)
        connection.close()
        copies, imports, typed = [], [], []
        for _round in range(ROUNDS):
            checkpoint()
            copies.append(copy_baseline(bare))
            checkpoint()
            imports.append(import_through_cli(path))
            # The largest resident size of any child so far: the import processes.
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            rows = typed_rows_of_the_import(folder)
            checkpoint()
            typed.append(typed_copy_baseline(rows))
    import_s, copy_s = statistics.median(imports), statistics.median(copies)
    typed_s = statistics.median(typed)
    print(f"holdings-import-rows = {ROWS} rows")
    print(f"holdings-import-rounds = {ROUNDS} rounds")
    print(f"holdings-import-time = {import_s:.1f} s")
    print(f"holdings-import-time-min = {min(imports):.1f} s")
    print(f"holdings-import-time-max = {max(imports):.1f} s")
    print(f"holdings-copy-baseline-time = {copy_s:.2f} s")
    print(f"holdings-copy-baseline-time-min = {min(copies):.2f} s")
    print(f"holdings-copy-baseline-time-max = {max(copies):.2f} s")
    print(f"holdings-import-ratio-to-copy = {import_s / copy_s:.2f} x")
    # The second baseline writes what the import writes: typed rows with their keys.
    print(f"holdings-typed-copy-baseline-time = {typed_s:.2f} s")
    print(f"holdings-import-vs-typed-copy-ratio = {import_s / typed_s:.2f} x")
    print(f"holdings-import-peak-memory = {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
