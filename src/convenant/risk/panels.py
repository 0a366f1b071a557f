"""The risk panel on an issuer's page: the company's risks at the level the reader may see
them (DESIGN §5).

- A fund's people: the results in their fund's latest holdings that hold the company, with
  the fund's own judgement.
- Anyone whose fund does not hold it: the methodology's inherent view, the shared assessment
  for the company's sector and country (public reference facts, no fund's data).
- The secretariat: besides, the covenant view under the k-minimum rule (how many funds hold
  it, never which).
- Covenant members and the secretariat: the company's active findings (references only) and
  its conduct records.

A fixed number of queries, whatever the number of themes or findings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.http import HttpRequest

from convenant.core import access
from convenant.core.panels import IssuerPanel
from convenant.portfolios.models import Snapshot
from convenant.risk.models import (
    CompanyFinding,
    ConductRecord,
    RiskAssessment,
    RiskJudgement,
    RiskResult,
    Theme,
)
from convenant.risk.reasons import describe

LEVELS = ["low", "medium", "high", "very-high"]  # rank 1 … 4


def _rank(priority: str) -> int:
    return LEVELS.index(priority) + 1 if priority in LEVELS else 0


def _reasons(reasons: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"text": describe(r), "source": str(r.get("source") or "")} for r in reasons or []]


def _row(
    *,
    theme: str,
    names: dict[str, str],
    priority: str,
    score: Decimal | None,
    evidence: bool,
    assessment: RiskAssessment | None,
) -> dict[str, Any]:
    labels = dict(RiskResult.Priority.choices)
    return {
        "theme": theme,
        "theme_name": names.get(theme, theme),
        "priority": priority,
        "priority_label": labels.get(priority, priority),
        "rank": _rank(priority),
        "score": score,
        "evidence": evidence,
        "severity": assessment.severity if assessment else None,
        "likelihood": assessment.likelihood if assessment else None,
        "reasons": _reasons(assessment.reasons) if assessment else [],
    }


def _own_funds(request: HttpRequest, issuer: Any, names: dict[str, str]) -> list[dict[str, Any]]:
    """Per fund of the reader whose latest holdings hold the company: its results, highest
    first, each with the fund's judgement."""
    results = list(
        RiskResult.objects.visible_to(request.user)
        .filter(
            snapshot__in=Snapshot.objects.visible_to(request.user).latest_per_fund(),
            issuer=issuer,
        )
        .select_related("assessment", "snapshot__fund")
        .order_by("snapshot__fund__name", "snapshot_id", "-rank", "-score", "theme")
    )
    if not results:
        return []
    judgements = {
        (j.fund_id, j.theme): j
        for j in RiskJudgement.objects.visible_to(request.user).filter(
            issuer=issuer, fund_id__in={r.snapshot.fund_id for r in results}
        )
    }
    funds: dict[int, dict[str, Any]] = {}
    for result in results:
        snapshot = result.snapshot
        fund = funds.setdefault(snapshot.pk, {"snapshot": snapshot, "rows": []})
        row = _row(
            theme=result.theme,
            names=names,
            priority=result.priority,
            score=result.score,
            evidence=result.evidence,
            assessment=result.assessment,
        )
        row["judgement"] = judgements.get((snapshot.fund_id, result.theme))
        fund["rows"].append(row)
    for fund in funds.values():
        fund["top"] = fund["rows"][0]
        fund["evidence"] = any(r["evidence"] for r in fund["rows"])
    return list(funds.values())


def _sector_prefixes(code: str) -> list[str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return [digits[:n] for n in (8, 6, 4, 2) if len(digits) >= n]


def _inherent(issuer: Any, names: dict[str, str]) -> dict[str, Any] | None:
    """The shared assessments (no company evidence) of the newest methodology edition for
    the company's sector and country, as the scoring made them for any holding like it: the
    most specific sector entry the edition used, and its latest reference editions."""
    country = issuer.country_of_operations or issuer.country_of_incorporation or ""
    prefixes = _sector_prefixes(issuer.sector_code or "")
    if not country or not prefixes:
        return {"unknown": True, "rows": []}
    # Few rows (editions × sector entries × themes): picked here in one query, rather than by
    # correlated subqueries that would scan the assessments once per row.
    found = list(
        RiskAssessment.objects.filter(findings_key="", country=country, sector_code__in=prefixes)
        .order_by("-methodology", "-pk")
        .defer("editions")
    )
    if not found:
        return {"unknown": False, "rows": []}
    methodology = found[0].methodology
    # Per sector entry of the newest edition, the reference editions it was last assessed with.
    latest: dict[str, str] = {}
    for a in found:
        if a.methodology == methodology:
            latest.setdefault(a.sector_code, a.editions_key)
    entry = max(latest, key=len)  # the most specific entry
    found = [
        a
        for a in found
        if a.methodology == methodology
        and a.sector_code == entry
        and a.editions_key == latest[entry]
    ]
    rows = [
        _row(
            theme=a.theme,
            names=names,
            priority=a.priority,
            score=a.score,
            evidence=False,
            assessment=a,
        )
        for a in found
    ]
    rows.sort(key=lambda r: (-r["rank"], -(r["score"] or 0), r["theme_name"]))
    return {
        "unknown": False,
        "rows": rows,
        "top": rows[0],
        "methodology": methodology,
        "sector_code": entry,
        "country": country,
    }


def _covenant(request: HttpRequest, issuer: Any, names: dict[str, str]) -> dict[str, Any]:
    """Per theme across all funds' latest holdings: how many funds and the highest priority,
    only where at least the minimum number of funds contribute; never which funds."""
    labels = dict(RiskResult.Priority.choices)
    minimum = settings.AGGREGATE_MIN_FUNDS
    rows = [
        {
            "theme_name": names.get(theme, theme),
            "funds": funds,
            "rank": rank,
            "priority_label": labels[LEVELS[rank - 1]],
        }
        for theme, funds, rank in RiskResult.objects.aggregatable_by(request.user)
        .filter(snapshot__in=Snapshot.objects.latest_per_fund(), issuer=issuer)
        .values("theme")
        .annotate(funds=Count("pk"), rank=Max("rank"))
        .filter(funds__gte=minimum)
        .order_by("-rank", "-funds", "theme")
        .values_list("theme", "funds", "rank")
    ]
    return {"rows": rows, "minimum": minimum, "funds": max((r["funds"] for r in rows), default=0)}


def issuer_risks(request: HttpRequest, issuer: Any) -> dict[str, Any] | None:
    actor = access.actor_for(request.user)
    if not actor.is_authenticated:
        return None
    names = {t.key: str(t) for t in Theme.objects.in_force()}
    funds = _own_funds(request, issuer, names)
    findings = [
        {"finding": f, "theme_name": names.get(f.theme, f.theme)}
        for f in CompanyFinding.objects.visible_to(request.user)
        .active()
        .filter(issuer=issuer)
        .order_by("-created_at", "reference", "theme")
    ]
    conduct = [
        {"record": c, "theme_names": [names.get(t, t) for t in c.themes]}
        for c in ConductRecord.objects.visible_to(request.user)
        .filter(issuer=issuer)
        .order_by("-as_of", "source")[:20]
    ]
    return {
        "funds": funds,
        # Where none of the reader's funds holds it: what the methodology says of any
        # company in its sector and country.
        "inherent": None if funds else _inherent(issuer, names),
        "covenant": _covenant(request, issuer, names)
        if access.can_see_covenant_aggregates(actor)
        else None,
        "findings": findings,
        "conduct": conduct,
        "covenant_member": actor.is_covenant_member or actor.is_secretariat,
        "has_funds": bool(actor.fund_ids),
    }


PANEL = IssuerPanel(
    name="risks", order=20, context=issuer_risks, template="risk/panels/issuer_risks.html"
)
