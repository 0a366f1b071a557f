"""Scoring a fund's snapshot with the methodology. Holdings are summed per issuer; the
methodology runs once per (sector, theme, country) — the only inputs it has for a company
without findings — and that assessment is shared. A company with verified findings gets its
own assessment for the themes they concern. Results are written with COPY."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from convenant.portfolios.models import Position
from convenant.risk.methodology import (
    LEVELS,
    CountryFacts,
    ListedGood,
    Methodology,
    SignalInput,
    assess,
)
from convenant.risk.models import (
    CompanyFinding,
    CountryIndicator,
    GoodsListing,
    ReferenceDataset,
    RiskAssessment,
    SectorGood,
    SectorThemeRisk,
)

FACT_DATASETS = ("ituc-gri", "ilo-fundamental", "walkfree-gsi", "dol-tvpra", "sector-map")
SHORT_NAMES = {
    "ituc-gri": "ITUC Global Rights Index",
    "ilo-fundamental": "ILO NORMLEX",
    "walkfree-gsi": "Walk Free Global Slavery Index",
    "dol-tvpra": "US DoL TVPRA list",
}
# (sector, theme, country, findings key): what an assessment depends on
Need = tuple[str, str, str, str]


def latest_editions() -> dict[str, ReferenceDataset]:
    found: dict[str, ReferenceDataset] = {}
    for dataset in ReferenceDataset.objects.filter(key__in=FACT_DATASETS).order_by("-edition"):
        found.setdefault(dataset.key, dataset)
    return found


def country_facts(
    countries: set[str], editions: dict[str, ReferenceDataset]
) -> dict[str, CountryFacts]:
    """One CountryFacts per country, from the latest edition of each dataset."""
    ids = [d.pk for k, d in editions.items() if k != "sector-map"]
    sources = tuple(
        sorted((k, f"{SHORT_NAMES.get(k, d.name)} {d.edition}") for k, d in editions.items())
    )
    values: dict[str, dict[str, tuple[str, Decimal | None]]] = defaultdict(dict)
    for country, indicator, value, number in CountryIndicator.objects.filter(
        dataset_id__in=ids, country__in=countries
    ).values_list("country", "indicator", "value", "number"):
        values[country][indicator] = (value, number)
    goods: dict[str, list[ListedGood]] = defaultdict(list)
    for country, good, child, forced in GoodsListing.objects.filter(
        dataset_id__in=ids, country__in=countries
    ).values_list("country", "good", "child_labour", "forced_labour"):
        kinds = {"child_labour"} if child else set()
        kinds |= {"forced_labour"} if forced else set()
        goods[country].append(ListedGood(good, frozenset(kinds)))
    facts = {}
    for country in countries:
        own = values.get(country, {})
        ituc = own.get("ituc_rating")
        gsi = own.get("gsi_prevalence")
        facts[country] = CountryFacts(
            country=country,
            ituc_rating=ituc[0] if ituc and ituc[0] else None,
            not_ratified=frozenset(
                k for k, (_v, n) in own.items() if k.startswith("ilo_") and n is None
            ),
            gsi_prevalence=gsi[1] if gsi and gsi[1] is not None else None,
            goods=tuple(goods.get(country, ())),
            sources=sources,
        )
    return facts


def findings_by_issuer(
    issuer_ids: Iterable[int] | None = None,
) -> dict[int, dict[str, tuple[SignalInput, ...]]]:
    """Active findings as methodology inputs: issuer → theme → findings."""
    found: dict[int, dict[str, list[SignalInput]]] = defaultdict(lambda: defaultdict(list))
    rows = CompanyFinding.objects.unrestricted("scoring, a job").active().order_by("reference")
    if issuer_ids is not None:
        rows = rows.filter(issuer_id__in=list(issuer_ids))
    for f in rows:
        found[f.issuer_id][f.theme].append(
            SignalInput(
                f.reference,
                f.scale,
                f.scope,
                f.irremediability,
                f.actual,
                likelihood=f.likelihood,
                source=f.source,
            )
        )
    return {i: {t: tuple(s) for t, s in themes.items()} for i, themes in found.items()}


def findings_key(signals: tuple[SignalInput, ...]) -> str:
    if not signals:
        return ""
    text = json.dumps(
        [
            [s.reference, s.scale, s.scope, s.irremediability, s.likelihood, s.actual]
            for s in signals
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Assessor:
    """Finds or makes the assessment for each need, once per inputs, with the editions."""

    def __init__(self, methodology: Methodology, editions: dict[str, ReferenceDataset]) -> None:
        self.methodology = methodology
        self.editions = editions
        self.labels = {d.key: d.edition for d in editions.values()}
        self.key = json.dumps(self.labels, sort_keys=True)
        self.sector_risks: dict[str, dict[str, SectorThemeRisk]] = defaultdict(dict)
        for risk in SectorThemeRisk.objects.filter(dataset=editions["sector-map"]):
            self.sector_risks[risk.sector_code][risk.theme] = risk
        self.sector_goods: dict[str, set[str]] = defaultdict(set)
        for code, good in SectorGood.objects.filter(dataset=editions["sector-map"]).values_list(
            "sector_code", "good"
        ):
            self.sector_goods[code].add(good)

    def themes(self, sector: str) -> list[str]:
        return list(self.sector_risks.get(sector, {}))

    def resolve(self, needs: dict[Need, tuple[SignalInput, ...]]) -> dict[Need, RiskAssessment]:
        known = {
            (a.sector_code, a.theme, a.country, a.findings_key): a
            for a in RiskAssessment.objects.filter(
                methodology=self.methodology.edition,
                editions_key=self.key,
                sector_code__in={n[0] for n in needs},
                country__in={n[2] for n in needs},
                findings_key__in={n[3] for n in needs},
            ).only(
                "sector_code", "theme", "country", "findings_key", "priority", "score", "evidence"
            )
        }
        missing = [n for n in needs if n not in known]
        facts = country_facts({n[2] for n in missing}, self.editions)
        new = []
        for need in missing:
            sector, theme, country, _key = need
            risk = self.sector_risks.get(sector, {}).get(theme)
            a = assess(
                theme=theme,
                sector_severity=risk.severity if risk else None,
                sector_source=risk.citation if risk else "",
                facts=facts.get(country) or CountryFacts(country or "??"),
                m=self.methodology,
                sector_goods=frozenset(self.sector_goods.get(sector, ())),
                signals=needs[need],
            )
            known[need] = RiskAssessment(
                methodology=a.methodology,
                editions=self.labels,
                editions_key=self.key,
                sector_code=sector,
                theme=a.theme,
                country=country,
                findings_key=_key,
                scale=a.scale,
                scope=a.scope,
                irremediability=a.irremediability,
                severity=a.severity,
                likelihood=a.likelihood,
                priority=a.priority,
                score=a.score,
                evidence=a.evidence,
                reasons=[
                    {
                        "factor": r.factor,
                        "text": r.text,
                        "source": r.source,
                        "key": r.key,
                        "params": dict(r.params),
                    }
                    for r in a.reasons
                ],
            )
            new.append(known[need])
        RiskAssessment.objects.bulk_create(new, batch_size=2000)
        return {n: known[n] for n in needs}


def write_results(
    snapshot_id: int, methodology: Methodology, issuer_ids: Iterable[int] | None = None
) -> int:
    """Compute and COPY the snapshot's results, for all its issuers or only ``issuer_ids``
    (the caller holds the transaction and has deleted what is rewritten)."""
    editions = latest_editions()
    if "sector-map" not in editions:
        return 0
    positions = Position.objects.unrestricted("scoring, a job").filter(
        snapshot_id=snapshot_id, status=Position.Status.MATCHED
    )
    if issuer_ids is not None:
        positions = positions.filter(issuer_id__in=list(issuer_ids))
    holdings = (
        positions.order_by()
        .values_list(
            "issuer_id",
            "issuer__sector_code",
            "issuer__country_of_operations",
            "issuer__country_of_incorporation",
        )
        .annotate(value=Sum("value_eur"))
    )
    rows = [
        (issuer, (sector or "")[:2], operations or incorporation or "", value)
        for issuer, sector, operations, incorporation, value in holdings
    ]
    assessor = Assessor(methodology, editions)
    findings = findings_by_issuer(issuer_ids)
    # The shared needs per (sector, country), and each company's own where it has findings.
    needs: dict[Need, tuple[SignalInput, ...]] = {}
    for sector, country in {(s, c) for _i, s, c, _v in rows}:
        for theme in assessor.themes(sector):
            needs[(sector, theme, country, "")] = ()
    own: dict[int, list[Need]] = {}
    for issuer, sector, country, _v in rows:
        if issuer not in findings:
            continue
        themes = dict.fromkeys([*assessor.themes(sector), *findings[issuer]])
        own[issuer] = []
        for theme in themes:
            signals = findings[issuer].get(theme, ())
            need = (sector, theme, country, findings_key(signals))
            needs[need] = signals
            own[issuer].append(need)
    assessments = assessor.resolve(needs)
    shared: dict[tuple[str, str], list[RiskAssessment]] = defaultdict(list)
    for (sector, _theme, country, key), assessment in assessments.items():
        if not key:
            shared[(sector, country)].append(assessment)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY risk_riskresult (snapshot_id, issuer_id, assessment_id, theme, priority, rank,"
            " score, evidence, value_eur, status) FROM STDIN"
        ) as copy,
    ):
        for issuer, sector, country, value in rows:
            chosen = (
                [assessments[n] for n in own[issuer]]
                if issuer in own
                else shared.get((sector, country), [])
            )
            for a in chosen:
                copy.write_row(
                    (
                        snapshot_id,
                        issuer,
                        a.pk,
                        a.theme,
                        a.priority,
                        LEVELS.index(a.priority) + 1,
                        a.score,
                        a.evidence,
                        value,
                        "computed",
                    )
                )
                count += 1
    return count
