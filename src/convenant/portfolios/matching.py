"""Matching holdings rows to issuers, in a fixed order of trust:

1. ISIN exact, 2. LEI exact, 3. a known alias (the fund's own confirmations first, then the
register's; by name, within the country where the alias has one, or anywhere when only one
issuer carries that name), 4. the normalised name exactly (also written without spaces): one
issuer with it matches whatever its country; several go to the one in the row's country, else
to review, 5. fuzzy name over the register, with a confidence from 0 to 100.

The country is evidence, not a wall. A row may give the issuer's country (incorporation or
domicile) and the country where the security is listed; an issuer in either agrees. A fuzzy
candidate in another country can be suggested for review, never accepted automatically; a
row without a country matches over the whole register.

Different companies stay different: a candidate with a distinctive word the row's name lacks
(or the other way round) never matches automatically (“Anglo American” is not “Anglo American
Platinum”, “Toyota Motor” not “Toyota Motor Credit”). How distinctive a word is comes from
the register itself: its inverse document frequency over the register's names, so “Bank” or
“Mining” weigh little and “Ahold” much; ``names.WEAK_WORDS`` (Holding, Group, of, the…) weigh
little whatever their count. A name cut short (custodians cut at 28 characters) is not held
to the words that were cut off.

Scale: the register may hold GLEIF's golden copy (millions of entities). The matcher never
compares a name with every issuer. A word index of the register's names (postings per word,
kept per process and rebuilt only when the register changes; every fund's matcher shares
it) narrows each name to the issuers sharing its rarest words (or both of its two commonest
ones, or a word one typo away), ranks those by the weight of the name's words they hold (a
binary search in each word's postings), and only the best few are scored word by word. A
name found exactly once needs no fuzzy step at all. Rows are matched in chunks so memory
stays bounded however long the file is. At 2,500,000 issuers the index takes about 600 MB
and a few seconds to build (``benchmarks/match_scale.py``).
"""

from __future__ import annotations

import io
import math
import threading
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from django.db import connections, models
from rapidfuzz import fuzz, process

from convenant.portfolios.models import (
    IN_REGISTER,
    Issuer,
    IssuerAlias,
    IssuerIdentifier,
    IssuerQuerySet,
)
from convenant.portfolios.names import (
    LEGAL_WORDS,
    WEAK_WORDS,
    compact,
    core,
    ends_in_form,
    normalize_name,
)

# Two different issuers closer than this go to review rather than being picked between.
AMBIGUITY_MARGIN = 3.0
# Candidates below this are not worth showing a person at all.
MIN_CANDIDATE_SCORE = 60.0
# A word in more names than this is too common to find candidates by on its own.
RARE_WORD = 1_000
# … and one in more than this is not used to find candidates at all.
COMMON_WORD = 20_000
# Issuers per row scored word by word.
RESCORE = 6
# Rows per chunk: bounds the memory of the candidate lists.
CHUNK = 1_000
# A name this long or longer that does not end in a legal form may have been cut short.
CUT_LENGTH = 20
# … and one this long may have been cut inside its last word (“ZANJOR ROSIS T”).
CUT_INSIDE_LENGTH = 12
# How much the weak words weigh against the others.
WEAK_WEIGHT = 0.15


class Method(models.TextChoices):
    ISIN = "isin", "ISIN"
    LEI = "lei", "LEI"
    ALIAS = "alias", "alias"
    NAME_COUNTRY = "name_country", "name and country"
    # The name exactly, one issuer in the register has it, in another country than the row's.
    NAME = "name", "name"
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
    country of incorporation, so the page can show where it differs from the file's
    (``country_differs``)."""

    issuer_id: int
    score: float
    country: str = ""
    method: str = "fuzzy"
    country_differs: bool = False


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


# --- the word index of a set of issuers --------------------------------------------------


class NameIndex:
    """The normalised names of a set of issuers with a word index over them: postings (the
    rows that hold each word, sorted), each word's count, and the names without weak words
    and without spaces for the exact steps."""

    def __init__(self, frame: pl.DataFrame) -> None:
        # frame: id (Int64), name (Utf8), country (Utf8)
        self.size = frame.height
        self.ids: np.ndarray = frame["id"].to_numpy()
        self.names: pl.Series = frame["name"]
        self.countries: pl.Series = frame["country"]
        self.lengths: np.ndarray = frame["name"].str.len_chars().to_numpy().astype(np.int32)
        # Every (word, row) pair, sorted by word (stably, so each word's rows stay in order):
        # the postings; the run lengths of the words are their counts.
        words = (
            frame.lazy()
            .select(
                pl.int_range(pl.len(), dtype=pl.Int32).alias("row"),
                pl.col("name").str.split(" ").alias("word"),
            )
            .explode("word")
            .filter(pl.col("word") != "")
            .sort("word", maintain_order=True)
            .collect()
        )
        self.postings: np.ndarray = words["row"].to_numpy()
        runs = words["word"].rle().struct.unnest()
        del words
        self.words: list[str] = runs["value"].to_list()
        self.counts: np.ndarray = runs["len"].to_numpy().astype(np.int64)
        self.offsets = np.zeros(len(self.words) + 1, dtype=np.int64)
        np.cumsum(self.counts, out=self.offsets[1:])
        # The words written backwards, sorted: a typo in a word's first letters still finds
        # the word by its last ones.
        backwards = runs["value"].str.reverse()
        order = backwards.arg_sort()
        self.backwards: list[str] = backwards.gather(order).to_list()
        self.backwards_ids: np.ndarray = order.to_numpy()
        self.compact = frame.select(
            pl.int_range(pl.len(), dtype=pl.Int32).alias("row"),
            pl.col("name").str.replace_all(" ", "").alias("compact"),
        )
        # The names in sorted order: the names a name cut short begins, by binary search.
        order = self.names.arg_sort()
        self.sorted_names: pl.Series = self.names.gather(order)
        self.sorted_rows: np.ndarray = order.to_numpy()

    def word_id(self, word: str) -> int | None:
        i = bisect_left(self.words, word)
        return i if i < len(self.words) and self.words[i] == word else None

    @classmethod
    def from_queryset(cls, issuers: models.QuerySet[Issuer], using: str) -> NameIndex:
        """Read the issuers' names with one COPY (fast for millions of rows)."""
        sql, params = (
            issuers.order_by()
            .values_list("pk", "normalized_name", "country_of_incorporation")
            .query.sql_with_params()
        )
        buffer = io.BytesIO()
        with connections[using].cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for block in copy:
                    buffer.write(block)
        buffer.seek(0)
        schema = {"id": pl.Int64, "name": pl.Utf8, "country": pl.Utf8}
        if buffer.getbuffer().nbytes == 0:
            return cls(pl.DataFrame(schema=schema))
        frame = pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=schema)
        return cls(
            frame.with_columns(pl.col("name").fill_null(""), pl.col("country").fill_null(""))
        )

    def count(self, word: str) -> int:
        wid = self.word_id(word)
        return 0 if wid is None else int(self.counts[wid])

    def similar(self, word: str, limit: int = 3) -> list[int]:
        """Words of the register one typo away from ``word`` (not in it), among those that
        begin with the same three letters or end with the same three."""
        low = bisect_left(self.words, word[:3])
        high = min(bisect_left(self.words, word[:3] + "\x7f"), low + 5_000)
        ids = list(range(low, high))
        end = word[::-1][:3]
        low = bisect_left(self.backwards, end)
        high = min(bisect_left(self.backwards, end + "\x7f"), low + 5_000)
        ids.extend(self.backwards_ids[low:high].tolist())
        if not ids:
            return []
        found = process.extract(
            word, [self.words[i] for i in ids], scorer=fuzz.ratio, score_cutoff=80, limit=limit
        )
        return sorted({ids[i] for _w, _s, i in found})

    def only_name_starting(self, texts: list[str]) -> list[int | None]:
        """Per text, the row of the one name that starts with it, where exactly one does."""
        if not texts or not self.size:
            return [None] * len(texts)
        # Normalised names are upper-case ASCII, so DEL sorts after every name the text starts.
        low = self.sorted_names.search_sorted(pl.Series(texts, dtype=pl.Utf8), side="left")
        high = self.sorted_names.search_sorted(
            pl.Series([t + "\x7f" for t in texts], dtype=pl.Utf8), side="left"
        )
        return [
            int(self.sorted_rows[lo]) if hi - lo == 1 else None
            for lo, hi in zip(low.to_list(), high.to_list(), strict=True)
        ]

    def rows_of(self, wid: int) -> np.ndarray:
        return self.postings[self.offsets[wid] : self.offsets[wid + 1]]

    def prefixed(self, start: str, limit: int = 30) -> list[int]:
        """The words that start with ``start`` (a word cut short), at most ``limit``."""
        i = bisect_left(self.words, start)
        found: list[int] = []
        while i < len(self.words) and self.words[i].startswith(start) and len(found) < limit:
            found.append(i)
            i += 1
        return found


_cache_lock = threading.Lock()
# The register's index, per database and set of issuers: (version, checked at, index).
_cache: dict[tuple[str, str], tuple[tuple[Any, ...], float, NameIndex]] = {}


def register_index(issuers: models.QuerySet[Issuer], *, fresh_within: float = 0.0) -> NameIndex:
    """The word index of these issuers, kept between matchers in this process and rebuilt
    when the register has changed (another issuer, a deletion, an edit). ``fresh_within``
    seconds skips even the check (for pages that can live with a minute-old register)."""
    using = issuers.db
    key = (str(connections[using].settings_dict.get("NAME")), str(issuers.query))
    now = time.monotonic()
    cached = _cache.get(key)
    if cached and fresh_within and now - cached[1] < fresh_within:
        return cached[2]
    summary = issuers.order_by().aggregate(
        n=models.Count("pk"), last=models.Max("pk"), changed=models.Max("updated_at")
    )
    version = (summary["n"], summary["last"], summary["changed"])
    if cached and cached[0] == version:
        _cache[key] = (version, now, cached[2])
        return cached[2]
    with _cache_lock:
        index = NameIndex.from_queryset(issuers, using)
        # One register at a time per database: an old one is garbage.
        for old in [k for k in _cache if k[0] == key[0]]:
            del _cache[old]
        _cache[key] = (version, now, index)
    return index


_LEGAL_WORDS = sorted(w for w in LEGAL_WORDS if len(w) >= 6)

# --- comparing two names ---------------------------------------------------------------


@dataclass
class _Prepared:
    key: int
    text: str
    words: list[str]
    countries: frozenset[str]
    core: str
    compact: str
    # The name may have been cut short (long, and not ending in a legal form or share class).
    maybe_cut: bool = False
    # The name may have been cut inside its last word (shorter names too).
    cut_inside: bool = False


@dataclass
class _Scored:
    issuer_id: int
    score: float
    country: str
    auto_ok: bool
    exact: bool = False
    method: str = "fuzzy"
    agrees: bool = True


def _prepare(q: Query) -> _Prepared:
    text = normalize_name(q.name)
    raw = q.name.strip()
    complete = ends_in_form(raw) if len(raw) >= CUT_INSIDE_LENGTH else None
    countries = frozenset(c for c in (q.country, q.listing_country) if c)
    return _Prepared(
        key=q.key,
        text=text,
        words=text.split(),
        countries=countries,
        core=core(text),
        compact=compact(text),
        maybe_cut=len(raw) >= CUT_LENGTH and complete is False,
        cut_inside=len(raw) >= CUT_INSIDE_LENGTH and complete is False,
    )


class _Weights:
    def __init__(self, index: NameIndex) -> None:
        self.index = index
        self.total = max(index.size, 1)
        self._cache: dict[str, float] = {}

    def __call__(self, word: str) -> float:
        weight = self._cache.get(word)
        if weight is None:
            weight = math.log(1 + self.total / (self.index.count(word) + 1))
            if word in WEAK_WORDS:
                weight *= WEAK_WEIGHT
            self._cache[word] = weight
        return weight


def _word_similarity(word: str, other: str, last_cut: bool) -> float:
    if word == other:
        return 1.0
    if last_cut and other.startswith(word):
        return 1.0
    shorter, longer = sorted((len(word), len(other)))
    if shorter >= 4:
        if other.startswith(word) or word.startswith(other):
            return 0.97  # an abbreviation left as it was (“TECH”, “TECHNOLOGIES”)
        if 3 * shorter < 2 * longer:
            return 0.0  # too different in length for a typo
        ratio = fuzz.ratio(word, other) / 100
        if ratio >= 0.8:
            # A typo: a letter in a long word costs little; in a short one it may well be
            # another name (“BANK”, “BAHN” never get here; “BAYER”, “BAUER” cost much).
            return 1 - (1 - ratio) / 2 if min(len(word), len(other)) >= 7 else ratio
    return 0.0


def _mistyped_form(word: str) -> bool:
    """A legal form or share class with a typo (“CORPORUTION”): no sign of another company."""
    return len(word) >= 6 and (
        process.extractOne(word, _LEGAL_WORDS, scorer=fuzz.ratio, score_cutoff=85) is not None
    )


def _score(q: _Prepared, name: str, weight: _Weights) -> tuple[float, bool]:
    """The confidence (0–100) that ``name`` is the row's company, and whether it is clear
    enough to accept without a person: no distinctive word on either side lacks its match."""
    other = name.split()
    # Words after the cut are not held against the name: after any cut when the name may
    # have been cut at a word's end, only after one inside a word when it is shorter.
    cut_after = None
    if q.cut_inside and name.startswith(q.text):
        inside = len(name) > len(q.text) and name[len(q.text)] != " "
        if q.maybe_cut or inside:
            cut_after = len(q.words)
    taken: set[int] = set()
    sims_q = [0.0] * len(q.words)
    sims_c = [0.0] * len(other)
    for i, word in enumerate(q.words):
        last_cut = q.cut_inside and i == len(q.words) - 1
        best, best_j = 0.0, -1
        for j, candidate in enumerate(other):
            if j in taken:
                continue
            s = _word_similarity(word, candidate, last_cut)
            if s > best:
                best, best_j = s, j
                if s == 1.0:
                    break
        if best_j >= 0:
            taken.add(best_j)
            sims_q[i], sims_c[best_j] = best, best
    weights_q = [weight(w) for w in q.words]
    if len(q.words) > 1 and sims_q[-1] == 0.0 and _mistyped_form(q.words[-1]):
        weights_q[-1], sims_q[-1] = 0.0, -1.0  # not counted either way
    weights_c = [weight(w) for w in other]
    counted_c = range(len(other)) if cut_after is None else range(min(cut_after, len(other)))
    total_q = sum(weights_q) or 1.0
    total_c = sum(weights_c[j] for j in counted_c) or 1.0
    cover_q = sum(w * s for w, s in zip(weights_q, sims_q, strict=True)) / total_q
    cover_c = sum(weights_c[j] * sims_c[j] for j in counted_c) / total_c
    words = 2 * cover_q * cover_c / (cover_q + cover_c) if cover_q + cover_c else 0.0
    characters = 100.0 if cut_after is not None else fuzz.token_sort_ratio(q.core, core(name))
    # The characters help where words nearly match (“ANDES”, “ANDINA”), never hurt where
    # they do (an abbreviation left as written).
    score = 100 * words if characters < 100 * words else 70 * words + 0.3 * characters
    sims_q = [max(s, 0.0) for s in sims_q]
    distinctive = any(
        s == 0.0 and wq > 0 and w not in WEAK_WORDS
        for w, s, wq in zip(q.words, sims_q, weights_q, strict=True)
    ) or any(sims_c[j] == 0.0 and other[j] not in WEAK_WORDS for j in counted_c)
    return round(min(score, 100.0), 1), not distinctive


# --- the matcher ---------------------------------------------------------------------------


@dataclass
class _Outcome:
    match: Match
    candidates: list[Candidate] = field(default_factory=list)


class Matcher:
    """Matches against the issuers and aliases given. ``Matcher.for_fund(fund)`` is what one
    fund's import uses: the register (issuers and aliases the secretariat keeps) and the
    fund's own proposals and aliases, never another fund's. So a fund never matches to, and
    so learns of, an issuer another fund proposed or a name another fund confirmed, and its
    own confirmations go before the register's aliases."""

    @classmethod
    def for_fund(cls, fund: Any, *, fresh_within: float = 0.0) -> Matcher:
        """``fresh_within``: a page may take the register's index as it was checked up to
        that many seconds ago (an import never does)."""
        fund_id = fund if isinstance(fund, int) else fund.pk
        return cls(
            Issuer.objects.unrestricted(
                "a fund's import: the register and its own proposals"
            ).filter(IN_REGISTER | models.Q(proposed_by_party_id=fund_id)),
            IssuerAlias.objects.unrestricted(
                "a fund's import: the register's and its own"
            ).for_fund(fund_id),
            fund_id=fund_id,
            fresh_within=fresh_within,
            whole_register=True,
        )

    @classmethod
    def for_register(cls, *, fresh_within: float = 0.0) -> Matcher:
        """The register alone (no fund's proposals or aliases): for matching that is not a
        fund's, such as linking a signal to a company."""
        return cls(
            Issuer.objects.unrestricted("the register only").in_register(),
            IssuerAlias.objects.unrestricted("the register only").register(),
            fresh_within=fresh_within,
            whole_register=True,
        )

    def __init__(
        self,
        issuers: IssuerQuerySet,
        aliases: models.QuerySet[IssuerAlias] | None = None,
        *,
        fund_id: int | None = None,
        fresh_within: float = 0.0,
        whole_register: bool = False,
    ) -> None:
        """``whole_register``: the issuers are the whole register (plus perhaps a fund's own
        proposals), so the one index of the register kept in this process serves."""
        self.issuers = issuers
        self.whole_register = whole_register
        self.aliases = (
            aliases
            if aliases is not None
            else IssuerAlias.objects.unrestricted("the register only").register()
        )
        self.fund_id = fund_id
        self.fresh_within = fresh_within
        self.auto, self.review = thresholds()
        self._merged: dict[int, int] = dict(
            Issuer.objects.unrestricted("where merged duplicates lead; ids only")
            .filter(merged_into__isnull=False)
            .values_list("pk", "merged_into_id")
        )
        self._indexes: list[NameIndex] | None = None

    def _resolve(self, issuer_id: int) -> int:
        seen = 0
        while issuer_id in self._merged and seen < 50:  # merged duplicates redirect
            issuer_id, seen = self._merged[issuer_id], seen + 1
        return issuer_id

    def indexes(self) -> list[NameIndex]:
        """The register's index (kept between matchers) and one of the rest (a fund's own
        proposals: few, read afresh)."""
        if self._indexes is None:
            current = self.issuers.current()
            # Every fund's matcher shares the one index of the register.
            register_issuers = (
                Issuer.objects.unrestricted("the register's index").in_register().current()
                if self.whole_register
                else current.filter(IN_REGISTER)
            )
            register = register_index(register_issuers, fresh_within=self.fresh_within)
            own = NameIndex.from_queryset(current.exclude(IN_REGISTER), current.db)
            self._indexes = [register, own] if own.size else [register]
        return self._indexes

    def match(self, queries: Sequence[Query]) -> list[Match]:
        return [outcome.match for outcome in self._run(queries, limit=0)]

    def candidates(self, queries: Sequence[Query], limit: int = 5) -> dict[int, list[Candidate]]:
        """Up to ``limit`` issuers per query for a person to choose from, best first (the
        review page); a query without any plausible issuer gets an empty list."""
        return {
            q.key: outcome.candidates[:limit]
            for q, outcome in zip(queries, self._run(queries, limit=limit), strict=True)
        }

    def _run(self, queries: Sequence[Query], limit: int) -> list[_Outcome]:
        results: dict[int, _Outcome] = {}
        open_rows = list(queries)

        def settle(found: dict[int, int], method: Method) -> None:
            nonlocal open_rows
            for q in open_rows:
                if q.key in found:
                    issuer_id = self._resolve(found[q.key])
                    results[q.key] = _Outcome(
                        Match(q.key, issuer_id, method, 100.0, Decision.MATCHED),
                        [Candidate(issuer_id, 100.0, method=str(method))],
                    )
            open_rows = [q for q in open_rows if q.key not in results]

        settle(self._by_isin(open_rows), Method.ISIN)
        settle(self._by_lei(open_rows), Method.LEI)
        # A name of punctuation alone normalises to nothing: nothing to match it by.
        normalized = {q.key: text for q in open_rows if (text := normalize_name(q.name))}
        settle(self._by_alias(open_rows, normalized), Method.ALIAS)
        named = [q for q in open_rows if q.key in normalized]
        if named:
            for outcome in self._by_name(named, limit):
                results[outcome.match.key] = outcome
        if limit:
            self._countries(results.values())
        return [
            results.get(q.key) or _Outcome(Match(q.key, None, Method.NONE, 0.0, Decision.NEW))
            for q in queries
        ]

    def _countries(self, outcomes: Iterable[_Outcome]) -> None:
        """Fill in the countries of candidates found by identifier or alias."""
        outcomes = list(outcomes)
        missing = {c.issuer_id for o in outcomes for c in o.candidates if not c.country}
        if not missing:
            return
        countries = dict(
            Issuer.objects.unrestricted("candidates' countries; ids only")
            .filter(pk__in=missing)
            .values_list("pk", "country_of_incorporation")
        )
        for o in outcomes:
            o.candidates = [
                c
                if c.country
                else Candidate(c.issuer_id, c.score, countries.get(c.issuer_id, ""), c.method)
                for c in o.candidates
            ]

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
        # for the row's country (or listing country) before the one for any country, and
        # last an alias of another country when only one issuer carries it.
        own: dict[tuple[str, str], int] = {}
        register: dict[tuple[str, str], int] = {}
        anywhere: dict[str, set[int]] = defaultdict(set)
        for alias_name, country, alias_issuer, fund_id in self.aliases.filter(
            normalized_name__any_of=list(names), issuer__in=self.issuers
        ).values_list("normalized_name", "country", "issuer_id", "learned_from_party_id"):
            if fund_id is None:
                register[(alias_name, country)] = alias_issuer
                anywhere[alias_name].add(alias_issuer)
            elif fund_id == self.fund_id:
                own[(alias_name, country)] = alias_issuer
        found = {}
        for q in rows:
            name = normalized.get(q.key)
            if name is None:
                continue
            places = [c for c in (q.country, q.listing_country) if c] + [""]
            issuer_id = next(
                (
                    book[(name, place)]
                    for book in (own, register)
                    for place in places
                    if (name, place) in book
                ),
                None,
            )
            if issuer_id is None and len(anywhere.get(name, ())) == 1:
                issuer_id = next(iter(anywhere[name]))
            if issuer_id:
                found[q.key] = issuer_id
        return found

    # --- by name: exact, then fuzzy over the narrowed candidates -------------------------

    def _by_name(self, rows: Sequence[Query], limit: int) -> list[_Outcome]:
        prepared = [_prepare(q) for q in rows]
        scored: dict[int, dict[int, _Scored]] = {p.key: {} for p in prepared}
        indexes = [index for index in self.indexes() if index.size]
        for index in indexes:
            self._exact(index, prepared, scored)
        # A name found exactly, once (or once in its country), that cannot have been cut
        # short, is settled: no fuzzy candidates needed unless a person is to choose.
        fuzzy = prepared if limit else [p for p in prepared if not self._settled(p, scored[p.key])]
        for index in indexes:
            weight = _Weights(index)
            for start in range(0, len(fuzzy), CHUNK):  # bounded memory
                chunk = fuzzy[start : start + CHUNK]
                # An import's name cut short that begins exactly one name of the register
                # needs no other candidate: any other lacks the words the row has.
                cut = [p for p in chunk if not limit and p.cut_inside and len(p.text) >= 12]
                only = {
                    p.key: row
                    for p, row in zip(
                        cut, index.only_name_starting([p.text for p in cut]), strict=True
                    )
                    if row is not None
                }
                shortlist = self._shortlist(index, [p for p in chunk if p.key not in only], weight)
                shortlist.update({key: np.array([row]) for key, row in only.items()})
                self._score_shortlist(index, chunk, shortlist, weight, scored)
        return [self._decide(p, scored[p.key], limit) for p in prepared]

    @staticmethod
    def _settled(p: _Prepared, scored: dict[int, _Scored]) -> bool:
        if p.maybe_cut or not scored:
            return False
        return len(scored) == 1 or sum(s.agrees for s in scored.values()) == 1

    def _score_shortlist(
        self,
        index: NameIndex,
        prepared: list[_Prepared],
        shortlist: dict[int, np.ndarray],
        weight: _Weights,
        scored: dict[int, dict[int, _Scored]],
    ) -> None:
        held = [p for p in prepared if len(shortlist.get(p.key, ()))]
        if not held:
            return
        rows = np.concatenate([shortlist[p.key] for p in held])
        names = index.names.gather(rows).to_list()  # one gather per chunk
        countries = index.countries.gather(rows).to_list()
        ids = index.ids[rows].tolist()
        at = 0
        for p in held:
            seen = scored[p.key]
            end = at + len(shortlist[p.key])
            for issuer_id, name, country in zip(
                ids[at:end], names[at:end], countries[at:end], strict=True
            ):
                issuer_id = self._resolve(issuer_id)
                if issuer_id in seen:
                    continue
                score, clear = _score(p, name, weight)
                agrees = not p.countries or country in p.countries
                seen[issuer_id] = _Scored(
                    issuer_id,
                    score if agrees else max(score - 2.0, 0.0),
                    country,
                    # In another country only word for word: the one name it can be.
                    clear and (agrees or score >= 100.0),
                    agrees=agrees,
                )
            at = end

    def _exact(
        self, index: NameIndex, prepared: list[_Prepared], scored: dict[int, dict[int, _Scored]]
    ) -> None:
        """The names equal to the row's once normalised, or equal written without spaces."""
        wanted = pl.DataFrame(
            {"key": [p.key for p in prepared], "compact": [p.compact for p in prepared]},
            schema={"key": pl.Int64, "compact": pl.Utf8},
        )
        hits = wanted.join(index.compact, on="compact")
        if not hits.height:
            return
        rows = hits["row"].to_numpy()
        countries = index.countries.gather(rows).to_list()
        prepared_by_key = {p.key: p for p in prepared}
        for key, issuer_id, country in zip(
            hits["key"].to_list(), index.ids[rows].tolist(), countries, strict=True
        ):
            p = prepared_by_key[key]
            issuer_id = self._resolve(issuer_id)
            agrees = not p.countries or country in p.countries
            scored[key][issuer_id] = _Scored(
                issuer_id, 100.0, country, True, exact=True, agrees=agrees
            )

    def _shortlist(
        self, index: NameIndex, prepared: list[_Prepared], weight: _Weights
    ) -> dict[int, np.ndarray]:
        """Per row, the few issuers worth scoring word by word: found through its rare words
        (or both of its two commonest words when it has no rare one), then ranked by the
        weight of the row's words each one holds (a binary search in each word's postings)
        and by how close its name's length is."""
        shortlist: dict[int, np.ndarray] = {}
        for p in prepared:
            found: list[tuple[int, int]] = []  # (count, word id) of the row's own words
            near: list[tuple[int, int]] = []  # words it may be: cut short, or with a typo
            for i, word in enumerate(p.words):
                if word in WEAK_WORDS:
                    continue
                wid = index.word_id(word)
                if wid is not None:
                    found.append((int(index.counts[wid]), wid))
                elif p.cut_inside and i == len(p.words) - 1:
                    near.extend((int(index.counts[w]), w) for w in index.prefixed(word))
                elif len(word) >= 5:
                    near.extend((int(index.counts[w]), w) for w in index.similar(word))
            found.sort()
            near.sort()
            # Found by the row's own words where it has a rare one, else by those it may be.
            if not any(count <= RARE_WORD for count, _w in found):
                found = sorted(found + near)
            elif near:
                found = found + near
            if not found:
                continue
            rare = [wid for count, wid in found if count <= RARE_WORD][:3]
            if len(rare) == 1:
                rows = index.rows_of(rare[0])
            elif rare:
                rows = np.unique(np.concatenate([index.rows_of(w) for w in rare[:3]]))
            elif len(found) >= 2 and found[1][0] <= COMMON_WORD * 5:
                rows = np.intersect1d(
                    index.rows_of(found[0][1]), index.rows_of(found[1][1]), assume_unique=True
                )
                if not len(rows) and found[0][0] <= COMMON_WORD:
                    rows = index.rows_of(found[0][1])
            elif found[0][0] <= COMMON_WORD:
                rows = index.rows_of(found[0][1])
            else:
                continue
            if len(rows) > RESCORE:
                rank = -0.01 * np.abs(index.lengths[rows] - len(p.text))
                for _count, wid in found[:5]:
                    postings = index.rows_of(wid)
                    at = np.minimum(np.searchsorted(postings, rows), len(postings) - 1)
                    rank += (postings[at] == rows) * weight(index.words[wid])
                rows = rows[np.argpartition(-rank, RESCORE)[:RESCORE]]
            shortlist[p.key] = rows
        return shortlist

    def _decide(self, p: _Prepared, scored: dict[int, _Scored], limit: int) -> _Outcome:
        ranked = sorted(scored.values(), key=lambda s: (s.exact, s.score, s.agrees), reverse=True)
        candidates = [
            Candidate(
                s.issuer_id,
                s.score,
                s.country,
                "name" if s.exact else "fuzzy",
                country_differs=not s.agrees,
            )
            for s in ranked
            if s.score >= MIN_CANDIDATE_SCORE
        ][: max(limit, 0)]
        none = Match(p.key, None, Method.NONE, 0.0, Decision.NEW)
        if not ranked:
            return _Outcome(none, candidates)
        exact = [s for s in ranked if s.exact]
        if exact:
            agreeing = [s for s in exact if s.agrees]
            only = exact[0] if len(exact) == 1 else agreeing[0] if len(agreeing) == 1 else None
            # A name that may have been cut short and is the start of another issuer's name
            # (“TOYOTA MOTOR” of “Toyota Motor Credit”) is not settled by being exact.
            longer = p.maybe_cut and any(
                not s.exact and s.score >= self.auto and s.auto_ok for s in ranked
            )
            if only is not None and not longer:
                method = Method.NAME_COUNTRY if only.agrees and p.countries else Method.NAME
                if not p.countries:
                    method = Method.NAME
                return _Outcome(
                    Match(p.key, only.issuer_id, method, 100.0, Decision.MATCHED), candidates
                )
            # The same name several times and none (or several) in the row's country.
            best = exact[0]
            return _Outcome(
                Match(p.key, best.issuer_id, Method.FUZZY, 100.0, Decision.REVIEW), candidates
            )
        best = ranked[0]
        if best.score < self.review:
            return _Outcome(none, candidates)
        rival = next((s for s in ranked[1:] if s.issuer_id != best.issuer_id), None)
        ambiguous = rival is not None and best.score - rival.score < AMBIGUITY_MARGIN
        decision = (
            Decision.MATCHED
            if best.score >= self.auto and best.auto_ok and not ambiguous
            else Decision.REVIEW
        )
        return _Outcome(
            Match(p.key, best.issuer_id, Method.FUZZY, best.score, decision), candidates
        )
