"""Scoring a fund's snapshot with the methodology: every matched issuer, every theme its
sector's risk map names, one assessment per (issuer, theme). Country facts are gathered once
per country; the position size is carried beside the result as leverage."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from convenant.portfolios.models import Position
from convenant.risk.methodology import LEVELS, CountryFacts, Methodology, assess
from convenant.risk.models import (
    CountryIndicator,
    GoodsListing,
    ReferenceDataset,
    RiskResult,
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
    labels = tuple(sorted(f"{d.key} {d.edition}" for d in editions.values()))
    facts = {}
    for country in countries:
        own = values.get(country, {})
        ituc = own.get("ituc_rating")
        gsi = own.get("gsi_prevalence")
        facts[country] = CountryFacts(
            country=country,
            ituc_rating=ituc[0] if ituc and ituc[0] else None,
            not_ratified=frozenset(
                k for k, (v, n) in own.items() if k.startswith("ilo_") and n is None
            ),
            gsi_prevalence=gsi[1] if gsi and gsi[1] is not None else None,
            listed_goods=frozenset(goods.get(country, set())),
            editions=labels,
        )
    return facts


def assess_snapshot(snapshot_id: int, methodology: Methodology) -> list[RiskResult]:
    """The results for one snapshot (not saved)."""
    editions = latest_editions()
    sector_map = editions.get("sector-map")
    if sector_map is None:
        return []
    themes_by_sector: dict[str, list[SectorThemeRisk]] = defaultdict(list)
    for risk in SectorThemeRisk.objects.filter(dataset=sector_map):
        themes_by_sector[risk.sector_code].append(risk)
    holdings = (
        Position.objects.filter(snapshot_id=snapshot_id, status=Position.Status.MATCHED)
        .values(
            "issuer_id",
            "issuer__sector_code",
            "issuer__country_of_operations",
            "issuer__country_of_incorporation",
        )
        .annotate(value=Sum("value_eur"))
    )
    rows = list(holdings)
    countries = {
        r["issuer__country_of_operations"] or r["issuer__country_of_incorporation"] for r in rows
    } - {""}
    facts = country_facts(countries, editions)
    edition_labels = {d.key: d.edition for d in editions.values()}
    results = []
    for row in rows:
        country = row["issuer__country_of_operations"] or row["issuer__country_of_incorporation"]
        sector = (row["issuer__sector_code"] or "")[:2]
        for risk in themes_by_sector.get(sector, []):
            a = assess(
                theme=risk.theme,
                sector_severity=risk.severity,
                sector_source=risk.citation,
                facts=facts.get(country) or CountryFacts(country or "??"),
                m=methodology,
                position_value=row["value"],
            )
            results.append(
                RiskResult(
                    snapshot_id=snapshot_id,
                    issuer_id=row["issuer_id"],
                    theme=a.theme,
                    scale=a.scale,
                    scope=a.scope,
                    irremediability=a.irremediability,
                    severity=a.severity,
                    likelihood=a.likelihood,
                    priority=a.priority,
                    rank=LEVELS.index(a.priority) + 1,
                    reasons=[
                        {"factor": r.factor, "text": r.text, "source": r.source} for r in a.reasons
                    ],
                    methodology=a.methodology,
                    editions=edition_labels,
                    value_eur=row["value"],
                )
            )
    return results
