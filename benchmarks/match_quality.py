"""Matching quality on labelled names: 1,260 holdings names as funds write them (upper case
cut at 28 characters with share classes, listing country instead of the country of
incorporation, no country at all, parents and subsidiaries, near-namesakes, names in other
scripts, companies not in the register) against a register of 1,090 labelled companies plus
50,000 generated ones. The set is fictional and generated: `benchmarks/data/` (see
PROVENANCE.md there).

Prints the precision of automatic matches, their recall over the names whose company is in
the register, and how often the review queue's first candidate is the right one (%). Targets:
precision ≥ 99.5 %, recall ≥ 90 %. `MATCH_QUALITY_VERBOSE=1` lists the mistakes by style.

Run by `make bench`; everything it writes is rolled back at the end.
"""

import csv
import os
import random
from collections import Counter
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings_test")
django.setup()

from django.db import transaction  # noqa: E402

from convenant.portfolios.matching import Decision, Matcher, Query  # noqa: E402
from convenant.portfolios.models import Issuer, IssuerAlias  # noqa: E402
from convenant.portfolios.names import normalize_name  # noqa: E402

DATA = Path(__file__).parent / "data"
FILLERS = 50_000


def fillers(taken: set[str]) -> list[tuple[str, str]]:
    """Other companies of the register, in the same styles of name as the labelled ones."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pairs", DATA / "make_match_pairs.py")
    assert spec and spec.loader
    pairs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pairs)
    rng = random.Random(77)
    made: list[tuple[str, str]] = []
    while len(made) < FILLERS:
        base, country = pairs.company(rng)
        name = pairs.legal(rng, base, country)
        if normalize_name(name) not in taken:
            made.append((name, country))
    return made


class Rollback(Exception):
    pass


def main() -> None:
    with (DATA / "match_register.csv").open(encoding="utf-8") as handle:
        labelled = list(csv.DictReader(handle))
    with (DATA / "match_pairs.csv").open(encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    # The fillers are other companies: none carries a labelled name or a name of the file.
    taken = {normalize_name(row["legal_name"]) for row in labelled}
    taken |= {normalize_name(pair["name"]) for pair in pairs}
    try:
        with transaction.atomic():
            first = (Issuer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            made = Issuer.objects.bulk_create(
                Issuer(
                    legal_name=name,
                    normalized_name=normalize_name(name),
                    country_of_incorporation=country,
                    source=Issuer.Source.GLEIF,
                )
                for name, country in [
                    *((r["legal_name"], r["country"]) for r in labelled),
                    *fillers(taken),
                ]
            )
            ids = {row["key"]: issuer.pk for row, issuer in zip(labelled, made, strict=False)}
            matcher = Matcher(
                Issuer.objects.unrestricted("benchmark: its own register").filter(pk__gte=first),
                IssuerAlias.objects.unrestricted("benchmark: no aliases").none(),
            )
            queries = [
                Query(
                    key=i,
                    name=p["name"],
                    country=p["country"],
                    listing_country=p["listing_country"],
                )
                for i, p in enumerate(pairs)
            ]
            results = matcher.match(queries)
            candidates = matcher.candidates(queries, limit=5)
            report(pairs, results, candidates, ids, len(made))
            raise Rollback
    except Rollback:
        pass


def report(pairs: list, results: list, candidates: dict, ids: dict, register_size: int) -> None:
    auto = right = in_register = review = review_right = 0
    mistakes: Counter[str] = Counter()
    verbose = os.environ.get("MATCH_QUALITY_VERBOSE")
    for i, (pair, result) in enumerate(zip(pairs, results, strict=True)):
        expected = ids.get(pair["expected"]) if pair["expected"] else None
        in_register += expected is not None
        if result.decision == Decision.MATCHED:
            auto += 1
            if result.issuer_id == expected:
                right += 1
            else:
                mistakes[f"wrong auto: {pair['style']}"] += 1
                if verbose:
                    chosen = Issuer.objects.unrestricted("benchmark").get(pk=result.issuer_id)
                    print(
                        "# wrong auto",
                        pair,
                        result,
                        chosen.legal_name,
                        chosen.country_of_incorporation,
                    )
        elif expected is not None:
            mistakes[f"missed: {pair['style']}/{result.decision}"] += 1
            if verbose:
                print("# missed", pair, result, candidates[i][:2])
        if result.decision == Decision.REVIEW and expected is not None:
            review += 1
            first = candidates[i][0].issuer_id if candidates[i] else None
            review_right += first == expected
    if verbose:
        for what, count in mistakes.most_common():
            print(f"# {count:4d} {what}")
    print(f"match-quality-register-size = {register_size} issuers")
    print(f"match-quality-pairs = {len(pairs)} names")
    print(f"match-quality-auto-precision = {100 * right / max(auto, 1):.1f} %")
    print(f"match-quality-auto-recall = {100 * right / max(in_register, 1):.1f} %")
    print(f"match-quality-review-first-right = {100 * review_right / max(review, 1):.1f} %")


if __name__ == "__main__":
    main()
