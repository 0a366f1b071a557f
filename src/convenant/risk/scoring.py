"""Scoring a fund's snapshot with the methodology. Holdings are summed per issuer; the
methodology runs once per (sector, theme, country) — the only inputs it has — and the
assessment is shared; results are written with COPY."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from convenant.portfolios.models import Position
from convenant.risk.methodology import LEVELS, CountryFacts, Methodology, assess
from convenant.risk.models import (
    CountryIndicator,
    GoodsListing,
    ReferenceDataset,
    RiskAssessment,
    SectorThemeRisk,
)

FACT_DATASETS = ("ituc-gri", "ilo-fundamental", "walkfree-gsi", "dol-tvpra", "sector-map")


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
    values: dict[str, dict[str, tuple[str, Decimal | None]]] = defaultdict(dict)
    for country, indicator, value, number in CountryIndicator.objects.filter(
        dataset_id__in=ids, country__in=countries
    ).values_list("country", "indicator", "value", "number"):
        values[country][indicator] = (value, number)
    goods: dict[str, set[str]] = defaultdict(set)
    for country, child, forced in GoodsListing.objects.filter(
        dataset_id__in=ids, country__in=countries
    ).values_list("country", "child_labour", "forced_labour"):
        if child:
            goods[country].add("child_labour")
        if forced:
            goods[country].add("forced_labour")
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
            listed_goods=frozenset(goods.get(country, set())),
        )
    return facts


def _assessments(
    combos: set[tuple[str, str]], methodology: Methodology, editions: dict[str, ReferenceDataset]
) -> dict[tuple[str, str, str], RiskAssessment]:
    """(sector, theme, country) → assessment, created once per inputs and reused."""
    labels = {d.key: d.edition for d in editions.values()}
    key = json.dumps(labels, sort_keys=True)
    themes_by_sector: dict[str, list[SectorThemeRisk]] = defaultdict(list)
    for risk in SectorThemeRisk.objects.filter(dataset=editions["sector-map"]):
        themes_by_sector[risk.sector_code].append(risk)
    known = {
        (a.sector_code, a.theme, a.country): a
        for a in RiskAssessment.objects.filter(methodology=methodology.edition, editions_key=key)
    }
    facts = country_facts({c for _s, c in combos}, editions)
    new = []
    for sector, country in combos:
        for risk in themes_by_sector.get(sector, []):
            if (sector, risk.theme, country) in known:
                continue
            a = assess(
                theme=risk.theme,
                sector_severity=risk.severity,
                sector_source=risk.citation,
                facts=facts.get(country) or CountryFacts(country or "??"),
                m=methodology,
            )
            assessment = RiskAssessment(
                methodology=a.methodology,
                editions=labels,
                editions_key=key,
                sector_code=sector,
                theme=a.theme,
                country=country,
                scale=a.scale,
                scope=a.scope,
                irremediability=a.irremediability,
                severity=a.severity,
                likelihood=a.likelihood,
                priority=a.priority,
                reasons=[
                    {"factor": r.factor, "text": r.text, "source": r.source} for r in a.reasons
                ],
            )
            known[(sector, risk.theme, country)] = assessment
            new.append(assessment)
    RiskAssessment.objects.bulk_create(new, batch_size=2000)
    return known


def write_results(snapshot_id: int, methodology: Methodology) -> int:
    """Compute and COPY the snapshot's results (the caller holds the transaction)."""
    editions = latest_editions()
    if "sector-map" not in editions:
        return 0
    holdings = list(
        Position.objects.filter(snapshot_id=snapshot_id, status=Position.Status.MATCHED)
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
    assessments = _assessments({(s, c) for _i, s, c, _v in rows}, methodology, editions)
    by_combo: dict[tuple[str, str], list[RiskAssessment]] = defaultdict(list)
    for (sector, _theme, country), assessment in assessments.items():
        by_combo[(sector, country)].append(assessment)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY risk_riskresult (snapshot_id, issuer_id, assessment_id, theme, priority, rank,"
            " value_eur, status) FROM STDIN"
        ) as copy,
    ):
        for issuer, sector, country, value in rows:
            for a in by_combo.get((sector, country), []):
                copy.write_row(
                    (
                        snapshot_id,
                        issuer,
                        a.pk,
                        a.theme,
                        a.priority,
                        LEVELS.index(a.priority) + 1,
                        value,
                        "computed",
                    )
                )
                count += 1
    return count
