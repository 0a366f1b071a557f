"""Risk scoring at scale: a snapshot of 1,000,000 positions (the holdings benchmark's file,
imported in-process if it is not there yet) scored with the methodology across every theme
of the sector map. Target: at most 5 s. Its companies are spread over countries and GICS
industries as a global equity index is (``portfolios.index_mix``), so the shares of companies
in the "very high" and "high" bands (a company's priority is the highest of its themes) are
those of a diversified portfolio; they are printed beside the time.

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
from django.db.models import Count, Max  # noqa: E402

from convenant.core.models import User  # noqa: E402
from convenant.parties.models import Party  # noqa: E402
from convenant.portfolios import index_mix  # noqa: E402
from convenant.portfolios.actions import import_holdings  # noqa: E402
from convenant.portfolios.models import Issuer, Position, Snapshot  # noqa: E402
from convenant.risk.actions import (  # noqa: E402
    library_folders,
    load_reference_dataset,
    record_company_finding,
    score_snapshot,
)
from convenant.risk.models import RiskAssessment, RiskResult  # noqa: E402


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


def spread_like_an_index(snapshot: Snapshot) -> None:
    """Give the companies the snapshot holds a country and a GICS industry drawn from the
    index mix (the same for the same register in every run)."""
    issuers = list(
        Issuer.objects.filter(pk__in=Position.objects.filter(snapshot=snapshot).values("issuer_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    companies = index_mix.companies(len(issuers), seed=2026)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE portfolios_issuer AS i SET country_of_incorporation = s.country,
                country_of_operations = s.country, sector_scheme = 'GICS', sector_code = s.code,
                sector_name = s.sector, industry_name = s.industry
            FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[])
                AS s (id, country, code, sector, industry)
            WHERE i.id = s.id
            """,
            [
                issuers,
                [c.country for c in companies],
                [c.industry.code for c in companies],
                [c.industry.sector for c in companies],
                [c.industry.name for c in companies],
            ],
        )


def main() -> None:
    for folder in library_folders():
        load_reference_dataset(folder)
    snapshot = snapshot_with_positions()
    spread_like_an_index(snapshot)
    # Cold: no assessment made yet, as after a new edition or on a fresh installation. (The
    # benchmark's database is thrown away: the other benchmarks' results go too.)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {RiskResult._meta.db_table}, {RiskAssessment._meta.db_table}")
    start = time.perf_counter()
    results = score_snapshot(snapshot.pk)
    seconds = time.perf_counter() - start
    # Warm: the next import of the same fund, its assessments known.
    start = time.perf_counter()
    score_snapshot(snapshot.pk)
    warm = time.perf_counter() - start
    print(f"score-positions = {snapshot.positions_count} positions")
    print(f"score-results = {results} results")
    print(f"score-assessments = {RiskAssessment.objects.count()} assessments")
    print(f"score-time = {seconds:.2f} s")
    print(f"score-time-warm = {warm:.2f} s")
    # Shares of the companies held: a company's priority is the highest of its themes.
    companies = (
        Position.objects.filter(snapshot=snapshot, status=Position.Status.MATCHED)
        .values("issuer_id")
        .distinct()
        .count()
    )
    priorities = (
        RiskResult.objects.filter(snapshot=snapshot)
        .values("issuer_id")
        .annotate(rank=Max("rank"))
        .values_list("rank", flat=True)
    )
    very_high = sum(rank == 4 for rank in priorities)
    high = sum(rank == 3 for rank in priorities)
    print(f"score-companies = {companies} companies")
    print(f"score-very-high-share = {100 * very_high / max(companies, 1):.1f} % of companies")
    print(f"score-high-share = {100 * high / max(companies, 1):.1f} % of companies")
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
