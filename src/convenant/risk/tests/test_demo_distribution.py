"""The demo, loaded as `convenant load_demo` loads it (for its first funds) and scored: its
funds' portfolios are index-like, so the bands discriminate as the methodology promises —
at most 5 % of a fund's companies "very high" and at most 20 % "high" (a company's priority
is the highest of its themes) — and the companies with company-specific evidence (findings
from shared signals, conduct records of a violation) are on top of their fund's ranking."""

from collections import defaultdict
from dataclasses import dataclass

import pytest

from convenant.core.demo import loaders
from convenant.parties import demo as parties_demo
from convenant.portfolios import index_mix
from convenant.portfolios.demo import load_demo_issuers, load_demo_snapshots
from convenant.portfolios.models import Issuer, Position, Snapshot
from convenant.risk.hooks import _load_demo_reference
from convenant.risk.models import CompanyFinding, ConductRecord, RiskResult

FUNDS = 4  # the JSON, labelled-CSV and custodian layouts; the first fund with two dates


@pytest.fixture
def demo(db: None, django_capture_on_commit_callbacks) -> list[Snapshot]:
    with django_capture_on_commit_callbacks(execute=True):
        parties_demo.load_demo_covenant()
        load_demo_issuers()
        load_demo_snapshots(funds=FUNDS)
        _load_demo_reference()
        # The signals demo, through the registry: risk does not import the app above it.
        next(loader for loader in loaders() if loader.name == "signals").load()
    return list(Snapshot.objects.latest_per_fund().order_by("fund__code"))


@dataclass
class Company:
    best: tuple[int, float] = (0, 0.0)  # the rank and score of its highest row
    severity: int = 0  # the highest severity of its rows
    evidence_severity: int = 0  # the highest severity of its rows with evidence, 0 if none


def _companies(snapshot: Snapshot) -> dict[int, Company]:
    """Each company the snapshot holds; companies without any risk theme count too."""
    companies = {
        issuer: Company()
        for issuer in Position.objects.filter(snapshot=snapshot, status=Position.Status.MATCHED)
        .exclude(issuer=None)
        .values_list("issuer_id", flat=True)
    }
    for issuer, rank, score, evidence, severity in RiskResult.objects.filter(
        snapshot=snapshot
    ).values_list("issuer_id", "rank", "score", "evidence", "assessment__severity"):
        company = companies.setdefault(issuer, Company())
        company.best = max(company.best, (rank, float(score)))
        company.severity = max(company.severity, severity)
        if evidence:
            company.evidence_severity = max(company.evidence_severity, severity)
    return companies


def test_the_demo_is_index_like_and_its_bands_discriminate(demo: list[Snapshot]) -> None:
    # One test: loading the demo's funds is what takes the time.
    _index_like(demo)
    _bands_and_evidence(demo)


def _index_like(demo: list[Snapshot]) -> None:
    assert len(demo) == FUNDS
    for snapshot in demo:
        issuers = Issuer.objects.filter(
            pk__in=Position.objects.filter(snapshot=snapshot).values("issuer_id")
        )
        assert issuers.values("sector_name").distinct().count() >= 10
        countries = list(issuers.values_list("country_of_incorporation", flat=True))
        assert 0.25 <= countries.count("US") / len(countries) <= 0.5
        # Emerging markets: about a quarter of the companies, a minority of the value.
        by_value: dict[bool, float] = defaultdict(float)
        for country, value in Position.objects.filter(
            snapshot=snapshot, status=Position.Status.MATCHED
        ).values_list("issuer__country_of_incorporation", "value_eur"):
            by_value[index_mix.developed(country)] += float(value)
        assert by_value[False] < 0.25 * (by_value[True] + by_value[False])


def _bands_and_evidence(demo: list[Snapshot]) -> None:
    assert CompanyFinding.objects.exists()
    assert ConductRecord.objects.filter(violation=True).exclude(themes=[]).exists()
    evidenced = 0
    for snapshot in demo:
        fund = snapshot.fund.code
        companies = _companies(snapshot)
        n = len(companies)
        very_high = sum(c.best[0] == 4 for c in companies.values())
        high = sum(c.best[0] == 3 for c in companies.values())
        assert very_high <= 0.05 * n, f"{fund}: {very_high} of {n} companies very high"
        assert high <= 0.20 * n, f"{fund}: {high} of {n} companies high"
        potential = [c for c in companies.values() if not c.evidence_severity]
        for issuer, company in companies.items():
            if not company.evidence_severity:
                continue
            evidenced += 1
            assert company.best[0] >= 3, f"{fund}: company {issuer} has evidence, is not high"
            # Above every company whose risk is potential only and no more severe.
            assert all(
                company.best > other.best
                for other in potential
                if other.severity <= company.evidence_severity
            ), f"{fund}: company {issuer} has evidence, ranks below a potential risk"
    assert evidenced >= 3  # the first fund holds the companies of the demo's signals
