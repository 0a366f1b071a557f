"""A cycle's figures: what the monitoring report says, as a JSON-able dict.

``compute(cycle)`` reads every party's counted version and returns the figures in the shape
agreed with ``reporting.disclosure`` (the figures contract): per indicator the funds positive,
counted and not applicable, the share by count and by invested assets, the target, the change
since the previous cycle and since the baseline, and whether an earlier figure was restated;
the breakdown by size for disclosure control; the effort of unions and NGOs; the deep-track
cases, outsourcing in aggregate, the committee's findings and the history across cycles.

Sign-off freezes the result into ``MonitoringReport.figures`` with ``digest()`` over its
canonical JSON; every rendering reads that snapshot. Decimals are strings, shares floats in
percent (two decimals), and the order of keys and lists never depends on the database.

Counted: per party its accepted version, or before acceptance its submitted one (never a
draft; a correction counts only once accepted), not left out by the committee. Parties that
submitted nothing are listed as late; so are those that submitted after the deadline (they
are counted). Left-out parties are listed apart with the committee's reason.

This module reads without a person (``unrestricted``): it is called by the report's action
and by views that have already decided the reader may see the report; what reaches a reader
is the aggregate, through ``disclosure.protect``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from convenant.reporting import scoring
from convenant.reporting.models import (
    Cycle,
    Finding,
    Indicator,
    MonitoringReport,
    NotApplicable,
    Outcome,
    Questionnaire,
    Score,
    Submission,
    Target,
)

WHY = "the monitoring report's figures: aggregates of submitted versions"

# What the digest is taken over, said in the figures themselves so a reader can check it.
DIGEST_OF = "SHA-256 of the canonical JSON (keys sorted, separators ',' ':', UTF-8)"

# Submitted and waiting for the committee: counted until accepted (or left out).
IN_REVIEW = ("submitted", "under_review", "questions_raised", "resubmitted")

BILLION = Decimal(1_000_000_000)
# Size classes of invested assets for the breakdown (upper bound exclusive, None: open).
SIZE_CLASSES: list[tuple[str, Decimal | None, str, str]] = [
    ("small", 5 * BILLION, "< € 5 mld", "< € 5 bn"),
    ("medium", 25 * BILLION, "€ 5–25 mld", "€ 5–25 bn"),
    ("large", None, "> € 25 mld", "> € 25 bn"),
]

POSITIVE, NEGATIVE, NA = Outcome.POSITIVE.value, Outcome.NEGATIVE.value, Outcome.NOT_APPLICABLE


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def percent(part: int | Decimal, whole: int | Decimal) -> float | None:
    if not whole:
        return None
    return round(float(Decimal(part) * 100 / Decimal(whole)), 2)


def canonical(figures: dict[str, Any]) -> bytes:
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(figures: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(figures)).hexdigest()


# --- Who is counted ---------------------------------------------------------------------


@dataclass
class Counted:
    party_id: int
    party: str
    submission: Submission
    assets: Decimal
    # Sub-indicator code → outcome as scored (confirmed, else computed); missing: absent.
    scores: dict[str, str] = field(default_factory=dict)
    # Every indicator code → the outcome that counts ("positive", "negative", "not_applicable"),
    # and the outcome before the indicator's not-applicable rule.
    outcomes: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)


@dataclass
class Population:
    counted: list[Counted]
    late: list[dict[str, Any]]
    excluded: list[dict[str, Any]]


def population(cycle: Cycle, questionnaire: str) -> Population:
    """Per party that must report on ``questionnaire``: its counted version, or why none."""
    rows = list(
        Submission.objects.unrestricted(WHY)
        .filter(cycle=cycle, questionnaire=questionnaire)
        .select_related("party")
        .order_by("party__name", "party_id", "version")
    )
    by_party: dict[int, list[Submission]] = {}
    for row in rows:
        by_party.setdefault(row.party_id, []).append(row)
    counted, late, excluded = [], [], []
    for versions in by_party.values():
        party = versions[0].party
        accepted = [v for v in versions if v.state == Submission.State.ACCEPTED]
        in_review = [v for v in versions if v.state in IN_REVIEW and v.corrects_id is None]
        chosen = (accepted or in_review)[-1] if accepted or in_review else None
        if chosen is None:
            late.append({"party": party.name, "reason": "not_submitted", "submitted_on": None})
            continue
        if chosen.excluded:
            excluded.append({"party": party.name, "reason": chosen.exclusion_reason})
            continue
        first = min((v.first_submitted_at for v in versions if v.first_submitted_at), default=None)
        if first is not None and timezone.localdate(first) > cycle.closes_on:
            late.append(
                {
                    "party": party.name,
                    "reason": "after_deadline",
                    "submitted_on": timezone.localdate(first).isoformat(),
                }
            )
        counted.append(
            Counted(
                party_id=party.pk,
                party=party.name,
                submission=chosen,
                assets=chosen.invested_assets_eur or Decimal(0),
            )
        )
    ids = {c.submission.pk: c for c in counted}
    for sub_id, code, computed, confirmed in (
        Score.objects.unrestricted(WHY)
        .filter(submission_id__in=list(ids))
        .values_list("submission_id", "indicator__code", "computed", "confirmed")
    ):
        ids[sub_id].scores[code] = confirmed or computed
    return Population(counted, late, excluded)


# --- The framework's rule: a main indicator from its subs --------------------------------


def _counts_as(indicator: Indicator, outcome: str) -> str:
    """How an outcome counts on ``indicator``: not applicable follows the indicator's rule
    (left out, positive or not positive)."""
    if outcome != NA:
        return outcome
    if indicator.not_applicable == NotApplicable.POSITIVE:
        return POSITIVE
    if indicator.not_applicable == NotApplicable.NEGATIVE:
        return NEGATIVE
    return NA


def resolve(
    indicators: list[Indicator], scores: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Every indicator's counting outcome for one party, and its outcome before the
    not-applicable rule. A sub-indicator: its score (missing is never positive; a score of
    "not applicable" counts by the sub's rule, as ``scoring`` scores it). A main indicator:
    ``scoring.main_outcome`` (positive only if all its subs are; a sub left out as not
    applicable does not decide; when all are left out, the main's own rule)."""
    subs: dict[int, list[Indicator]] = {}
    for ind in indicators:
        if ind.parent_id is not None:
            subs.setdefault(ind.parent_id, []).append(ind)
    outcomes: dict[str, str] = {}
    raw: dict[str, str] = {}
    for ind in indicators:
        if ind.parent_id is not None:
            raw[ind.code] = scores.get(ind.code) or NEGATIVE
            outcomes[ind.code] = _counts_as(ind, raw[ind.code])
    for ind in indicators:
        if ind.parent_id is not None:
            continue
        children = subs.get(ind.pk, [])
        if not children:
            raw[ind.code] = scores.get(ind.code) or NEGATIVE
            outcomes[ind.code] = _counts_as(ind, raw[ind.code])
            continue
        theirs = [outcomes[c.code] for c in children]
        raw[ind.code] = NA if all(o == NA for o in theirs) else NEGATIVE
        outcomes[ind.code] = str(scoring.main_outcome(ind, theirs))
        if outcomes[ind.code] == POSITIVE:
            raw[ind.code] = POSITIVE
    return outcomes, raw


def _indicators(cycle: Cycle, questionnaire: str) -> list[Indicator]:
    """Main indicators each followed by its subs, in the framework's order."""
    rows = list(
        Indicator.objects.filter(framework_id=cycle.framework_id, questionnaire=questionnaire)
        .select_related("parent")
        .order_by("order", "code")
    )
    mains = [i for i in rows if i.parent_id is None]
    ordered = []
    for main in mains:
        ordered.append(main)
        ordered.extend(i for i in rows if i.parent_id == main.pk)
    ordered.extend(i for i in rows if i not in ordered)  # a sub whose main is elsewhere
    return ordered


def _cell(members: list[Counted], code: str) -> dict[str, Any]:
    counted = [m for m in members if m.outcomes.get(code, NA) != NA]
    positive = [m for m in counted if m.outcomes[code] == POSITIVE]
    largest = sorted((m.assets for m in counted), reverse=True)[:2]
    return {
        "counted": len(counted),
        "positive": len(positive),
        "assets_counted": money(sum((m.assets for m in counted), Decimal(0))),
        "assets_positive": money(sum((m.assets for m in positive), Decimal(0))),
        "largest_two_assets": money(sum(largest, Decimal(0))),
    }


@dataclass
class Core:
    """A cycle's own figures, without comparisons: what a later report recomputes."""

    cycle: Cycle
    indicators: list[Indicator]
    population: Population
    rows: list[dict[str, Any]]

    @property
    def shares(self) -> dict[str, float | None]:
        return {row["code"]: row["share"] for row in self.rows}


def core(cycle: Cycle) -> Core:
    indicators = _indicators(cycle, Questionnaire.FUND)
    pop = population(cycle, Questionnaire.FUND)
    for member in pop.counted:
        member.outcomes, member.raw = resolve(indicators, member.scores)
    rows = []
    for ind in indicators:
        cell = _cell(pop.counted, ind.code)
        na = sum(1 for m in pop.counted if m.raw.get(ind.code) == NA)
        rows.append(
            {
                "code": ind.code,
                "name": ind.name,
                "name_en": ind.name_en,
                "level": "sub" if ind.parent_id else "main",
                "parent": ind.parent.code if ind.parent else None,
                "positive": cell["positive"],
                "counted": cell["counted"],
                "not_applicable": na,
                "share": percent(cell["positive"], cell["counted"]),
                "assets_positive": cell["assets_positive"],
                "assets_counted": cell["assets_counted"],
                "asset_share": percent(
                    Decimal(cell["assets_positive"]), Decimal(cell["assets_counted"])
                ),
            }
        )
    return Core(cycle, indicators, pop, rows)


def _comparable(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["positive"], row["counted"], row["assets_positive"], row["assets_counted"])


# --- History: earlier cycles as frozen, and restated where they changed since -------------


def _history(cycle: Cycle, now: Core) -> list[dict[str, Any]]:
    cycles = list(
        Cycle.objects.unrestricted(WHY)
        .filter(covenant_id=cycle.covenant_id, reference_date__lte=cycle.reference_date)
        .exclude(pk=cycle.pk)
        .exclude(state=Cycle.State.DRAFT)
        .order_by("reference_date", "label")
    )
    frozen: dict[int, dict[str, Any]] = {
        r.cycle_id: r.figures or {}
        for r in MonitoringReport.objects.unrestricted(WHY)
        .filter(cycle__in=cycles)
        .exclude(state=MonitoringReport.State.DRAFT)
    }
    targets: dict[int, dict[str, float]] = {}
    for t in Target.objects.unrestricted(WHY).filter(cycle__in=[*cycles, cycle]):
        targets.setdefault(t.cycle_id, {})[t.indicator_code] = float(t.share)
    history = []
    for past in cycles:
        again = core(past)
        entry: dict[str, Any] = {
            "label": past.label,
            "name": past.name,
            "kind": past.kind,
            "reference_date": past.reference_date.isoformat(),
            "frozen": past.pk in frozen,
            "shares": again.shares,
            "restated": {},
            "targets": dict(sorted(targets.get(past.pk, {}).items())),
        }
        if past.pk in frozen:
            then = {row["code"]: row for row in frozen[past.pk].get("indicators", [])}
            entry["shares"] = {code: row["share"] for code, row in then.items()}
            entry["restated"] = {
                row["code"]: row["share"]
                for row in again.rows
                if row["code"] in then and _comparable(row) != _comparable(then[row["code"]])
            }
        history.append(entry)
    history.append(
        {
            "label": cycle.label,
            "name": cycle.name,
            "kind": cycle.kind,
            "reference_date": cycle.reference_date.isoformat(),
            "frozen": False,
            "shares": now.shares,
            "restated": {},
            "targets": dict(sorted(targets.get(cycle.pk, {}).items())),
        }
    )
    return history


def _latest_share(entry: dict[str, Any], code: str) -> tuple[float | None, bool]:
    """A past cycle's share on ``code``: the restated one where it changed."""
    if code in entry["restated"]:
        return entry["restated"][code], True
    return entry["shares"].get(code), False


def _change(now: float | None, then: float | None) -> float | None:
    if now is None or then is None:
        return None
    return round(now - then, 2)


# --- The rest of the report ----------------------------------------------------------------


def _breakdowns(counted: list[Counted], indicators: list[Indicator]) -> list[dict[str, Any]]:
    def size_of(assets: Decimal) -> str:
        for key, below, _nl, _en in SIZE_CLASSES:
            if below is None or assets < below:
                return key
        return SIZE_CLASSES[-1][0]  # pragma: no cover - the last class is open

    groups = {key: [m for m in counted if size_of(m.assets) == key] for key, *_ in SIZE_CLASSES}
    codes = [i.code for i in indicators]
    return [
        {
            "key": "size",
            "title": "Naar omvang van het belegd vermogen",
            "title_en": "By size of invested assets",
            "groups": [
                {"key": key, "label": nl, "label_en": en} for key, _b, nl, en in SIZE_CLASSES
            ],
            "cells": {
                key: {code: _cell(members, code) for code in codes}
                for key, members in groups.items()
            },
            "totals": {code: _cell(counted, code) for code in codes},
        }
    ]


def _effort(cycle: Cycle) -> list[dict[str, Any]]:
    indicators = _indicators(cycle, Questionnaire.EFFORT)
    pop = population(cycle, Questionnaire.EFFORT)
    for member in pop.counted:
        member.outcomes, member.raw = resolve(indicators, member.scores)
    rows = []
    for ind in indicators:
        cell = _cell(pop.counted, ind.code)
        rows.append(
            {
                "code": ind.code,
                "name": ind.name,
                "name_en": ind.name_en,
                "level": "sub" if ind.parent_id else "main",
                "positive": cell["positive"],
                "counted": cell["counted"],
            }
        )
    return rows


def _cases(cycle: Cycle) -> dict[str, Any]:
    """The deep-track cases selected by the reference date: running ones per step (their step
    today), closed ones by outcome. Counts only."""
    from convenant.engagement.models import Case, Step

    rows = list(
        Case.objects.unrestricted(WHY)
        .filter(selected_on__lte=cycle.reference_date)
        .values_list("step", "status", "outcome", "closed_on")
    )
    closed = [
        r
        for r in rows
        if r[1] == Case.Status.CLOSED and r[3] is not None and r[3] <= cycle.reference_date
    ]
    running = [r for r in rows if r not in closed]
    return {
        "total": len(rows),
        "running": [
            {"step": step, "count": sum(1 for r in running if r[0] == step)} for step in Step.values
        ],
        "closed": [
            {"outcome": outcome, "count": sum(1 for r in closed if r[2] == outcome)}
            for outcome in Case.Outcome.values
            if outcome
        ],
    }


def _outsourcing(cycle: Cycle) -> dict[str, Any]:
    from convenant.outsourcing.kpis import covenant_shares

    shares = covenant_shares(cycle.reference_date)
    if shares is None:  # too few funds with a running mandate to show without naming one
        return {"on": cycle.reference_date.isoformat(), "funds": None}
    return {
        "on": shares.on.isoformat(),
        "funds": shares.funds,
        "mandates": shares.mandates,
        "with_clauses": shares.with_clauses,
        "with_reporting": shares.with_reporting,
        "clauses_share": percent(shares.with_clauses, shares.mandates),
        "reporting_share": percent(shares.with_reporting, shares.mandates),
    }


def _findings(cycle: Cycle) -> list[dict[str, Any]]:
    return [
        {"kind": f.kind, "title": f.title, "text": f.text, "indicator": f.indicator_code or None}
        for f in Finding.objects.unrestricted(WHY)
        .filter(cycle=cycle)
        .order_by("kind", "order", "pk")
    ]


def _individual(counted: list[Counted], indicators: list[Indicator]) -> list[dict[str, Any]]:
    mains = [i.code for i in indicators if i.parent_id is None]
    return [
        {"party": m.party, "indicator": code, "outcome": m.outcomes.get(code, NEGATIVE)}
        for m in sorted(counted, key=lambda m: (m.party, m.party_id))
        for code in mains
        if code in (m.submission.public_indicators or [])
    ]


# --- All together ------------------------------------------------------------------------


def compute(cycle: Cycle) -> dict[str, Any]:
    """The cycle's figures as they stand now (see the module's docstring)."""
    cycle = Cycle.objects.unrestricted(WHY).select_related("framework").get(pk=cycle.pk)
    now = core(cycle)
    history = _history(cycle, now)
    earlier = history[:-1]
    previous = earlier[-1] if earlier else None
    baseline = next((h for h in earlier if h["kind"] == Cycle.Kind.BASELINE), None)
    targets = history[-1]["targets"]
    counted = now.population.counted
    indicators = []
    for row in now.rows:
        code = row["code"]
        then, restated_previous = _latest_share(previous, code) if previous else (None, False)
        base, restated_base = _latest_share(baseline, code) if baseline else (None, False)
        indicators.append(
            {
                **row,
                "target": targets.get(code),
                "change_previous": _change(row["share"], then),
                "change_baseline": _change(row["share"], base),
                "restated": restated_previous or restated_base,
            }
        )
    mains = [i.code for i in now.indicators if i.parent_id is None]
    all_positive = sum(
        1
        for m in counted
        if mains
        and all(m.outcomes.get(c) in (POSITIVE, NA) for c in mains)
        and any(m.outcomes.get(c) == POSITIVE for c in mains)
    )
    return {
        "cycle": {
            "label": cycle.label,
            "name": cycle.name,
            "kind": cycle.kind,
            "reference_date": cycle.reference_date.isoformat(),
            "closes_on": cycle.closes_on.isoformat(),
        },
        "framework": cycle.framework.version,
        "framework_digest": cycle.framework.digest,
        "digest_of": DIGEST_OF,
        "counted": {
            "funds": len(counted),
            "assets_eur": money(sum((m.assets for m in counted), Decimal(0))),
        },
        "indicators": indicators,
        "all_main": {"positive": all_positive, "counted": len(counted)},
        "breakdowns": _breakdowns(counted, now.indicators),
        "effort": _effort(cycle),
        "late": now.population.late,
        "excluded": now.population.excluded,
        "individual": _individual(counted, now.indicators),
        "cases": _cases(cycle),
        "outsourcing": _outsourcing(cycle),
        "findings": _findings(cycle),
        "history": history,
    }
