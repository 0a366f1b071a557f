"""Edition 2026.2 of the methodology: known answers worked out by hand, and the properties
the working group asked for — company evidence never ranks below potential risk of the same
severity, the score never disagrees with the band, context alone never reaches "actual"."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convenant.risk.methodology import (
    LEVELS,
    CountryFacts,
    ListedGood,
    Methodology,
    SectorContext,
    SignalInput,
    assess,
)

M = Methodology.load()  # the edition in force: 2026.2
OLD = Methodology.load(Methodology.edition_file("2026.1"))
OECD = "OECD guidance"
BRAZIL = CountryFacts(
    "BR",
    ituc_rating="4",
    not_ratified=frozenset({"ilo_c087", "ilo_c187"}),
    gsi_prevalence=Decimal("4.95"),
    goods=(ListedGood("Charcoal", frozenset({"forced_labour", "child_labour"})),),
)
one_to_four = st.integers(min_value=1, max_value=4)


def test_the_shipped_edition_is_2026_2_and_2026_1_is_kept() -> None:
    assert M.edition == "2026.2" and M.inherent == "single" and M.context_max == 3
    assert OLD.edition == "2026.1" and OLD.inherent == "split" and OLD.context_max == 4


def test_inherent_severity_is_the_maps_figure_not_compounded() -> None:
    # 2026.1: sector 3 → scale 3, scope 3 → compounding → 4. 2026.2: stays 3.
    facts = CountryFacts("XX", ituc_rating="1")
    old = assess(theme="forced-labour", sector_severity=3, sector_source=OECD, facts=facts, m=OLD)
    new = assess(theme="forced-labour", sector_severity=3, sector_source=OECD, facts=facts, m=M)
    assert (old.severity, new.severity) == (4, 3)
    assert not any(r.key == "compounding" for r in new.reasons)


def test_freedom_of_association_in_brazil_known_answer() -> None:
    # ITUC 4 → 2.5; C087 not ratified +0.25 → 2.75 ("likely" starts at 3: "possible").
    # Sector 3 × 2.75 = 8.25 → high (≥ 8).
    a = assess(
        theme="freedom-of-association", sector_severity=3, sector_source=OECD, facts=BRAZIL, m=M
    )
    assert (a.severity, a.likelihood, a.score, a.priority) == (
        3,
        Decimal("2.75"),
        Decimal("8.25"),
        "high",
    )
    keys = [r.key for r in a.reasons]
    assert keys == ["sector", "ituc", "not_ratified", "likelihood_context"]
    ituc = dict(next(r for r in a.reasons if r.key == "ituc").params)
    assert ituc["country"] == "BR" and ituc["rating"] == "4"
    driver = dict(a.reasons[-1].params)
    assert driver == {"value": "2.75", "driver": "ituc+not_ratified"}


def test_context_never_passes_likely() -> None:
    # ITUC 5+ → 3, both conventions missing +0.5 → capped at 3 (context_max).
    facts = CountryFacts("XX", ituc_rating="5+", not_ratified=frozenset({"ilo_c087", "ilo_c098"}))
    a = assess(
        theme="freedom-of-association", sector_severity=4, sector_source=OECD, facts=facts, m=M
    )
    assert (a.likelihood, a.score, a.priority, a.evidence) == (
        Decimal(3),
        Decimal(12),
        "very-high",
        False,
    )


@pytest.mark.parametrize(
    ("prevalence", "expected"),
    [
        (Decimal("0"), Decimal("1")),
        (Decimal("1"), Decimal("1.25")),  # halfway from 0 (1) to 2 (1.5)
        (Decimal("4.95"), Decimal("1.99")),  # 1.5 + 0.5 × 2.95 / 3
        (Decimal("10"), Decimal("2.5")),
        (Decimal("40"), Decimal("3")),  # flat beyond the last point
    ],
)
def test_modern_slavery_is_read_on_a_sliding_scale(prevalence: Decimal, expected: Decimal) -> None:
    facts = CountryFacts("XX", gsi_prevalence=prevalence)
    a = assess(theme="forced-labour", sector_severity=2, sector_source=OECD, facts=facts, m=M)
    assert a.likelihood == expected


def test_listed_goods_of_the_sector_drive_the_likelihood_and_say_so() -> None:
    a = assess(
        theme="forced-labour",
        sector_severity=3,
        sector_source=OECD,
        facts=BRAZIL,
        m=M,
        sector_goods=frozenset({"Charcoal"}),
    )
    assert (a.likelihood, a.score, a.priority) == (Decimal(3), Decimal(9), "high")
    assert dict(a.reasons[-1].params)["driver"] == "goods_forced_labour"
    goods = next(r for r in a.reasons if r.key == "goods_forced_labour")
    assert dict(goods.params)["goods"] == "Charcoal" and "US DoL" in goods.source


def test_the_sector_reason_names_the_industry_and_its_guidance() -> None:
    chemicals = SectorContext(
        code="151010",
        name="Chemicals",
        name_nl="Chemie",
        guidance="OECD Due Diligence Guidance for Responsible Business Conduct (2018)",
        guidance_nl="OESO-handreiking voor gepaste zorgvuldigheid (2018)",
        why="Releases of hazardous substances.",
        why_nl="Uitstoot van gevaarlijke stoffen.",
    )
    a = assess(
        theme="pollution",
        sector_severity=3,
        sector_source=chemicals.guidance,
        facts=CountryFacts("DE"),
        m=M,
        sector=chemicals,
    )
    reason = a.reasons[0]
    assert reason.key == "sector_guidance" and reason.source == chemicals.guidance
    assert dict(reason.params)["code"] == "151010"
    assert "Chemicals" in reason.text and "minerals" not in reason.text


def test_a_potential_finding_ranks_above_any_context_at_the_same_severity() -> None:
    # Context at its worst (3) × 4 = 12; a potential finding: likelihood 3.5 × 4 = 14.
    finding = SignalInput("SIG-1", scale=1, scope=1, irremediability=1, actual=False)
    a = assess(
        theme="land-rights",
        sector_severity=4,
        sector_source=OECD,
        facts=CountryFacts("DK"),
        m=M,
        signals=(finding,),
    )
    assert (a.severity, a.likelihood, a.score, a.priority, a.evidence) == (
        4,
        Decimal("3.5"),
        Decimal(14),
        "very-high",
        True,
    )


def test_actual_impacts_from_each_kind_of_evidence() -> None:
    conduct = SignalInput("2026-06-30", 0, 0, 0, True, source="Provider X", kind="conduct")
    judged = SignalInput("", 0, 0, 0, True, likelihood=4, kind="judgement")
    for evidence in (conduct, judged):
        a = assess(
            theme="health-and-safety",
            sector_severity=3,
            sector_source=OECD,
            facts=CountryFacts("DK"),
            m=M,
            signals=(evidence,),
        )
        # Severity stays the map's 3 (no assessed dimensions); actual → 4. 3 × 4 = 12.
        assert (a.severity, a.likelihood, a.priority) == (3, Decimal(4), "very-high")
        assert a.reasons[-1].key == "likelihood_actual"
    unthemed = SignalInput("2026-06-30", 0, 0, 0, False, source="Provider X", kind="conduct")
    b = assess(
        theme="pollution",
        sector_severity=2,
        sector_source=OECD,
        facts=CountryFacts("DK"),
        m=M,
        signals=(unthemed,),
    )
    assert (b.likelihood, b.score, b.priority) == (Decimal("3.5"), Decimal(7), "medium")
    assert any(r.key == "conduct_violation_company" for r in b.reasons)


def test_a_findings_assessed_dimensions_compound() -> None:
    # Sector 2; the finding: scale 3, scope 3, irr 2 → 3 + 1 = 4 (compounding); actual → 4.
    finding = SignalInput("SIG-9", scale=3, scope=3, irremediability=2, actual=True)
    a = assess(
        theme="pollution",
        sector_severity=2,
        sector_source=OECD,
        facts=CountryFacts("DK"),
        m=M,
        signals=(finding,),
    )
    assert (a.severity, a.likelihood, a.score, a.priority) == (
        4,
        Decimal(4),
        Decimal(16),
        "very-high",
    )
    assert any(r.key == "compounding" for r in a.reasons)


facts_strategy = st.builds(
    CountryFacts,
    country=st.just("XX"),
    ituc_rating=st.sampled_from([None, "1", "2", "3", "4", "5", "5+"]),
    not_ratified=st.frozensets(
        st.sampled_from(["ilo_c087", "ilo_c098", "ilo_c029", "ilo_c105", "ilo_c138", "ilo_c182"])
    ),
    gsi_prevalence=st.one_of(st.none(), st.decimals(min_value=0, max_value=40, places=2)),
    goods=st.just((ListedGood("Cocoa", frozenset({"child_labour", "forced_labour"})),)),
)
themes = st.sampled_from(
    ["forced-labour", "child-labour", "freedom-of-association", "land-rights", "health-and-safety"]
)
evidence_strategy = st.one_of(
    st.builds(
        SignalInput,
        reference=st.just("SIG"),
        scale=one_to_four,
        scope=one_to_four,
        irremediability=one_to_four,
        actual=st.booleans(),
        likelihood=one_to_four,
    ),
    st.builds(
        SignalInput,
        reference=st.just("2026-01-01"),
        scale=st.just(0),
        scope=st.just(0),
        irremediability=st.just(0),
        actual=st.booleans(),
        kind=st.just("conduct"),
    ),
    st.just(SignalInput("", 0, 0, 0, True, likelihood=4, kind="judgement")),
)


@given(
    theme_a=themes,
    theme_b=themes,
    sector_a=one_to_four,
    sector_b=one_to_four,
    facts_a=facts_strategy,
    facts_b=facts_strategy,
    evidence=st.lists(evidence_strategy, min_size=1, max_size=3),
    cocoa=st.booleans(),
)
def test_company_evidence_never_ranks_below_inherent_risk_of_the_same_severity(
    theme_a: str,
    theme_b: str,
    sector_a: int,
    sector_b: int,
    facts_a: CountryFacts,
    facts_b: CountryFacts,
    evidence: list[SignalInput],
    cocoa: bool,
) -> None:
    goods = frozenset({"Cocoa"}) if cocoa else frozenset()
    evidenced = assess(
        theme=theme_a,
        sector_severity=sector_a,
        sector_source=OECD,
        facts=facts_a,
        m=M,
        sector_goods=goods,
        signals=tuple(evidence),
    )
    potential = assess(
        theme=theme_b,
        sector_severity=sector_b,
        sector_source=OECD,
        facts=facts_b,
        m=M,
        sector_goods=goods,
    )
    assert evidenced.evidence and not potential.evidence
    assert potential.likelihood <= M.context_max
    # Evidence never lowers the severity the sector gives.
    assert evidenced.severity >= sector_a
    if evidenced.severity == potential.severity:
        assert evidenced.score > potential.score
        assert LEVELS.index(evidenced.priority) >= LEVELS.index(potential.priority)


@given(theme=themes, sector=one_to_four, facts=facts_strategy)
def test_the_band_always_agrees_with_the_score(
    theme: str, sector: int, facts: CountryFacts
) -> None:
    a = assess(theme=theme, sector_severity=sector, sector_source=OECD, facts=facts, m=M)
    floors = dict(M.priority)
    assert a.score >= floors[a.priority]
    higher = LEVELS[LEVELS.index(a.priority) + 1 :]
    assert all(a.score < floors[level] for level in higher)
    assert Decimal(1) <= a.likelihood <= M.context_max
