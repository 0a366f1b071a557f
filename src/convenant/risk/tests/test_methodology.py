"""The methodology: known answers worked out by hand, and properties checked with hypothesis
(more severe or more likely never ranks lower; the size of a position plays no part)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convenant.risk.methodology import (
    LEVELS,
    CountryFacts,
    ListedGood,
    Methodology,
    SignalInput,
    assess,
    priority,
    severity,
)

M = Methodology.load(Methodology.edition_file("2026.1"))  # the known answers of 2026.1
OECD = "OECD guidance"
one_to_four = st.integers(min_value=1, max_value=4)


def rank(level: str) -> int:
    return LEVELS.index(level)


def test_living_wage_in_garments_known_answer() -> None:
    # Sector severity 4: scale 4, scope 4, irremediability 4 - 1 = 3 (not irremediable).
    # Severity: max 4, three dimensions >= 3 so compounding, capped at 4.
    # No country rule for living wage: default likelihood 2. 4 × 2 = 8 → high.
    a = assess(
        theme="living-wage", sector_severity=4, sector_source=OECD, facts=CountryFacts("BD"), m=M
    )
    assert (a.scale, a.scope, a.irremediability, a.severity, a.likelihood, a.priority) == (
        4,
        4,
        3,
        4,
        2,
        "high",
    )
    assert a.methodology == "2026.1"


def test_freedom_of_association_in_a_5_plus_country_known_answer() -> None:
    # Sector 3: scale 3, scope 3, irremediability 2; two at >= 3 → 3 + 1 = 4.
    # ITUC 5+ → 4, C087 not ratified +1 → capped 4. 4 × 4 = 16 → very high.
    facts = CountryFacts("XX", ituc_rating="5+", not_ratified=frozenset({"ilo_c087"}))
    a = assess(
        theme="freedom-of-association", sector_severity=3, sector_source=OECD, facts=facts, m=M
    )
    assert (a.severity, a.likelihood, a.priority) == (4, 4, "very-high")
    assert any(r.key == "ituc" and ("rating", "5+") in r.params for r in a.reasons)
    assert any("has not ratified ILO C087" in r.text for r in a.reasons)


def test_not_rated_is_never_low_risk() -> None:
    # Luxembourg-like: no ITUC rating. Likelihood is the not-rated value (2), flagged.
    a = assess(
        theme="freedom-of-association",
        sector_severity=2,
        sector_source=OECD,
        facts=CountryFacts("LU"),
        m=M,
    )
    rated_best = assess(
        theme="freedom-of-association",
        sector_severity=2,
        sector_source=OECD,
        facts=CountryFacts("DK", ituc_rating="1"),
        m=M,
    )
    assert a.likelihood == 2 and rated_best.likelihood == 1
    assert any(r.factor == "not rated" for r in a.reasons)


@pytest.mark.parametrize(
    ("prevalence", "not_ratified", "expected_likelihood", "expected_priority"),
    [
        (Decimal("12.0"), frozenset(), 4, "very-high"),  # 4 × 4 = 16
        (Decimal("0.6"), frozenset(), 1, "medium"),  # 4 × 1 = 4
        (Decimal("0.6"), frozenset({"ilo_c029"}), 2, "high"),  # 4 × 2 = 8
        (Decimal("3.0"), frozenset(), 2, "high"),
    ],  # band below 5 → 2; 4 × 2 = 8
)
def test_forced_labour_in_materials_known_answers(
    prevalence: Decimal,
    not_ratified: frozenset[str],
    expected_likelihood: int,
    expected_priority: str,
) -> None:
    # Sector 3 and forced labour is irremediable: 3, 3, 3 → compounding → 4.
    facts = CountryFacts("XX", gsi_prevalence=prevalence, not_ratified=not_ratified)
    a = assess(theme="forced-labour", sector_severity=3, sector_source=OECD, facts=facts, m=M)
    assert (a.severity, a.likelihood, a.priority) == (4, expected_likelihood, expected_priority)


def test_child_labour_from_listed_goods_and_ratifications() -> None:
    cocoa = ListedGood("Cocoa", frozenset({"child_labour"}))
    facts = CountryFacts("XX", goods=(cocoa,), not_ratified=frozenset({"ilo_c138"}))
    a = assess(
        theme="child-labour",
        sector_severity=3,
        sector_source=OECD,
        facts=facts,
        m=M,
        sector_goods=frozenset({"Cocoa", "Coffee"}),
    )
    assert a.likelihood == 4  # listed goods floor 3, +1 for C138
    assert any(r.key == "goods_child_labour" and "Cocoa" in r.text for r in a.reasons)


def test_a_listed_good_counts_only_for_the_sectors_that_produce_or_source_it() -> None:
    # Cocoa listed in the country, but a bank does not source cocoa: base 1, +1 for C138.
    cocoa = ListedGood("Cocoa", frozenset({"child_labour"}))
    facts = CountryFacts("XX", goods=(cocoa,), not_ratified=frozenset({"ilo_c138"}))
    a = assess(
        theme="child-labour",
        sector_severity=3,
        sector_source=OECD,
        facts=facts,
        m=M,
        sector_goods=frozenset({"Gold"}),
    )
    assert a.likelihood == 2
    assert not any(r.factor == "goods" for r in a.reasons)


def test_findings_take_the_highest_of_each_dimension_and_cite_each_signal() -> None:
    # Two findings on one company: scale 3 / scope 1 / irr 1 / likelihood 3 and
    # scale 1 / scope 4 / irr 1 / likelihood 2 → scale 3, scope 4, irr max(1, sector 2 - 1).
    # Severity: max 4, two at >= 3 → compounding, capped at 4. Likelihood 3. 4 × 3 = 12.
    findings = (
        SignalInput("SIG-1", scale=3, scope=1, irremediability=1, actual=False, likelihood=3),
        SignalInput("SIG-2", scale=1, scope=4, irremediability=1, actual=False, likelihood=2),
    )
    a = assess(
        theme="discrimination",
        sector_severity=2,
        sector_source=OECD,
        facts=CountryFacts("XX", ituc_rating="1"),
        m=M,
        signals=findings,
    )
    assert (a.scale, a.scope, a.irremediability, a.severity, a.likelihood) == (3, 4, 1, 4, 3)
    assert a.priority == "very-high"
    # Each finding is cited with its own values, so the result can be recomputed.
    assert [dict(r.params) for r in a.reasons if r.factor == "signal"] == [
        {
            "reference": "SIG-1",
            "scale": "3",
            "scope": "1",
            "irremediability": "1",
            "likelihood": "3",
            "actual": "no",
        },
        {
            "reference": "SIG-2",
            "scale": "1",
            "scope": "4",
            "irremediability": "1",
            "likelihood": "2",
            "actual": "no",
        },
    ]


def test_a_verified_actual_signal_makes_the_impact_certain() -> None:
    signal = SignalInput("SIG-1", scale=2, scope=1, irremediability=4, actual=True)
    a = assess(
        theme="pollution",
        sector_severity=1,
        sector_source=OECD,
        facts=CountryFacts("XX"),
        m=M,
        signals=(signal,),
    )
    assert (a.irremediability, a.severity, a.likelihood, a.priority) == (4, 4, 4, "very-high")
    assert any(r.factor == "signal" for r in a.reasons)


@given(one_to_four, one_to_four, one_to_four, st.sampled_from(["scale", "scope", "irr"]))
def test_raising_any_dimension_never_lowers_severity(a: int, b: int, c: int, which: str) -> None:
    before = severity(a, b, c, M)
    raised = {"scale": (a + 1, b, c), "scope": (a, b + 1, c), "irr": (a, b, c + 1)}[which]
    assert severity(*raised, M) >= before
    assert before >= max(a, b, c)  # any one dimension can make an impact severe


@given(one_to_four, one_to_four, one_to_four, one_to_four)
def test_priority_is_monotone(s1: int, s2: int, l1: int, l2: int) -> None:
    if s1 <= s2 and l1 <= l2:
        assert rank(priority(s1, l1, M)) <= rank(priority(s2, l2, M))


@given(
    theme=st.sampled_from(["forced-labour", "living-wage", "freedom-of-association", "climate"]),
    sector=st.integers(min_value=1, max_value=4),
    scale=one_to_four,
    scope=one_to_four,
    irr=one_to_four,
    actual=st.booleans(),
    likely=one_to_four,
    bump=st.sampled_from(["scale", "scope", "irr", "actual", "likely", "sector"]),
    small=st.decimals(min_value=0, max_value=10**6, places=2),
    large=st.decimals(min_value=10**6, max_value=10**12, places=2),
)
def test_more_severe_or_likely_never_ranks_lower_and_size_plays_no_part(
    theme: str,
    sector: int,
    scale: int,
    scope: int,
    irr: int,
    actual: bool,
    likely: int,
    bump: str,
    small: Decimal,
    large: Decimal,
) -> None:
    facts = CountryFacts("XX", ituc_rating="3", gsi_prevalence=Decimal("4"))
    base = SignalInput("S", scale, scope, irr, actual, likelihood=likely)
    raised = SignalInput(
        "S",
        scale + (bump == "scale"),
        scope + (bump == "scope"),
        irr + (bump == "irr"),
        actual or bump == "actual",
        likelihood=likely + (bump == "likely"),
    )
    kwargs = {"theme": theme, "sector_source": OECD, "facts": facts, "m": M}
    before = assess(sector_severity=sector, signals=(base,), position_value=small, **kwargs)
    after = assess(
        sector_severity=min(4, sector + (bump == "sector")),
        signals=(raised,),
        position_value=small,
        **kwargs,
    )
    assert rank(after.priority) >= rank(before.priority)
    bigger = assess(sector_severity=sector, signals=(base,), position_value=large, **kwargs)
    assert bigger == before
