"""Risk scoring at scale: a snapshot of 1,000,000 positions (the holdings benchmark's file,
imported in-process if it is not there yet) scored with the methodology across every theme
of the sector map. Target: at most 5 s.

Run by `make bench` (which starts a throwaway PostgreSQL and migrates it).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings_test")
django.setup()
sys.path.insert(0, str(Path(__file__).parent))

import import_holdings as holdings_bench  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from convenant.core.models import User  # noqa: E402
from convenant.parties.models import Party  # noqa: E402
from convenant.portfolios.actions import import_holdings  # noqa: E402
from convenant.portfolios.demo import SECTORS  # noqa: E402
from convenant.portfolios.models import Issuer, Position, Snapshot  # noqa: E402
from convenant.risk.actions import (  # noqa: E402
    library_folders,
    load_reference_dataset,
    record_company_finding,
    score_snapshot,
)
from convenant.risk.models import RiskResult  # noqa: E402


def snapshot_with_positions() -> Snapshot:
    existing = Snapshot.objects.filter(fund__code="BENCH", positions_count__gte=900_000).first()
    if existing:
        return existing
    with tempfile.TemporaryDirectory() as tmp:
        universe = holdings_bench.setup_register(Path(tmp))
        holdings_bench.setup_fund()
        path = Path(tmp) / "holdings.csv"
        holdings_bench.write_file(path, universe)
        report = import_holdings(
            by=User.objects.get(email="bench@example.org"),
            fund=Party.objects.get(code="BENCH"),
            as_of=holdings_bench.AS_OF,
            path=path,
            filename=path.name,
        )
    return Snapshot.objects.get(pk=report.snapshot_id)


def main() -> None:
    for folder in library_folders():
        load_reference_dataset(folder)
    snapshot = snapshot_with_positions()
    with connection.cursor() as cursor:  # give the fictional issuers their GICS sectors
        for word, (code, _sector, _industry) in SECTORS.items():
            cursor.execute(
                "UPDATE portfolios_issuer SET sector_code = %s WHERE legal_name LIKE %s",
                [code, f"% {word} %"],
            )
    start = time.perf_counter()
    results = score_snapshot(snapshot.pk)
    seconds = time.perf_counter() - start
    print(f"score-positions = {snapshot.positions_count} positions")
    print(f"score-results = {results} results")
    print(f"score-time = {seconds:.2f} s")
    very_high = RiskResult.objects.filter(snapshot=snapshot, priority="very-high").count()
    print(f"score-very-high-share = {100 * very_high / max(results, 1):.1f} %")
    rescore_one_issuer(snapshot, seconds)


def rescore_one_issuer(snapshot: Snapshot, full_seconds: float) -> None:
    """When one issuer's data changes (here: a verified signal's finding about it), only its
    results are recomputed, in every snapshot that holds it."""
    issuer_id = (
        Position.objects.filter(snapshot=snapshot, status=Position.Status.MATCHED)
        .values("issuer_id")
        .annotate(n=Count("row"))
        .order_by("-n")
        .values_list("issuer_id", flat=True)[0]
    )
    before = RiskResult.objects.filter(snapshot=snapshot).count()
    start = time.perf_counter()
    record_company_finding(
        issuer=Issuer.objects.get(pk=issuer_id),
        theme="forced-labour",
        reference="BENCH-1",
        scale=4,
        scope=3,
        irremediability=4,
        likelihood=4,
        actual=True,
        source="benchmark",
    )
    seconds = time.perf_counter() - start
    touched = RiskResult.objects.filter(issuer_id=issuer_id).count()
    assert RiskResult.objects.filter(snapshot=snapshot).count() >= before
    print(f"rescore-one-issuer-time = {seconds * 1000:.0f} ms")
    print(f"rescore-one-issuer-results = {touched} results")
    print(f"rescore-one-issuer-vs-full = {full_seconds / seconds:.0f} x faster")


if __name__ == "__main__":
    main()
