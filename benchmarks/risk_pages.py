"""The covenant risks page at full scale: 84 funds × 10,000 positions, one snapshot each
(written with COPY), scored, then requested repeatedly as the secretariat. Prints the median
and p95 in ms and the number of queries, which must not grow with the number of rows.
Target: covenant-risks-p95 ≤ 300 ms. Also the time to rebuild the covenant totals the page
reads (covenant-rebuild) and to refresh them after one snapshot (covenant-refresh-snapshot).
Then a fund's own risks page (fund-risks: one row per company of its 10,000 positions; the
first page, a filtered one and a deep one) as an editor of that fund, with the same figures.
Target: fund-risks-p95 ≤ 300 ms.

Run by `make bench` (which starts a throwaway PostgreSQL and migrates it).
"""

import datetime
import io
import os
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings_test")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from pages import measure  # noqa: E402  (the page timing of benchmarks/pages.py)

from convenant.core.access import Role  # noqa: E402
from convenant.core.models import User  # noqa: E402
from convenant.parties.models import Covenant, Membership, Party  # noqa: E402
from convenant.portfolios.demo import SECTORS  # noqa: E402
from convenant.portfolios.importing.write import partition_name  # noqa: E402
from convenant.portfolios.models import Issuer, Snapshot  # noqa: E402
from convenant.risk.actions import (  # noqa: E402
    library_folders,
    load_reference_dataset,
    refresh_covenant_risks,
    score_snapshot,
)

FUNDS = 84
POSITIONS = 10_000
UNIVERSE = 20_000  # companies to choose from: large ones held by many funds, small by few
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
AS_OF = datetime.date(2024, 12, 31)
COUNTRIES = ["US", "US", "US", "NL", "DE", "FR", "GB", "JP", "JP", "CN", "IN", "BR", "ZA"]


def build() -> None:
    covenant, _ = Covenant.objects.get_or_create(
        slug="bench-risks",
        defaults={
            "name": "Bench risks",
            "short_name": "BR",
            "start_date": datetime.date(2019, 1, 1),
            "end_date": datetime.date(2030, 12, 31),
        },
    )
    if Snapshot.objects.filter(fund__code__startswith="RB").count() >= FUNDS:
        return
    rng = random.Random(12)
    codes = [code for code, _sector, _industry in SECTORS.values()]
    Snapshot.objects.filter(fund__code__startswith="RB").delete()  # an interrupted run
    Issuer.objects.filter(
        legal_name__startswith="Bench Risk "
    ).exists() or Issuer.objects.bulk_create(
        [
            Issuer(
                legal_name=f"Bench Risk {n:05d} N.V.",
                source=Issuer.Source.GLEIF,
                sector_code=rng.choice(codes),
                sector_name=f"Sector {n % 11}",
                country_of_incorporation=(country := rng.choice(COUNTRIES)),
                country_of_operations=country,
            )
            for n in range(UNIVERSE)
        ],
        batch_size=5000,
    )
    issuers = list(
        Issuer.objects.filter(legal_name__startswith="Bench Risk ")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Zipf-like weights: the first companies (the index's largest) are held by most funds.
    weights = [1 / (rank + 10) for rank in range(len(issuers))]
    for number in range(FUNDS):
        fund, _ = Party.objects.get_or_create(
            code=f"RB{number:02d}",
            defaults={
                "covenant": covenant,
                "slug": f"bench-risk-fund-{number}",
                "name": f"Bench risk fund {number}",
                "type": Party.Type.PENSION_FUND,
                "joined_on": datetime.date(2019, 1, 1),
            },
        )
        snapshot = Snapshot.objects.create(fund=fund, as_of=AS_OF, positions_count=POSITIONS)
        held = set()
        while len(held) < POSITIONS:
            held.update(rng.choices(issuers, weights=weights, k=POSITIONS - len(held)))
        out = io.StringIO()
        for row, issuer_id in enumerate(sorted(held), start=1):
            value = rng.randint(10_000, 50_000_000)
            out.write(
                f"{snapshot.pk}\t{row}\t{issuer_id}\tBench\t\t\t\t\tEUR\t{value}\t{value}\t"
                "matched\tcompany\tisin\t100\n"
            )
        with connection.cursor() as cursor:
            cursor.execute(
                f'CREATE TABLE "{partition_name(snapshot.pk)}" PARTITION OF portfolios_position '
                f"FOR VALUES IN ({snapshot.pk})"
            )
            columns = (
                "snapshot_id, row, issuer_id, name, isin, lei, country, sector, currency, "
                "market_value, value_eur, "
                "status, kind, match_method, match_confidence"
            )
            with cursor.copy(f"COPY portfolios_position ({columns}) FROM STDIN") as copy:
                copy.write(out.getvalue())
        score_snapshot(snapshot.pk)


def secretariat() -> Client:
    party, _ = Party.objects.get_or_create(
        code="RBSEC",
        defaults={
            "covenant": Covenant.objects.get(slug="bench-risks"),
            "slug": "bench-risk-secretariat",
            "name": "Bench secretariat",
            "type": Party.Type.SECRETARIAT,
            "joined_on": datetime.date(2019, 1, 1),
        },
    )
    user, _ = User.objects.get_or_create(
        email="bench-secretariat@example.org", defaults={"full_name": "Bench"}
    )
    Membership.objects.get_or_create(user=user, party=party, defaults={"role": Role.ADMINISTRATOR})
    client = Client()
    client.force_login(user)
    return client


def fund_officer() -> tuple[Client, int]:
    """An editor of the first bench fund (its own risks page, with the judgement forms) and
    that fund's snapshot."""
    fund = Party.objects.get(code="RB00")
    user, _ = User.objects.get_or_create(
        email="bench-fund-editor@example.org", defaults={"full_name": "Bench fund"}
    )
    Membership.objects.get_or_create(user=user, party=fund, defaults={"role": Role.EDITOR})
    client = Client()
    client.force_login(user)
    return client, Snapshot.objects.get(fund=fund).pk


def main() -> None:
    for folder in library_folders():
        load_reference_dataset(folder)
    start = time.perf_counter()
    build()
    print(f"covenant-risks-build = {time.perf_counter() - start:.1f} s")
    # The totals the page reads: rebuilt whole (the repair), then one fund's snapshot of
    # 10,000 positions refreshed, as the job that follows its scoring does.
    start = time.perf_counter()
    refresh_covenant_risks()
    print(f"covenant-rebuild = {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    refresh_covenant_risks(fund_id=Party.objects.get(code="RB00").pk)
    print(f"covenant-refresh-snapshot = {(time.perf_counter() - start) * 1000:.0f} ms")
    client = secretariat()
    for name, url in (
        ("covenant-risks", "/risks/covenant/"),
        ("covenant-risks-filtered", "/risks/covenant/?priority=very-high&country=US"),
        ("covenant-risks-theme", "/risks/covenant/?theme=forced-labour"),
    ):
        median, p95, queries = measure(client, url, ROUNDS)
        print(f"{name}-median = {median:.0f} ms")
        print(f"{name}-p95 = {p95:.0f} ms")
        print(f"{name}-queries = {queries} queries")
    # A fund's own risks page: 10,000 positions, one row per company.
    client, snapshot = fund_officer()
    for name, url in (
        ("fund-risks", f"/holdings/{snapshot}/risks/"),
        ("fund-risks-filtered", f"/holdings/{snapshot}/risks/?priority=high&country=US&judged=no"),
        ("fund-risks-page-40", f"/holdings/{snapshot}/risks/?page=40"),
    ):
        median, p95, queries = measure(client, url, ROUNDS)
        print(f"{name}-median = {median:.0f} ms")
        print(f"{name}-p95 = {p95:.0f} ms")
        print(f"{name}-queries = {queries} queries")


if __name__ == "__main__":
    main()
