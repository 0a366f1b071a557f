"""Matching at the scale of GLEIF's golden copy: a generated register of 2,500,000 issuers
(about 15 % in the US; names of invented words, as in `benchmarks/data/make_match_pairs.py`)
loaded with COPY straight into the issuer table, then 10,000 holdings names as funds write
them (upper case cut at 28 characters with share classes, typos, no country, the listing
country; a fifth not in the register) matched with the full matcher.

Prints the time from a cold process (reading the register's names and building its word
index included) and warm (the index kept, as between two imports of one worker), the peak
memory of the process, and what one lookup costs once warm (the signal page's suggestions).
Targets: ≤ 10 s and ≤ 2 GB.

Run by `make bench`; everything it writes is rolled back at the end.
"""

import importlib.util
import io
import os
import random
import resource
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings_test")
django.setup()

from django.db import connection, transaction  # noqa: E402

from convenant.portfolios.matching import Decision, Matcher, Query  # noqa: E402
from convenant.portfolios.models import Issuer, IssuerAlias  # noqa: E402
from convenant.portfolios.names import normalize_name  # noqa: E402

ISSUERS = 2_500_000
NAMES = 10_000
BLOCK = 100_000

spec = importlib.util.spec_from_file_location(
    "pairs", Path(__file__).parent / "data" / "make_match_pairs.py"
)
assert spec and spec.loader
pairs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pairs)


def register_rows(rng: random.Random, sample: list) -> io.StringIO:
    """The register as COPY text, a block at a time; a reservoir keeps the names to hold."""
    buffer = io.StringIO()
    for n in range(ISSUERS):
        base, country = pairs.company(rng)
        if rng.random() < 0.15:
            country = "US"
        name = pairs.legal(rng, base, country)
        buffer.write(f"{name}\t{normalize_name(name)}\t{country}\n")
        if len(sample) < NAMES:
            sample.append((n, name, country))
        elif rng.random() < NAMES / (n + 1):
            sample[rng.randrange(NAMES)] = (n, name, country)
        if (n + 1) % BLOCK == 0:
            yield buffer.getvalue()
            buffer = io.StringIO()
    if buffer.tell():
        yield buffer.getvalue()


def held(rng: random.Random, name: str, country: str) -> Query:
    roll = rng.random()
    if roll < 0.2:
        base, other = pairs.company(rng)  # not in the register (most likely)
        return Query(0, name=pairs.legal(rng, base, other).upper(), country=other)
    if roll < 0.55:
        return Query(0, name=pairs.bloomberg(rng, name), country=country)
    if roll < 0.7:
        return Query(0, name=pairs.typo(rng, name), country=country)
    if roll < 0.85:
        return Query(0, name=name.upper())
    return Query(0, name=pairs.bloomberg(rng, name), listing_country="US")


class Rollback(Exception):
    pass


def main() -> None:
    rng = random.Random(2500)
    sample: list = []
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Only for this load (rolled back): the full-text column and the search
                # indexes the matcher does not use would make the load take minutes.
                for statement in (
                    "ALTER TABLE portfolios_issuer DROP COLUMN search_vector",
                    "DROP INDEX issuer_name_trgm",
                    "DROP INDEX portfolios_issuer_normalized_name_2ea46ab0_like",
                    "DROP INDEX portfolios__country_b170e9_idx",
                ):
                    cursor.execute(statement)
                cursor.execute("SELECT coalesce(max(id), 0) FROM portfolios_issuer")
                first = cursor.fetchone()[0] + 1
                start = time.perf_counter()
                with cursor.cursor.copy(
                    "COPY portfolios_issuer (legal_name, normalized_name,"
                    " country_of_incorporation, created_at, updated_at, country_of_operations,"
                    " sector_scheme, sector_code, sector_name, industry_name, ticker, source)"
                    " FROM STDIN WITH (FORMAT text)"
                ) as copy:
                    for block in register_rows(rng, sample):
                        copy.write(
                            block.replace(
                                "\n",
                                "\t2026-01-01 00:00+00\t2026-01-01 00:00+00\t\t\t\t\t\t\tgleif\n",
                            )
                        )
                print(f"match-2500k-register-load = {time.perf_counter() - start:.1f} s")
            queries = [
                Query(i, q.name, q.country, listing_country=q.listing_country)
                for i, q in enumerate(held(rng, name, country) for _n, name, country in sample)
            ]
            register = Issuer.objects.unrestricted("benchmark: its own register").filter(
                pk__gte=first
            )
            aliases = IssuerAlias.objects.unrestricted("benchmark: no aliases").none()
            before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

            start = time.perf_counter()
            results = Matcher(register, aliases).match(queries)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            Matcher(register, aliases).match(queries)
            warm = time.perf_counter() - start
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

            start = time.perf_counter()
            for q in queries[:20]:
                Matcher(register, aliases, fresh_within=60).candidates([q], limit=3)
            one = (time.perf_counter() - start) / 20

            matched = sum(r.decision == Decision.MATCHED for r in results)
            review = sum(r.decision == Decision.REVIEW for r in results)
            print(f"match-10k-vs-2500k = {cold:.2f} s")
            print(f"match-10k-vs-2500k-warm = {warm:.2f} s")
            print(f"match-2500k-peak-memory = {peak_mb:.0f} MB")
            print(f"match-2500k-memory-before-matching = {before_mb:.0f} MB")
            print(f"match-2500k-one-name-warm = {1000 * one:.0f} ms")
            print(f"match-2500k-auto-share = {100 * matched / NAMES:.1f} %")
            print(f"match-2500k-review-share = {100 * review / NAMES:.1f} %")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
