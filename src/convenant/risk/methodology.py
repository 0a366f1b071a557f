"""The risk methodology as code that reads its versioned parameters (data/methodology): from
a sector's inherent severity, a country's indicators and verified signals to a severity, a
likelihood and a priority, with the reasons that answer "why is this high".

Pure functions on plain values: no database, so a result can be recomputed from what it
recorded, and properties (more severe never ranks lower; position size plays no part) can
be tested exhaustively.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

LEVELS = ("low", "medium", "high", "very-high")
METHODOLOGY_FILE = Path(__file__).resolve().parent / "data" / "methodology" / "dataset.yaml"


@dataclass(frozen=True)
class Methodology:
    edition: str
    compound_at: int
    compound_count: int
    irremediable_themes: frozenset[str]
    default_likelihood: int
    not_rated: int
    likelihood: dict[str, dict[str, Any]]
    actual_likelihood: int
    priority: tuple[tuple[str, int], ...]  # (level, minimum product), highest first

    @classmethod
    def load(cls, path: Path = METHODOLOGY_FILE) -> Methodology:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Methodology:
        priority = tuple(
            (p["level"], int(p["min_product"]))
            for p in sorted(data["priority"], key=lambda p: -int(p["min_product"]))
        )
        if {level for level, _m in priority} != set(LEVELS) or priority[-1][1] > 1:
            raise ValueError("priority must give every level and start at a product of 1")
        return cls(
            edition=str(data["edition"]),
            compound_at=int(data["severity"]["compound_at"]),
            compound_count=int(data["severity"]["compound_count"]),
            irremediable_themes=frozenset(data["irremediable_themes"]),
            default_likelihood=int(data["default_likelihood"]),
            not_rated=int(data["not_rated"]),
            likelihood=data.get("likelihood") or {},
            actual_likelihood=int(data["signal"]["actual_likelihood"]),
            priority=priority,
        )


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
class SignalInput:
    """A verified finding about the company on this theme (from a signal), as its handler
    assessed it on the methodology's scales."""

    reference: str
    scale: int
    scope: int
    irremediability: int
    actual: bool
    likelihood: int = 1
    source: str = ""


@dataclass(frozen=True)
class Reason:
    """Why: ``factor`` groups it, ``key`` and ``params`` let the page say it in the reader's
    language, ``text`` is the English wording kept with the result and in exports."""

    factor: str  # "sector", "country", "signal", "compounding", "not rated"
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
    likelihood: int
    priority: str
    methodology: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    evidence: bool = False  # company-specific evidence went in: not only potential risk

    @property
    def score(self) -> Decimal:
        """Severity × likelihood: orders the rows within a band."""
        return (Decimal(self.severity) * Decimal(str(self.likelihood))).quantize(Decimal("0.01"))


def clamp(value: int) -> int:
    return max(1, min(4, value))


def severity(scale: int, scope: int, irremediability: int, m: Methodology) -> int:
    """The highest of the three — any one can make an impact severe — one step more when
    several are high at once."""
    parts = (clamp(scale), clamp(scope), clamp(irremediability))
    high = sum(1 for p in parts if p >= m.compound_at)
    return clamp(max(parts) + (1 if high >= m.compound_count else 0))


def priority(severity_value: int, likelihood_value: int, m: Methodology) -> str:
    product = clamp(severity_value) * clamp(likelihood_value)
    return next(level for level, minimum in m.priority if product >= minimum)


def likelihood(
    theme: str, facts: CountryFacts, m: Methodology, sector_goods: frozenset[str] = frozenset()
) -> tuple[int, list[Reason]]:
    """Likelihood from the country's indicators, with the reasons. A listed good counts only
    where the company's sector produces or sources it (``sector_goods``)."""
    rules = m.likelihood.get(theme)
    if not rules:
        return m.default_likelihood, [
            Reason(
                "country",
                "no country indicator for this theme; default likelihood",
                key="no_indicator",
            )
        ]
    reasons: list[Reason] = []
    value: int | None = rules.get("base")
    country = (("country", facts.country),)
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
            value = max(value or 0, m.not_rated)
        else:
            rated = int(rules["ituc_rating"][facts.ituc_rating])
            reasons.append(
                Reason(
                    "country",
                    f"ITUC rating {facts.ituc_rating}",
                    source,
                    "ituc_rating",
                    (("rating", facts.ituc_rating),),
                )
            )
            value = max(value or 0, rated)
    if "gsi_prevalence" in rules:
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
            value = max(value or 0, m.not_rated)
        else:
            band = next(
                level
                for upper, level in rules["gsi_prevalence"]
                if facts.gsi_prevalence < Decimal(str(upper))
            )
            reasons.append(
                Reason(
                    "country",
                    f"modern slavery {facts.gsi_prevalence} per 1,000",
                    source,
                    "gsi_prevalence",
                    (("prevalence", str(facts.gsi_prevalence)),),
                )
            )
            value = max(value or 0, int(band))
    for kind, floor in (rules.get("listed_goods") or {}).items():
        names = sorted(g.name for g in facts.goods if kind in g.kinds and g.name in sector_goods)
        if names:
            reasons.append(
                Reason(
                    "goods",
                    f"{', '.join(names)} listed for {kind.replace('_', ' ')} in {facts.country}",
                    facts.source("dol-tvpra", "US DoL"),
                    f"goods_{kind}",
                    (("goods", ", ".join(names)), ("country", facts.country)),
                )
            )
            value = max(value or 0, int(floor))
    value = value or m.default_likelihood
    for indicator, add in (rules.get("not_ratified_adds") or {}).items():
        if indicator in facts.not_ratified:
            convention = indicator.removeprefix("ilo_").upper()
            reasons.append(
                Reason(
                    "country",
                    f"{convention} not ratified",
                    facts.source("ilo-fundamental", "ILO"),
                    "not_ratified",
                    (("convention", convention),),
                )
            )
            value += int(add)
    return clamp(value), reasons


def assess(
    *,
    theme: str,
    sector_severity: int | None,
    sector_source: str,
    facts: CountryFacts,
    m: Methodology,
    sector_goods: frozenset[str] = frozenset(),
    signals: tuple[SignalInput, ...] = (),
    position_value: Decimal | None = None,  # leverage: shown beside, never used
) -> Assessment:
    """One (company, theme) risk. ``position_value`` is accepted and deliberately unused:
    the size of a holding is leverage, not severity. Verified findings about the company
    (``signals``) raise scale, scope, irremediability and likelihood, never lower them."""
    del position_value
    reasons: list[Reason] = []
    inherent = clamp(sector_severity or 1)
    scale = scope = inherent
    irremediability = inherent if theme in m.irremediable_themes else clamp(inherent - 1)
    if sector_severity:
        reasons.append(
            Reason(
                "sector",
                f"inherent severity {inherent} in the sector",
                sector_source,
                "sector",
                (("severity", str(inherent)),),
            )
        )
    found_likelihood, country_reasons = likelihood(theme, facts, m, sector_goods)
    reasons.extend(country_reasons)
    for signal in signals:
        scale = max(scale, clamp(signal.scale))
        scope = max(scope, clamp(signal.scope))
        irremediability = max(irremediability, clamp(signal.irremediability))
        found_likelihood = max(found_likelihood, clamp(signal.likelihood))
        if signal.actual:
            found_likelihood = max(found_likelihood, m.actual_likelihood)
        reasons.append(
            Reason(
                "signal",
                f"verified signal {signal.reference}"
                + (" (actual impact)" if signal.actual else ""),
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
        )
    value = severity(scale, scope, irremediability, m)
    if value > max(scale, scope, irremediability):
        reasons.append(
            Reason("compounding", "several dimensions are high at once", key="compounding")
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
