"""Matching holdings rows to issuers, in a fixed order of trust:

1. ISIN exact, 2. LEI exact, 3. a known alias (the fund's own confirmations first, then the
register's; by name, within the country where the alias has one), 4. normalised name plus
country exact, 5. fuzzy name among the issuers of the same country (rapidfuzz), with a
confidence from 0 to 100.

A fuzzy match at or above ``MATCH_AUTO_THRESHOLD`` is accepted automatically; between
``MATCH_REVIEW_THRESHOLD`` and that, it goes to a person to review; below, no issuer is
proposed (the import proposes a new one). Every result says how it was made.

The matcher works on batches: each step is one query for the whole batch (never one per
row), and the fuzzy step compares all open names of a country against that country's
issuers at once with ``rapidfuzz.process.cdist``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import models
from rapidfuzz import fuzz, process

from convenant.portfolios.models import (
    IN_REGISTER,
    Issuer,
    IssuerAlias,
    IssuerIdentifier,
    IssuerQuerySet,
)
from convenant.portfolios.names import normalize_name

# Fuzzy candidates re-scored with the slower, more forgiving scorer.
RESCORE_TOP = 5
# A truncated name ("KONINKLIJKE AHOLD DELH") that is a prefix of this length or more of an
# issuer's name counts as a near-certain match.
MIN_PREFIX = 12
PREFIX_SCORE = 95.0
# Two different issuers closer than this go to review rather than being picked between.
AMBIGUITY_MARGIN = 3.0


class Method(models.TextChoices):
    ISIN = "isin", "ISIN"
    LEI = "lei", "LEI"
    ALIAS = "alias", "alias"
    NAME_COUNTRY = "name_country", "name and country"
    FUZZY = "fuzzy", "fuzzy name"
    NONE = "none", "no match"


class Decision(models.TextChoices):
    MATCHED = "matched", "matched"
    REVIEW = "review", "needs review"
    NEW = "new", "new issuer proposed"


@dataclass(frozen=True)
class Query:
    """One row to match. ``country`` (of incorporation or domicile, as the file says) and
    ``listing_country`` (where the security is listed) are ISO alpha-2 codes or empty: both
    are evidence for the issuer's country of incorporation, neither a wall."""

    key: int
    name: str = ""
    country: str = ""
    isin: str = ""
    lei: str = ""
    listing_country: str = ""


@dataclass(frozen=True)
class Candidate:
    """An issuer a person may choose for a row, best first: ``country`` is the issuer's
    country of incorporation, so the page can show where it differs from the file's."""

    issuer_id: int
    score: float
    country: str = ""


@dataclass(frozen=True)
class Match:
    key: int
    issuer_id: int | None
    method: Method
    confidence: float
    decision: Decision


def thresholds() -> tuple[float, float]:
    return (
        float(getattr(settings, "MATCH_AUTO_THRESHOLD", 92)),
        float(getattr(settings, "MATCH_REVIEW_THRESHOLD", 80)),
    )


class Matcher:
    """Matches against the issuers and aliases given. ``Matcher.for_fund(fund)`` is what one
    fund's import uses: the register (issuers and aliases the secretariat keeps) and the
    fund's own proposals and aliases, never another fund's. So a fund never matches to, and
    so learns of, an issuer another fund proposed or a name another fund confirmed, and its
    own confirmations go before the register's aliases."""

    @classmethod
    def for_fund(cls, fund: Any) -> Matcher:
        fund_id = fund if isinstance(fund, int) else fund.pk
        return cls(
            Issuer.objects.unrestricted(
                "a fund's import: the register and its own proposals"
            ).filter(IN_REGISTER | models.Q(proposed_by_party_id=fund_id)),
            IssuerAlias.objects.unrestricted(
                "a fund's import: the register's and its own"
            ).for_fund(fund_id),
            fund_id=fund_id,
        )

    @classmethod
    def for_register(cls) -> Matcher:
        """The register alone (no fund's proposals or aliases): for matching that is not a
        fund's, such as linking a signal to a company."""
        return cls(
            Issuer.objects.unrestricted("the register only").in_register(),
            IssuerAlias.objects.unrestricted("the register only").register(),
        )

    def __init__(
        self,
        issuers: IssuerQuerySet,
        aliases: models.QuerySet[IssuerAlias] | None = None,
        *,
        fund_id: int | None = None,
    ) -> None:
        self.issuers = issuers
        self.aliases = (
            aliases
            if aliases is not None
            else IssuerAlias.objects.unrestricted("the register only").register()
        )
        self.fund_id = fund_id
        self.auto, self.review = thresholds()
        self._merged: dict[int, int] = dict(
            Issuer.objects.unrestricted("where merged duplicates lead; ids only")
            .filter(merged_into__isnull=False)
            .values_list("pk", "merged_into_id")
        )
        self._country_names: dict[str, tuple[list[int], list[str]]] = {}
        self._sorted: dict[str, tuple[list[str], list[int]]] = {}

    def _resolve(self, issuer_id: int) -> int:
        seen = 0
        while issuer_id in self._merged and seen < 50:  # merged duplicates redirect
            issuer_id, seen = self._merged[issuer_id], seen + 1
        return issuer_id

    def match(self, queries: Sequence[Query]) -> list[Match]:
        results: dict[int, Match] = {}
        open_rows = list(queries)

        def settle(found: dict[int, int], method: Method) -> None:
            nonlocal open_rows
            for q in open_rows:
                if q.key in found:
                    results[q.key] = Match(
                        q.key, self._resolve(found[q.key]), method, 100.0, Decision.MATCHED
                    )
            open_rows = [q for q in open_rows if q.key not in results]

        settle(self._by_isin(open_rows), Method.ISIN)
        settle(self._by_lei(open_rows), Method.LEI)
        normalized = {q.key: normalize_name(q.name) for q in open_rows if q.name.strip()}
        settle(self._by_alias(open_rows, normalized), Method.ALIAS)
        settle(self._by_name_country(open_rows, normalized), Method.NAME_COUNTRY)
        for match in self._fuzzy(open_rows, normalized):
            results[match.key] = match
        return [
            results.get(q.key) or Match(q.key, None, Method.NONE, 0.0, Decision.NEW)
            for q in queries
        ]

    def candidates(self, queries: Sequence[Query], limit: int = 5) -> dict[int, list[Candidate]]:
        """Up to ``limit`` issuers per query for a person to choose from, best first (the
        review page); a query without any plausible issuer gets an empty list."""
        found: dict[int, list[Candidate]] = {q.key: [] for q in queries}
        for match in self.match(queries):
            if match.issuer_id is not None:
                found[match.key].append(Candidate(match.issuer_id, match.confidence))
        countries = dict(
            Issuer.objects.unrestricted("candidates' countries; ids only")
            .filter(pk__in=[c.issuer_id for cs in found.values() for c in cs])
            .values_list("pk", "country_of_incorporation")
        )
        return {
            key: [Candidate(c.issuer_id, c.score, countries.get(c.issuer_id, "")) for c in cs][
                :limit
            ]
            for key, cs in found.items()
        }

    # --- exact steps: one query each for the whole batch ---------------------------------

    def _by_isin(self, rows: Iterable[Query]) -> dict[int, int]:
        wanted = {q.isin.upper(): q.key for q in rows if q.isin}
        if not wanted:
            return {}
        found = (
            IssuerIdentifier.objects.unrestricted("matching, in the import job and match actions")
            .filter(
                scheme=IssuerIdentifier.Scheme.ISIN,
                value__any_of=list(wanted),
                issuer__in=self.issuers,
            )
            .values_list("value", "issuer_id")
        )
        by_value = dict(found)
        return {key: by_value[isin] for isin, key in wanted.items() if isin in by_value}

    def _by_lei(self, rows: Iterable[Query]) -> dict[int, int]:
        wanted = {q.lei.upper(): q.key for q in rows if q.lei}
        if not wanted:
            return {}
        by_value = dict(self.issuers.filter(lei__any_of=list(wanted)).values_list("lei", "pk"))
        return {key: by_value[lei] for lei, key in wanted.items() if lei in by_value}

    def _by_alias(self, rows: Sequence[Query], normalized: dict[int, str]) -> dict[int, int]:
        names = {normalized[q.key] for q in rows if q.key in normalized}
        if not names:
            return {}
        # The fund's own alias for a name goes before the register's; within each, the one
        # for the row's country before the one for any country.
        own: dict[tuple[str, str], int] = {}
        register: dict[tuple[str, str], int] = {}
        for alias_name, country, alias_issuer, fund_id in self.aliases.filter(
            normalized_name__any_of=list(names), issuer__in=self.issuers
        ).values_list("normalized_name", "country", "issuer_id", "learned_from_party_id"):
            if fund_id is None:
                register[(alias_name, country)] = alias_issuer
            elif fund_id == self.fund_id:
                own[(alias_name, country)] = alias_issuer
        found = {}
        for q in rows:
            name = normalized.get(q.key)
            if name is None:
                continue
            issuer_id = (
                own.get((name, q.country))
                or own.get((name, ""))
                or register.get((name, q.country))
                or register.get((name, ""))
            )
            if issuer_id:
                found[q.key] = issuer_id
        return found

    def _by_name_country(self, rows: Sequence[Query], normalized: dict[int, str]) -> dict[int, int]:
        pairs = {(normalized[q.key], q.country) for q in rows if q.key in normalized and q.country}
        if not pairs:
            return {}
        names = {name for name, _c in pairs}
        index: dict[tuple[str, str], list[int]] = defaultdict(list)
        for name, country, pk in (
            self.issuers.current()
            .filter(normalized_name__any_of=list(names))
            .values_list("normalized_name", "country_of_incorporation", "pk")
            .order_by("pk")
        ):
            index[(name, country)].append(pk)
        # Two issuers with the same name in one country: not exact; the fuzzy step sends the
        # row to review with both as candidates.
        return {
            q.key: index[(normalized[q.key], q.country)][0]
            for q in rows
            if q.key in normalized and len(index.get((normalized[q.key], q.country), ())) == 1
        }

    # --- fuzzy step: per country, all names at once --------------------------------------

    def _candidates(self, countries: set[str]) -> None:
        missing = countries - set(self._country_names)
        if not missing:
            return
        grouped: dict[str, tuple[list[int], list[str]]] = defaultdict(lambda: ([], []))
        for pk, name, country in (
            self.issuers.current()
            .filter(country_of_incorporation__any_of=list(missing))
            .values_list("pk", "normalized_name", "country_of_incorporation")
            .iterator(chunk_size=20_000)
        ):
            ids, names = grouped[country]
            ids.append(pk)
            names.append(name)
        for country in missing:
            self._country_names[country] = grouped.get(country, ([], []))

    def _best(self, key: int, text: str, candidates: list[tuple[int, str]]) -> Match | None:
        """Re-score the best candidates. A name cut short counts as near-certain only when it
        starts exactly one candidate; two different issuers scoring alike go to review."""
        prefixed = [
            pk for pk, name in candidates if len(text) >= MIN_PREFIX and name.startswith(text)
        ]
        scored = sorted(
            (
                (max(fuzz.WRatio(text, name), PREFIX_SCORE if prefixed == [pk] else 0.0), pk)
                for pk, name in candidates
            ),
            reverse=True,
        )
        best_score, best_id = scored[0]
        if best_score < self.review:
            return None
        ambiguous = (
            len(scored) > 1
            and scored[1][1] != best_id
            and best_score - scored[1][0] < AMBIGUITY_MARGIN
        )
        decision = (
            Decision.MATCHED if best_score >= self.auto and not ambiguous else Decision.REVIEW
        )
        return Match(key, self._resolve(best_id), Method.FUZZY, round(best_score, 1), decision)

    def _sorted_names(self, country: str) -> tuple[list[str], list[int]]:
        if country not in self._sorted:
            ids, names = self._country_names[country]
            pairs = sorted(zip(names, ids, strict=True))
            self._sorted[country] = ([n for n, _ in pairs], [i for _, i in pairs])
        return self._sorted[country]

    @staticmethod
    def _unique_prefix(text: str, order: tuple[list[str], list[int]]) -> int | None:
        """The one issuer whose name starts with ``text``, if exactly one does."""
        if len(text) < MIN_PREFIX:
            return None
        names, ids = order
        i = bisect_left(names, text)
        found: set[int] = set()
        while i < len(names) and names[i].startswith(text) and len(found) < 2:
            found.add(ids[i])
            i += 1
        return found.pop() if len(found) == 1 else None

    def _fuzzy(self, rows: Sequence[Query], normalized: dict[int, str]) -> list[Match]:
        by_country: dict[str, list[Query]] = defaultdict(list)
        for q in rows:
            if q.key in normalized and q.country:
                by_country[q.country].append(q)
        self._candidates(set(by_country))
        matches = []
        for country, queries in by_country.items():
            ids, names = self._country_names[country]
            if not names:
                continue
            # Names cut short (custodians truncate them) that start exactly one issuer's name
            # are settled by a binary search in the sorted names, before any fuzzy scoring.
            order = self._sorted_names(country)
            rest = []
            for q in queries:
                only = self._unique_prefix(normalized[q.key], order)
                if only is None:
                    rest.append(q)
                else:
                    matches.append(
                        Match(
                            q.key,
                            self._resolve(only),
                            Method.FUZZY,
                            PREFIX_SCORE,
                            Decision.MATCHED if self.auto <= PREFIX_SCORE else Decision.REVIEW,
                        )
                    )
            if not rest:
                continue
            texts = [normalized[q.key] for q in rest]
            # Fast first pass over every pair, then a forgiving re-score of the best few.
            scores: Any = process.cdist(texts, names, scorer=fuzz.ratio, workers=-1, dtype=np.uint8)
            top = min(RESCORE_TOP, len(names))
            # The top candidates per row (unordered); scores are uint8, so never negate them.
            best_columns = np.argpartition(scores, -top, axis=1)[:, -top:]
            for row, q in enumerate(rest):
                match = self._best(
                    q.key, texts[row], [(ids[c], names[c]) for c in best_columns[row]]
                )
                if match is not None:
                    matches.append(match)
        return matches
