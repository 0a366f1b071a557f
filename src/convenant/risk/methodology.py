"""The risk methodology as code that reads its versioned parameters (data/methodology): from
a sector's inherent severity, a country's indicators and verified signals to a severity, a
likelihood and a priority, with the reasons that answer "why is this high".

Pure functions on plain values: no database, so a result can be recomputed from what it
recorded, and properties (more severe never ranks lower; position size plays no part) can
be tested exhaustively.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

LEVELS = ("low", "medium", "high", "very-high")
LIBRARY = Path(__file__).resolve().parent / "data"
METHODOLOGY_FILE = LIBRARY / "methodology" / "dataset.yaml"
CENT = Decimal("0.01")
# Words for a likelihood on the 1–4 scale, for reasons.
LIKELIHOOD_WORDS = ((Decimal("3.5"), "evidenced"), (3, "likely"), (2, "possible"), (1, "unlikely"))


@dataclass(frozen=True)
class Methodology:
    edition: str
    compound_at: int
    compound_count: int
    irremediable_themes: frozenset[str]
    default_likelihood: Decimal
    not_rated: Decimal
    likelihood: dict[str, dict[str, Any]]
    actual_likelihood: int
    priority: tuple[tuple[str, Decimal], ...]  # (level, minimum score), highest first
    # From edition 2026.2; the defaults give 2026.1's rules, so its results can be recomputed.
    inherent: str = "split"  # "split": scale = scope = inherent, compounded; "single": as is
    context_max: Decimal = Decimal(4)  # the most the country and sector context can give
    evidence_likelihood: Decimal = Decimal(0)  # the least company-specific evidence gives
    conduct_evidence: bool = False  # a conduct record of a violation is company evidence
    sector_map: str = ""  # the sector map edition it reads ("" = the latest loaded)

    @classmethod
    def load(cls, path: Path = METHODOLOGY_FILE) -> Methodology:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls.from_dict(data)

    @classmethod
    def edition_file(cls, edition: str) -> Path:
        """The shipped file of an edition (the one in force, or an older one kept beside it)."""
        for path in (METHODOLOGY_FILE, LIBRARY / f"methodology-{edition}" / "dataset.yaml"):
            if path.exists() and str(yaml.safe_load(path.read_text())["edition"]) == edition:
                return path
        raise LookupError(f"no methodology edition {edition}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Methodology:
        priority = tuple(
            (p["level"], _number(p["min_product"]))
            for p in sorted(data["priority"], key=lambda p: -_number(p["min_product"]))
        )
        if {level for level, _m in priority} != set(LEVELS) or priority[-1][1] > 1:
            raise ValueError("priority must give every level and start at a product of 1")
        if data.get("inherent", "split") not in ("split", "single"):
            raise ValueError("inherent must be split or single")
        return cls(
            edition=str(data["edition"]),
            compound_at=int(data["severity"]["compound_at"]),
            compound_count=int(data["severity"]["compound_count"]),
            irremediable_themes=frozenset(data["irremediable_themes"]),
            default_likelihood=_number(data["default_likelihood"]),
            not_rated=_number(data["not_rated"]),
            likelihood=data.get("likelihood") or {},
            actual_likelihood=int(data["signal"]["actual_likelihood"]),
            priority=priority,
            inherent=str(data.get("inherent", "split")),
            context_max=_number(data.get("context_max", 4)),
            evidence_likelihood=_number(data.get("evidence_likelihood", 0)),
            conduct_evidence=bool(data.get("conduct_evidence", False)),
            sector_map=str(data.get("sector_map", "")),
        )


def _number(value: Any) -> Decimal:
    return Decimal(str(value))


@dataclass(frozen=True)
class ListedGood:
    """A good the US DoL lists for the country, with the kinds of labour it is listed for."""

    name: str
    kinds: frozenset[str]  # "child_labour", "forced_labour"


@dataclass(frozen=True)
class CountryFacts:
    """What the reference datasets say about a country (None: the dataset does not rate it)."""

    country: str
    ituc_rating: str | None = None
    not_ratified: frozenset[str] = frozenset()  # indicator keys, e.g. "ilo_c087"
    gsi_prevalence: Decimal | None = None
    goods: tuple[ListedGood, ...] = ()
    # dataset key → "name edition", so every reason names its source and year
    sources: tuple[tuple[str, str], ...] = ()

    def source(self, key: str, fallback: str) -> str:
        return dict(self.sources).get(key, fallback)


@dataclass(frozen=True)
class SectorContext:
    """The sector map's entry that applies to the company (its most specific industry), in
    both languages, so a reason can name the industry and the guidance it rests on."""

    code: str
    name: str
    name_nl: str
    guidance: str
    guidance_nl: str
    why: str
    why_nl: str


@dataclass(frozen=True)
class SignalInput:
    """Company-specific evidence on this theme: a verified finding from a signal (assessed
    on the methodology's scales), a conduct record of a violation or the fund's judgement
    of an actual impact (``kind``; these two carry no scales: 0)."""

    reference: str
    scale: int
    scope: int
    irremediability: int
    actual: bool
    likelihood: int = 1
    source: str = ""
    kind: str = "signal"  # "signal", "conduct", "judgement"


@dataclass(frozen=True)
class Reason:
    """Why: ``factor`` groups it, ``key`` and ``params`` let the page say it in the reader's
    language, ``text`` is the English wording kept with the result and in exports."""

    factor: str  # "sector", "country", "goods", "signal", "evidence", "likelihood", …
    text: str
    source: str = ""
    key: str = ""
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Assessment:
    theme: str
    scale: int
    scope: int
    irremediability: int
    severity: int
    likelihood: Decimal
    priority: str
    methodology: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    evidence: bool = False  # company-specific evidence went in: not only potential risk

    @property
    def score(self) -> Decimal:
        """Severity × likelihood: orders the rows within a band."""
        return score(self.severity, self.likelihood)


def clamp(value: int) -> int:
    return max(1, min(4, value))


def score(severity_value: int, likelihood_value: Decimal | int) -> Decimal:
    return (Decimal(clamp(severity_value)) * Decimal(likelihood_value)).quantize(CENT)


def severity(scale: int, scope: int, irremediability: int, m: Methodology) -> int:
    """The highest of the three — any one can make an impact severe — one step more when
    several are high at once."""
    parts = (clamp(scale), clamp(scope), clamp(irremediability))
    high = sum(1 for p in parts if p >= m.compound_at)
    return clamp(max(parts) + (1 if high >= m.compound_count else 0))


def priority(severity_value: int, likelihood_value: Decimal | int, m: Methodology) -> str:
    product = score(severity_value, likelihood_value)
    return next(level for level, minimum in m.priority if product >= minimum)


def likelihood_word(value: Decimal) -> str:
    return next(word for floor, word in LIKELIHOOD_WORDS if value >= floor)


def _bounded(value: Decimal) -> Decimal:
    return max(Decimal(1), min(Decimal(4), value)).quantize(CENT)


def _interpolate(points: list[list[Any]], x: Decimal) -> Decimal:
    """Piecewise linear through ``points`` ([[x, y], …], x rising), flat beyond the ends."""
    pairs = [(_number(a), _number(b)) for a, b in points]
    if x <= pairs[0][0]:
        return pairs[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(pairs):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return pairs[-1][1]


def likelihood(
    theme: str, facts: CountryFacts, m: Methodology, sector_goods: frozenset[str] = frozenset()
) -> tuple[Decimal, list[Reason]]:
    """Likelihood of a potential impact from the country's indicators, with the reasons and,
    last, what drove it. A listed good counts only where the company's sector produces or
    sources it (``sector_goods``). Never above ``m.context_max``: context is not evidence."""
    rules = m.likelihood.get(theme)
    if not rules:
        default = _bounded(m.default_likelihood)
        return default, [
            Reason(
                "likelihood",
                f"likelihood {default} of 4 ({likelihood_word(default)}): no country "
                "indicator speaks to this theme, so the methodology's default",
                key="no_indicator",
                params=(("value", str(default)),),
            )
        ]
    reasons: list[Reason] = []
    value: Decimal | None = _number(rules["base"]) if "base" in rules else None
    driver = "base" if value is not None else ""
    country = (("country", facts.country),)

    def raise_to(candidate: Decimal, why: str) -> None:
        nonlocal value, driver
        if value is None or candidate > value:
            value, driver = candidate, why

    if "ituc_rating" in rules:
        source = facts.source("ituc-gri", "ITUC")
        if facts.ituc_rating is None:
            reasons.append(
                Reason(
                    "not rated",
                    f"{facts.country} is not rated by the ITUC "
                    "Global Rights Index: not rated is not low risk",
                    source,
                    "ituc_not_rated",
                    country,
                )
            )
            raise_to(m.not_rated, "ituc_not_rated")
        else:
            reasons.append(
                Reason(
                    "country",
                    f"{facts.country} — {source}: {facts.ituc_rating}",
                    source,
                    "ituc",
                    (*country, ("rating", facts.ituc_rating), ("source", source)),
                )
            )
            raise_to(_number(rules["ituc_rating"][facts.ituc_rating]), "ituc")
    if "gsi_prevalence" in rules or "gsi_points" in rules:
        source = facts.source("walkfree-gsi", "Walk Free")
        if facts.gsi_prevalence is None:
            reasons.append(
                Reason(
                    "not rated",
                    f"no Global Slavery Index estimate for {facts.country}",
                    source,
                    "gsi_not_rated",
                    country,
                )
            )
            raise_to(m.not_rated, "gsi_not_rated")
        else:
            prevalence = facts.gsi_prevalence
            if "gsi_points" in rules:
                found = _interpolate(rules["gsi_points"], prevalence)
            else:  # 2026.1: bands
                found = _number(
                    next(
                        level
                        for upper, level in rules["gsi_prevalence"]
                        if prevalence < Decimal(str(upper))
                    )
                )
            reasons.append(
                Reason(
                    "country",
                    f"{facts.country} — {source}: {prevalence.quantize(CENT)} people in "
                    "modern slavery per 1,000 inhabitants",
                    source,
                    "gsi",
                    (*country, ("prevalence", str(prevalence)), ("source", source)),
                )
            )
            raise_to(found, "gsi")
    for kind, floor in (rules.get("listed_goods") or {}).items():
        names = sorted(g.name for g in facts.goods if kind in g.kinds and g.name in sector_goods)
        if names:
            source = facts.source("dol-tvpra", "US DoL")
            reasons.append(
                Reason(
                    "goods",
                    f"{', '.join(names)} listed for {kind.replace('_', ' ')} in {facts.country}"
                    " — goods this sector produces or sources",
                    source,
                    f"goods_{kind}",
                    (("goods", ", ".join(names)), *country, ("source", source)),
                )
            )
            raise_to(_number(floor), f"goods_{kind}")
    if value is None:
        value, driver = m.default_likelihood, "default"
    added = Decimal(0)
    for indicator, add in (rules.get("not_ratified_adds") or {}).items():
        if indicator in facts.not_ratified:
            convention = indicator.removeprefix("ilo_").upper()
            source = facts.source("ilo-fundamental", "ILO")
            reasons.append(
                Reason(
                    "country",
                    f"{facts.country} has not ratified ILO {convention}",
                    source,
                    "not_ratified",
                    (("convention", convention), *country, ("source", source)),
                )
            )
            added += _number(add)
    value = _bounded(min(value + added, m.context_max))
    drivers = driver + ("+not_ratified" if added else "")
    reasons.append(
        Reason(
            "likelihood",
            f"likelihood {value} of 4 ({likelihood_word(value)}), from the context "
            f"({drivers}): a potential impact, no company-specific evidence",
            key="likelihood_context",
            params=(("value", str(value)), ("driver", drivers)),
        )
    )
    return value, reasons


def _evidence_reason(signal: SignalInput) -> Reason:
    if signal.kind == "conduct":
        return Reason(
            "evidence",
            f"conduct record: {signal.source} reports a violation of the UN Global Compact "
            f"or the OECD Guidelines ({signal.reference})",
            signal.source,
            "conduct_violation" if signal.actual else "conduct_violation_company",
            (("source", signal.source), ("as_of", signal.reference)),
        )
    if signal.kind == "judgement":
        return Reason(
            "evidence",
            "the fund judged this an actual impact",
            signal.source,
            "judged_actual",
        )
    return Reason(
        "signal",
        f"verified signal {signal.reference}" + (" (actual impact)" if signal.actual else ""),
        signal.source or "signal",
        "signal_actual" if signal.actual else "signal",
        # The finding's own values, so the result can be recomputed from what it keeps.
        (
            ("reference", signal.reference),
            ("scale", str(signal.scale)),
            ("scope", str(signal.scope)),
            ("irremediability", str(signal.irremediability)),
            ("likelihood", str(signal.likelihood)),
            ("actual", "yes" if signal.actual else "no"),
        ),
    )


def _sector_reason(
    theme: str, inherent: int, sector_source: str, sector: SectorContext | None
) -> Reason:
    if sector is None:
        return Reason(
            "sector",
            f"inherent severity {inherent} in the sector",
            sector_source,
            "sector",
            (("severity", str(inherent)),),
        )
    return Reason(
        "sector",
        f"{sector.name}: {sector.why} Inherent severity {inherent} ({sector.guidance})",
        sector.guidance,
        "sector_guidance",
        (
            ("severity", str(inherent)),
            ("code", sector.code),
            ("sector", sector.name),
            ("sector_nl", sector.name_nl),
            ("guidance", sector.guidance),
            ("guidance_nl", sector.guidance_nl),
            ("why", sector.why),
            ("why_nl", sector.why_nl),
        ),
    )


def assess(
    *,
    theme: str,
    sector_severity: int | None,
    sector_source: str,
    facts: CountryFacts,
    m: Methodology,
    sector_goods: frozenset[str] = frozenset(),
    signals: tuple[SignalInput, ...] = (),
    sector: SectorContext | None = None,
    position_value: Decimal | None = None,  # leverage: shown beside, never used
) -> Assessment:
    """One (company, theme) risk. ``position_value`` is accepted and deliberately unused:
    the size of a holding is leverage, not severity. Company-specific evidence
    (``signals``) raises severity and likelihood, never lowers them."""
    del position_value
    reasons: list[Reason] = []
    inherent = clamp(sector_severity or 1)
    scale = scope = inherent
    irremediability = inherent if theme in m.irremediable_themes else clamp(inherent - 1)
    if sector_severity:
        reasons.append(_sector_reason(theme, inherent, sector_source, sector))
    found_likelihood, country_reasons = likelihood(theme, facts, m, sector_goods)
    reasons.extend(country_reasons)
    assessed = [s for s in signals if s.kind == "signal"]
    for signal in assessed:
        scale = max(scale, clamp(signal.scale))
        scope = max(scope, clamp(signal.scope))
        irremediability = max(irremediability, clamp(signal.irremediability))
    for signal in signals:
        found_likelihood = max(
            found_likelihood, Decimal(clamp(signal.likelihood)), m.evidence_likelihood
        )
        if signal.actual:
            found_likelihood = max(found_likelihood, Decimal(m.actual_likelihood))
        reasons.append(_evidence_reason(signal))
    if m.inherent == "split":
        value = severity(scale, scope, irremediability, m)
        compounded = value > max(scale, scope, irremediability)
    else:  # the map's figure as it is; compounding only over what a handler assessed
        evidenced = (
            severity(
                max(clamp(s.scale) for s in assessed),
                max(clamp(s.scope) for s in assessed),
                max(clamp(s.irremediability) for s in assessed),
                m,
            )
            if assessed
            else 0
        )
        value = max(inherent, evidenced)
        compounded = bool(assessed) and evidenced > max(
            max(clamp(s.scale), clamp(s.scope), clamp(s.irremediability)) for s in assessed
        )
    if compounded:
        reasons.append(
            Reason("compounding", "several dimensions are high at once", key="compounding")
        )
    found_likelihood = _bounded(found_likelihood)
    if signals and m.evidence_likelihood:
        reasons.append(
            Reason(
                "likelihood",
                f"likelihood {found_likelihood} of 4: "
                + ("an actual impact" if found_likelihood >= 4 else "company-specific evidence"),
                key="likelihood_actual" if found_likelihood >= 4 else "likelihood_evidence",
                params=(("value", str(found_likelihood)),),
            )
        )
    return Assessment(
        theme=theme,
        scale=scale,
        scope=scope,
        irremediability=irremediability,
        severity=value,
        likelihood=found_likelihood,
        priority=priority(value, found_likelihood, m),
        methodology=m.edition,
        reasons=tuple(reasons),
        evidence=bool(signals),
    )
