"""Company findings (what verified signals establish about a company) as the methodology's
company-specific input, and recomputing only the issuers whose data changed."""

import csv
import unicodedata
from decimal import Decimal

import pytest
import yaml

from convenant.core.audit import AuditEvent
from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.portfolios.models import Issuer
from convenant.risk.actions import (
    LIBRARY,
    record_company_finding,
    rescore_issuers,
    withdraw_company_findings,
)
from convenant.risk.models import CompanyFinding, RiskResult, SectorGood


def _results(world: World) -> dict[str, RiskResult]:
    return {
        r.theme: r
        for r in RiskResult.objects.filter(
            snapshot_id=world.extra["snapshot_id"], issuer=world.extra["miner"]
        ).select_related("assessment")
    }


def _bystander(world: World) -> RiskResult:
    """A second company in the same snapshot, whose results must not be touched."""
    other = Issuer.objects.create(
        legal_name="Voorbeeld Staal N.V.",
        country_of_incorporation="NL",
        sector_scheme="GICS",
        sector_code="151040",
        source=Issuer.Source.GLEIF,
    )
    from convenant.portfolios.models import Position

    fields = (
        Position.objects.filter(snapshot_id=world.extra["snapshot_id"])
        .values("snapshot_id", "status", "value_eur", "currency", "market_value", "match_method")
        .first()
    )
    assert fields is not None
    Position.objects.create(
        **fields, row=99, issuer=other, name=other.legal_name, match_confidence=100
    )
    rescore_issuers({other.pk})
    return RiskResult.objects.filter(issuer=other)[0]


def test_a_finding_raises_only_that_companys_risk_and_cites_the_signal(scored: World) -> None:
    bystander = _bystander(scored)
    before = _results(scored)
    # Land rights: sector 4, no country indicator → likelihood 2, high. An actual impact
    # (displacement that happened) makes the likelihood 4: 4 × 4 = 16 → very high.
    assert (before["land-rights"].assessment.likelihood, before["land-rights"].priority) == (
        2,
        "high",
    )
    record_company_finding(
        issuer=scored.extra["miner"],
        theme="land-rights",
        reference="SIG-2026-0001",
        scale=4,
        scope=3,
        irremediability=4,
        likelihood=4,
        actual=True,
        source="Vakbond Voorbeeld, 2026",
        by=scored.users["secretariat"],
    )
    after = _results(scored)
    land = after["land-rights"]
    assert (land.assessment.likelihood, land.priority) == (4, "very-high")
    signal_reasons = [r for r in land.assessment.reasons if r["factor"] == "signal"]
    assert signal_reasons[0]["params"] == {
        "reference": "SIG-2026-0001",
        "scale": "4",
        "scope": "3",
        "irremediability": "4",
        "likelihood": "4",
        "actual": "yes",
    }
    assert signal_reasons[0]["source"] == "Vakbond Voorbeeld, 2026"
    # The other themes keep the shared assessment; the other company was not recomputed.
    assert after["pollution"].assessment_id == before["pollution"].assessment_id
    untouched = RiskResult.objects.get(pk=bystander.pk)
    assert untouched.assessment_id == bystander.assessment_id
    assert AuditEvent.objects.filter(verb="risk.record_finding").count() == 1


def test_a_finding_on_a_theme_outside_the_sector_map_adds_a_risk(scored: World) -> None:
    assert "discrimination" not in _results(scored)
    record_company_finding(
        issuer=scored.extra["miner"],
        theme="discrimination",
        reference="SIG-2026-0002",
        scale=3,
        scope=2,
        irremediability=2,
        likelihood=3,
        actual=False,
        source="NGO Voorbeeld",
    )
    # No sector severity: scale 3 from the finding, scope 2, irremediability 2 → 3;
    # likelihood max(context 2, finding 3, company evidence 3.5) = 3.5. 3 × 3.5 = 10.5 → high.
    found = _results(scored)["discrimination"]
    assert (found.assessment.severity, found.assessment.likelihood, found.priority) == (
        3,
        Decimal("3.5"),
        "high",
    )
    assert found.evidence and found.score == Decimal("10.5")


def test_withdrawing_a_finding_restores_the_computed_risk(scored: World) -> None:
    shared = _results(scored)["land-rights"].assessment_id
    for theme in ("land-rights", "human-rights-defenders"):
        record_company_finding(
            issuer=scored.extra["miner"],
            theme=theme,
            reference="SIG-2026-0003",
            scale=4,
            scope=4,
            irremediability=4,
            likelihood=4,
            actual=True,
            source="NGO Voorbeeld",
        )
    assert _results(scored)["land-rights"].assessment_id != shared
    assert withdraw_company_findings(reference="SIG-2026-0003") == 2
    assert _results(scored)["land-rights"].assessment_id == shared
    assert CompanyFinding.objects.filter(withdrawn_at__isnull=False).count() == 2
    assert withdraw_company_findings(reference="SIG-2026-0003") == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scale": 5}, "scale"),
        ({"likelihood": 0}, "likelihood"),
        ({"scope": "3"}, "scope"),
        ({"theme": "weather"}, "theme"),
        ({"reference": "  "}, "reference"),
    ],
)
def test_a_bad_finding_is_refused_and_nothing_changes(
    scored: World, change: dict[str, object], field: str
) -> None:
    before = sorted(RiskResult.objects.values_list("pk", "assessment_id"))
    values: dict[str, object] = {
        "issuer": scored.extra["miner"],
        "theme": "land-rights",
        "reference": "SIG-2026-0004",
        "scale": 3,
        "scope": 3,
        "irremediability": 3,
        "likelihood": 3,
        "actual": False,
        "source": "NGO Voorbeeld",
    }
    with pytest.raises(ActionError) as refused:
        record_company_finding(**(values | change))
    assert refused.value.field == field
    assert not CompanyFinding.objects.exists()
    assert sorted(RiskResult.objects.values_list("pk", "assessment_id")) == before


def test_every_listed_good_is_mapped_to_a_sector_or_explained() -> None:
    manifest = yaml.safe_load((LIBRARY / "sector-map" / "dataset.yaml").read_text())
    mapped = {
        unicodedata.normalize("NFC", good) for entry in manifest["goods"] for good in entry["goods"]
    }
    with (LIBRARY / "dol-tvpra" / "tvpra_2022_goods_by_country.csv").open(encoding="utf-8") as f:
        listed = {unicodedata.normalize("NFC", row["good"]) for row in csv.DictReader(f)}
    explained = set(manifest["unmapped_goods"])
    assert listed - mapped - explained == set()
    assert mapped <= listed, "the map names a good that is not on the list"
    assert not mapped & explained


def test_the_sector_map_loads_its_goods(scored: World) -> None:
    # Edition 2026.2 maps goods to industries: cocoa to food makers and supermarkets.
    cocoa = SectorGood.objects.filter(good="Cocoa", dataset__edition="2026.2")
    assert {g.sector_code for g in cocoa} == {"302020", "301010"}
    assert all("Agricultural" in g.citation for g in cocoa)
    assert SectorGood.objects.filter(good="Açaí Berries").exists()


def test_a_change_to_an_issuer_announced_by_portfolios_recomputes_it(
    scored: World, django_capture_on_commit_callbacks
) -> None:
    from django.db import transaction

    from convenant.core.models import Job
    from convenant.portfolios import events

    miner = scored.extra["miner"]
    assert "privacy" not in _results(scored)
    Issuer.objects.filter(pk=miner.pk).update(sector_code="451020")  # now IT services
    # Announced inside the action's transaction: a job is queued, and runs after the commit.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.issuers_changed({miner.pk})
        assert "privacy" not in _results(scored)
    job = Job.objects.get(kind="risk.rescore_issuers")
    assert job.state == Job.State.SUCCEEDED and job.params == {"issuer_ids": [miner.pk]}
    assert "privacy" in _results(scored)
    assert "land-rights" not in _results(scored)
