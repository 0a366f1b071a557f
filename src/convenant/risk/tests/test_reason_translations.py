"""Every reason the methodology gives, every indicator meaning and every sector name of the
map in force exists in Dutch and English: a fund officer never reads a half-translated
explanation, and a missing wording never falls back silently."""

import itertools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from convenant.core.testing import World
from convenant.risk import reasons
from convenant.risk.methodology import CountryFacts, ListedGood, Methodology, SignalInput, assess
from convenant.risk.models import RiskAssessment, SectorThemeRisk

TABLES = [reasons._wordings, reasons.ituc_meanings, reasons.ilo_titles, reasons.likelihood_words]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.__name__)
def test_every_wording_has_a_dutch_translation(table: Callable[[], dict[str, str]]) -> None:
    with translation.override("en"):
        english = table()
    with translation.override("nl"):
        dutch = table()
    assert english.keys() == dutch.keys()
    # A wording that is only placeholders and punctuation reads the same in both.
    same = [
        k
        for k in english
        if english[k] == dutch[k] and re.search(r"[a-z]{3}", re.sub(r"%\(\w+\)s", "", english[k]))
    ]
    assert same == []


def _every_kind_of_reason() -> list[dict[str, Any]]:
    m = Methodology.load()
    facts = [
        CountryFacts(
            "BR",
            ituc_rating="4",
            not_ratified=frozenset({"ilo_c087", "ilo_c187"}),
            gsi_prevalence=Decimal("4.95"),
            goods=(ListedGood("Charcoal", frozenset({"child_labour", "forced_labour"})),),
            sources=(("ituc-gri", "ITUC Global Rights Index 2026"),),
        ),
        CountryFacts("LU"),
    ]
    evidence = [
        (),
        (SignalInput("SIG-1", 3, 3, 2, True),),
        (SignalInput("SIG-2", 2, 1, 1, False),),
        (SignalInput("2026-06-30", 0, 0, 0, True, source="Provider", kind="conduct"),),
        (SignalInput("2026-06-30", 0, 0, 0, False, source="Provider", kind="conduct"),),
        (SignalInput("", 0, 0, 0, True, likelihood=4, kind="judgement"),),
    ]
    themes = [
        "freedom-of-association",
        "forced-labour",
        "child-labour",
        "discrimination",
        "health-and-safety",
        "land-rights",
    ]
    found: dict[str, dict[str, Any]] = {}
    for theme, country, signals in itertools.product(themes, facts, evidence):
        a = assess(
            theme=theme,
            sector_severity=3,
            sector_source="OECD",
            facts=country,
            m=m,
            sector_goods=frozenset({"Charcoal"}),
            signals=signals,
        )
        for r in a.reasons:
            found.setdefault(r.key, {"key": r.key, "text": r.text, "params": dict(r.params)})
    return list(found.values())


def test_every_reason_reads_in_both_languages() -> None:
    produced = _every_kind_of_reason()
    keys = {r["key"] for r in produced}
    assert {
        "ituc",
        "gsi",
        "not_ratified",
        "likelihood_context",
        "likelihood_actual",
        "conduct_violation",
        "conduct_violation_company",
        "judged_actual",
        "goods_forced_labour",
        "ituc_not_rated",
        "no_indicator",
    } <= keys
    for reason in produced:
        with translation.override("en"):
            english = reasons.describe(reason)
        with translation.override("nl"):
            dutch = reasons.describe(reason)
        assert "%(" not in english and "%(" not in dutch, reason
        assert english and dutch and english != dutch, reason


def test_the_scored_reasons_and_sector_names_exist_in_dutch(scored: World) -> None:
    entries = SectorThemeRisk.objects.filter(dataset__key="sector-map", dataset__edition="2026.2")
    assert entries.exists()
    assert not entries.filter(sector_name_nl="").exists()
    assert not entries.filter(reason_nl="").exists()
    assert not entries.filter(citation_nl="").exists()
    for assessment in RiskAssessment.objects.filter(methodology="2026.2"):
        for reason in assessment.reasons:
            with translation.override("nl"):
                dutch = reasons.describe(reason)
            assert dutch != reason["text"] and "%(" not in dutch, reason
