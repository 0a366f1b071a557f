"""Scoring a fund's snapshot with the methodology. Holdings are summed per issuer; the
methodology runs once per (sector entry, theme, country) — the only inputs it has for a
company without evidence — and that assessment is shared. A company with evidence (verified
findings, a conduct record of a violation, the fund's judgement of an actual impact) gets its
own assessment for the themes it concerns. Results are written with COPY."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum
from psycopg.types.json import Jsonb

from convenant.portfolios.models import Position, Snapshot
from convenant.risk.methodology import (
    LEVELS,
    Assessment,
    CountryFacts,
    ListedGood,
    Methodology,
    SectorContext,
    SignalInput,
    assess,
)
from convenant.risk.models import (
    CompanyFinding,
    ConductRecord,
    CountryIndicator,
    GoodsListing,
    ReferenceDataset,
    RiskAssessment,
    RiskJudgement,
    SectorGood,
    SectorThemeRisk,
)
from convenant.risk.sectors import parent_codes, sector_entry

FACT_DATASETS = ("ituc-gri", "ilo-fundamental", "walkfree-gsi", "dol-tvpra", "sector-map")
SHORT_NAMES = {
    "ituc-gri": "ITUC Global Rights Index",
    "ilo-fundamental": "ILO NORMLEX",
    "walkfree-gsi": "Walk Free Global Slavery Index",
    "dol-tvpra": "US DoL TVPRA list",
}
# (sector, theme, country, findings key): what an assessment depends on
Need = tuple[str, str, str, str]


def methodology_in_force() -> Methodology:
    """The latest methodology edition loaded (its parameters as loaded), or the shipped file
    where none is loaded yet."""
    latest = (
        ReferenceDataset.objects.filter(key="methodology")
        .exclude(parameters={})
        .order_by("-edition")
        .first()
    )
    return Methodology.from_dict(latest.parameters) if latest else Methodology.load()


def methodology_edition(edition: str) -> Methodology | None:
    """A loaded methodology edition, to recompute or compare with it."""
    found = ReferenceDataset.objects.filter(key="methodology", edition=edition).first()
    return Methodology.from_dict(found.parameters) if found and found.parameters else None


def latest_editions(methodology: Methodology | None = None) -> dict[str, ReferenceDataset]:
    """The latest edition of each dataset, except the sector map, which is the one the
    methodology names where that is loaded."""
    found: dict[str, ReferenceDataset] = {}
    for dataset in ReferenceDataset.objects.filter(key__in=FACT_DATASETS).order_by("-edition"):
        found.setdefault(dataset.key, dataset)
    if methodology and methodology.sector_map:
        pinned = ReferenceDataset.objects.filter(
            key="sector-map", edition=methodology.sector_map
        ).first()
        if pinned:
            found["sector-map"] = pinned
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


def conduct_by_issuer(
    issuers: Any, as_of: Any, themes_of: dict[int, list[str]]
) -> dict[int, dict[str, tuple[SignalInput, ...]]]:
    """Conduct records of a violation as evidence, the latest per source dated on or before
    the snapshot: an actual impact on the themes the record names; a record that names none
    is evidence about the company as a whole, for each of its themes (not an actual impact
    on any one of them)."""
    latest: dict[tuple[int, str], Any] = {}
    for record in (
        ConductRecord.objects.unrestricted("scoring, a job")
        .filter(issuer_id__in=issuers, as_of__lte=as_of)
        .order_by("issuer_id", "source", "-as_of")
    ):
        latest.setdefault((record.issuer_id, record.source), record)
    found: dict[int, dict[str, list[SignalInput]]] = defaultdict(lambda: defaultdict(list))
    for (issuer, source), record in sorted(latest.items()):
        if not record.violation:  # the source's latest word; a resolved case no longer counts
            continue
        named = list(record.themes)
        for theme in named or themes_of.get(issuer, []):
            found[issuer][theme].append(
                SignalInput(
                    record.as_of.isoformat(), 0, 0, 0, bool(named), source=source, kind="conduct"
                )
            )
    return {i: {t: tuple(s) for t, s in themes.items()} for i, themes in found.items()}


def judged_actual(fund_id: int, issuers: Any) -> dict[int, dict[str, tuple[SignalInput, ...]]]:
    """The fund's own judgements of an actual impact (not dismissed), as evidence for its
    results only."""
    found: dict[int, dict[str, tuple[SignalInput, ...]]] = defaultdict(dict)
    for issuer, theme in (
        RiskJudgement.objects.unrestricted("scoring, a job")
        .filter(fund_id=fund_id, issuer_id__in=issuers, impact="actual")
        .exclude(decision="dismissed")
        .values_list("issuer_id", "theme")
    ):
        found[issuer][theme] = (SignalInput("", 0, 0, 0, True, likelihood=4, kind="judgement"),)
    return dict(found)


def merge_evidence(
    *sources: dict[int, dict[str, tuple[SignalInput, ...]]],
) -> dict[int, dict[str, tuple[SignalInput, ...]]]:
    merged: dict[int, dict[str, tuple[SignalInput, ...]]] = defaultdict(dict)
    for source in sources:
        for issuer, themes in source.items():
            for theme, inputs in themes.items():
                merged[issuer][theme] = merged[issuer].get(theme, ()) + inputs
    return dict(merged)


def findings_key(signals: tuple[SignalInput, ...]) -> str:
    if not signals:
        return ""
    text = json.dumps(
        [
            [s.reference, s.scale, s.scope, s.irremediability, s.likelihood, s.actual]
            # 2026.1's digests had no kind: a finding's digest stays the same
            + ([s.kind, s.source] if s.kind != "signal" else [])
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

    def entry(self, code: str) -> str:
        """The sector map's most specific entry for a GICS code (industry before industry
        group before sector); "" where none applies."""
        return sector_entry(code, self.sector_risks) or ""

    def themes(self, sector: str) -> list[str]:
        return list(self.sector_risks.get(sector, {}))

    def goods(self, entry: str) -> frozenset[str]:
        """Goods mapped to the entry or to any broader code above it."""
        return frozenset().union(
            *(self.sector_goods.get(code, set()) for code in [entry, *parent_codes(entry)])
        )

    @staticmethod
    def context(risk: SectorThemeRisk) -> SectorContext:
        return SectorContext(
            code=risk.sector_code,
            name=risk.sector_name,
            name_nl=risk.sector_name_nl or risk.sector_name,
            guidance=risk.citation,
            guidance_nl=risk.citation_nl or risk.citation,
            why=risk.reason,
            why_nl=risk.reason_nl or risk.reason,
        )

    def evaluate(self, needs: dict[Need, tuple[SignalInput, ...]]) -> dict[Need, Assessment]:
        """The methodology's answer for each need, computed in memory (nothing is saved):
        what scoring stores, and what a comparison of editions recomputes."""
        facts = country_facts({n[2] for n in needs}, self.editions)
        found = {}
        for need, signals in needs.items():
            sector, theme, country, _key = need
            risk = self.sector_risks.get(sector, {}).get(theme)
            found[need] = assess(
                theme=theme,
                sector_severity=risk.severity if risk else None,
                sector_source=risk.citation if risk else "",
                facts=facts.get(country) or CountryFacts(country or "??"),
                m=self.methodology,
                sector_goods=self.goods(sector),
                signals=signals,
                sector=self.context(risk)
                if risk and self.methodology.inherent == "single"
                else None,
            )
        return found

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
        computed = self.evaluate({n: needs[n] for n in missing})
        new = []
        for need in missing:
            sector, _theme, country, _key = need
            a = computed[need]
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
        _copy_assessments(new)
        return {n: known[n] for n in needs}


_ASSESSMENT_COLUMNS = (
    "id",
    "methodology",
    "editions",
    "editions_key",
    "sector_code",
    "theme",
    "country",
    "findings_key",
    "scale",
    "scope",
    "irremediability",
    "severity",
    "likelihood",
    "priority",
    "score",
    "evidence",
    "reasons",
)


def _copy_assessments(new: list[RiskAssessment]) -> None:
    """Save new assessments with COPY (a cold scoring of an index-like million positions
    makes some 8,000, each with its reasons: an INSERT of them took most of the time), ids
    drawn from the table's sequence first so the results can point at them."""
    if not new:
        return
    table = RiskAssessment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(new)],
        )
        for assessment, (pk,) in zip(new, cursor.fetchall(), strict=True):
            assessment.pk = pk
        columns = ", ".join(_ASSESSMENT_COLUMNS)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for a in new:
                copy.write_row(
                    [
                        Jsonb(v) if name in ("editions", "reasons") else v
                        for name, v in ((c, getattr(a, c)) for c in _ASSESSMENT_COLUMNS)
                    ]
                )


@dataclass
class Plan:
    """What a snapshot's scoring needs: its companies (issuer, sector entry, country,
    value), the assessments they need, and which companies have their own (evidence)."""

    assessor: Assessor
    rows: list[tuple[int, str, str, Decimal]]
    needs: dict[Need, tuple[SignalInput, ...]]
    own: dict[int, list[Need]]

    def chosen(self, assessments: dict[Need, Any]) -> Iterator[tuple[int, Decimal, Any]]:
        """(issuer, value, assessment) for every result of the snapshot."""
        shared: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for (sector, _theme, country, key), assessment in assessments.items():
            if not key:
                shared[(sector, country)].append(assessment)
        for issuer, sector, country, value in self.rows:
            chosen = (
                [assessments[n] for n in self.own[issuer]]
                if issuer in self.own
                else shared.get((sector, country), [])
            )
            for a in chosen:
                yield issuer, value, a


def plan(
    snapshot_id: int, methodology: Methodology, issuer_ids: Iterable[int] | None = None
) -> Plan | None:
    """The snapshot's companies and needs under ``methodology`` (None: no sector map)."""
    editions = latest_editions(methodology)
    if "sector-map" not in editions:
        return None
    snapshot = Snapshot.objects.unrestricted("scoring, a job").get(pk=snapshot_id)
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
    assessor = Assessor(methodology, editions)
    rows = [
        (
            issuer,
            assessor.entry(sector or "")
            if methodology.inherent == "single"
            else (sector or "")[:2],
            operations or incorporation or "",
            value,
        )
        for issuer, sector, operations, incorporation, value in holdings
    ]
    findings = findings_by_issuer(issuer_ids)
    if methodology.evidence_likelihood:
        held = positions.order_by().values("issuer_id")
        themes_of = {issuer: assessor.themes(sector) for issuer, sector, _c, _v in rows}
        findings = merge_evidence(
            findings,
            conduct_by_issuer(held, snapshot.as_of, themes_of)
            if methodology.conduct_evidence
            else {},
            judged_actual(snapshot.fund_id, held),
        )
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
    return Plan(assessor, rows, needs, own)


def write_results(
    snapshot_id: int, methodology: Methodology, issuer_ids: Iterable[int] | None = None
) -> int:
    """Compute and COPY the snapshot's results, for all its issuers or only ``issuer_ids``
    (the caller holds the transaction and has deleted what is rewritten)."""
    planned = plan(snapshot_id, methodology, issuer_ids)
    if planned is None:
        return 0
    assessments = planned.assessor.resolve(planned.needs)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY risk_riskresult (snapshot_id, issuer_id, assessment_id, theme, priority, rank,"
            " score, evidence, value_eur, status) FROM STDIN"
        ) as copy,
    ):
        for issuer, value, a in planned.chosen(assessments):
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
