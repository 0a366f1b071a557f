"""Issuer register at scale: load 100,000 fictional entities in GLEIF's golden-copy layout
(streamed, COPY), then match 10,000 messy holdings names (upper-case, cut short, typos, some
unknown) against them with the full matcher. Target for matching: at most 10 s.

Run by `make bench` (which starts a throwaway PostgreSQL and migrates it).
"""

import os
import random
import resource
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings_test")
django.setup()

from convenant.portfolios import testing  # noqa: E402
from convenant.portfolios.actions.register import load_lei_records  # noqa: E402
from convenant.portfolios.matching import Decision, Matcher, Query  # noqa: E402
from convenant.portfolios.models import Issuer  # noqa: E402

ISSUERS = 100_000
NAMES = 10_000


def messy(rng: random.Random, name: str) -> str:
    """How holdings lists write names: upper-case, cut short, a typo."""
    roll = rng.random()
    if roll < 0.4:
        return name.upper()[: rng.randint(14, 30)]
    if roll < 0.7:
        i = rng.randrange(len(name))
        return name[:i] + rng.choice("aeiou") + name[i + 1 :]
    if roll < 0.9:
        return name.replace(" ", "  ").lower()
    return testing.fictional_company(rng)  # not in the register


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "golden-copy.csv"
        records = testing.write_golden_copy(path, ISSUERS, seed=11)
        start = time.perf_counter()
        report = load_lei_records(path)
        load_s = time.perf_counter() - start
    print(f"gleif-load-{ISSUERS // 1000}k = {load_s:.1f} s")
    print(f"gleif-load-rate = {report.read / load_s:,.0f} rows/s")

    rng = random.Random(5)
    sample = rng.sample(records, NAMES)
    queries = [
        Query(key=i, name=messy(rng, name), country=country)
        for i, (_lei, name, country) in enumerate(sample)
    ]
    start = time.perf_counter()
    results = Matcher.for_register().match(queries)
    match_s = time.perf_counter() - start
    matched = sum(r.decision == Decision.MATCHED for r in results)
    ids = dict(
        Issuer.objects.filter(lei__in=[lei for lei, _n, _c in sample]).values_list("lei", "pk")
    )
    right = sum(
        r.decision == Decision.MATCHED and r.issuer_id == ids[lei]
        for r, (lei, _n, _c) in zip(results, sample, strict=True)
    )
    review = sum(r.decision == Decision.REVIEW for r in results)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"match-{NAMES // 1000}k-vs-{ISSUERS // 1000}k = {match_s:.2f} s")
    print(f"match-auto-share = {100 * matched / NAMES:.1f} %")
    print(f"match-auto-precision = {100 * right / max(matched, 1):.1f} %")
    print(f"match-review-share = {100 * review / NAMES:.1f} %")
    print(f"match-peak-memory = {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
