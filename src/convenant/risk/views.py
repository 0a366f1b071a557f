"""Pages of the reference datasets: which editions are loaded, from where, under which
licence, and their values per country."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Max, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convenant.core import access
from convenant.core.access import Role
from convenant.core.errors import ActionError
from convenant.portfolios.identifiers import country_code, country_name
from convenant.portfolios.models import Issuer, Position, Snapshot
from convenant.risk import charts, exports
from convenant.risk.actions import judge_risk
from convenant.risk.models import (
    CountryIndicator,
    GoodsListing,
    ReferenceDataset,
    RiskJudgement,
    RiskResult,
    RiskResultQuerySet,
    SectorGood,
    SectorThemeRisk,
    Theme,
)
from convenant.risk.sfdr import principal_adverse_impacts


def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = ReferenceDataset.objects.visible_to(request.user)
    return render(request, "risk/dataset_list.html", {"datasets": datasets})


def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = access.get_visible_or_404(ReferenceDataset, request.user, pk=pk)
    country = country_code(request.GET.get("country", "")) or ""
    if dataset.themes.exists():
        return render(
            request,
            "risk/taxonomy.html",
            {
                "dataset": dataset,
                "themes": Theme.objects.visible_to(request.user).filter(dataset=dataset),
            },
        )
    if dataset.sector_risks.exists():
        risks = SectorThemeRisk.objects.visible_to(request.user).filter(dataset=dataset)
        sectors: dict[tuple[str, str], list[SectorThemeRisk]] = defaultdict(list)
        for risk in risks:
            sectors[(risk.sector_code, risk.sector_name)].append(risk)
        names = {t.key: str(t) for t in Theme.objects.in_force()}
        sector_goods: dict[str, list[SectorGood]] = defaultdict(list)
        for good in SectorGood.objects.visible_to(request.user).filter(dataset=dataset):
            sector_goods[good.sector_code].append(good)
        return render(
            request,
            "risk/sector_map.html",
            {
                "dataset": dataset,
                "sectors": [
                    (key, risks, sector_goods.get(key[0], []))
                    for key, risks in sorted(sectors.items())
                ],
                "theme_names": names,
            },
        )
    if dataset.goods.exists():
        goods = GoodsListing.objects.visible_to(request.user).filter(dataset=dataset)
        if country:
            goods = goods.filter(country=country)
        page = Paginator(goods.order_by("country", "good"), 100).get_page(request.GET.get("page"))
        return render(
            request,
            "risk/dataset_detail.html",
            {"dataset": dataset, "page": page, "country": country, "goods": True},
        )
    if not dataset.indicators:  # the methodology: its facts and provenance say it all
        return render(request, "risk/dataset_facts.html", {"dataset": dataset})
    values = CountryIndicator.objects.visible_to(request.user).filter(dataset=dataset)
    if country:
        values = values.filter(country=country)
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for row in values.only("country", "indicator", "value"):
        table[row.country][row.indicator] = row.value
    rows = sorted(
        ((country_name(c), c, [table[c].get(k, "") for k in dataset.indicators]) for c in table),
        key=lambda r: r[0],
    )
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "risk/dataset_detail.html",
        {
            "dataset": dataset,
            "page": page,
            "country": country,
            "goods": False,
            "labels": list(dataset.indicators.values()),
        },
    )


def _filtered(
    results: RiskResultQuerySet, request: HttpRequest
) -> tuple[RiskResultQuerySet, tuple[str, str, str]]:
    """The page's and the exports' filters, as the reader asked for them."""
    priority = request.GET.get("priority", "")
    priority = priority if priority in RiskResult.Priority.values else ""
    theme = request.GET.get("theme", "")
    country = country_code(request.GET.get("country", "")) or ""
    return (
        results.filtered(priority=priority, theme=theme, country=country),
        (priority, theme, country),
    )


@login_required
def snapshot_risks(request: HttpRequest, pk: int) -> HttpResponse:
    """A fund's prioritised risks for one snapshot: severity first, the position beside it."""
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    results = RiskResult.objects.visible_to(request.user).filter(snapshot=snapshot)
    counts = dict(results.values_list("priority").annotate(n=Count("pk")))
    results, (chosen_priority, chosen_theme, chosen_country) = _filtered(results, request)
    names = {t.key: str(t) for t in Theme.objects.in_force()}
    everything = RiskResult.objects.visible_to(request.user).filter(snapshot=snapshot)
    heat = charts.heat_map(everything, names)
    # The map follows the theme filter: "where is forced labour?"
    world = charts.world_map(everything.filter(theme=chosen_theme) if chosen_theme else everything)
    page = Paginator(results.select_related("issuer", "assessment"), 50).get_page(
        request.GET.get("page")
    )
    judgements = {
        (j.issuer_id, j.theme): j
        for j in RiskJudgement.objects.visible_to(request.user).filter(
            fund=snapshot.fund, issuer_id__in=[r.issuer_id for r in page]
        )
    }
    leverage = Position.objects.joint_leverage_for(
        request.user, snapshot.fund_id, {r.issuer_id for r in page}
    )
    for result in page:
        result.leverage = leverage.get(result.issuer_id)  # type: ignore[attr-defined]
        result.judgement = judgements.get((result.issuer_id, result.theme))  # type: ignore[attr-defined]
        result.theme_name = names.get(result.theme, result.theme)  # type: ignore[attr-defined]
    first = results.select_related("assessment").first()
    methodology = first.assessment.methodology if first else None
    editions = first.assessment.editions if first else {}
    return render(
        request,
        "risk/snapshot_risks.html",
        {
            "snapshot": snapshot,
            "page": page,
            "names": names,
            "counts": [
                (level, label, counts.get(level, 0))
                for level, label in reversed(RiskResult.Priority.choices)
            ],
            "priority": chosen_priority,
            "theme": chosen_theme,
            "theme_name": names.get(chosen_theme, chosen_theme),
            "country": chosen_country,
            "country_name": country_name(chosen_country) if chosen_country else "",
            "themes": sorted(names.items()),
            "methodology": methodology,
            "editions": sorted(editions.items()),
            "min_funds": settings.AGGREGATE_MIN_FUNDS,
            "can_judge": access.actor_for(request.user).has_role(snapshot.fund_id, Role.EDITOR),
            "decisions": RiskJudgement.Decision.choices,
            "impacts": RiskJudgement.Impact.choices,
            "priorities": RiskResult.Priority.choices,
            "heat": heat,
            "world": world,
            "map_colours": [
                (charts.HEAT_COLOURS[4 - i], label)
                for i, (_level, label) in enumerate(reversed(RiskResult.Priority.choices))
            ]
            + [(charts.NO_HOLDINGS, _("no holdings"))],
        },
    )


@login_required
@require_POST
def judge(request: HttpRequest, pk: int, result_id: int) -> HttpResponse:
    result = access.get_visible_or_404(
        RiskResult.objects.select_related("snapshot"), request.user, pk=result_id, snapshot_id=pk
    )
    try:
        judge_risk(
            by=request.user,
            result=result,
            decision=request.POST.get("decision", ""),
            impact=request.POST.get("impact", ""),
            reason=request.POST.get("reason", ""),
            priority=request.POST.get("priority", ""),
        )
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Your judgement was recorded; the computed value stays."))
    return redirect(f"{reverse('snapshot_risks', args=[pk])}?{request.GET.urlencode()}")


def _covenant_pairs(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    """Per (company, theme) across the funds' latest holdings: how many funds, how much
    together and the highest rank, filtered as asked — only where at least the minimum
    number of funds contribute (the k-minimum rule, counted after the filters)."""
    chosen = {k: request.GET.get(k, "").strip() for k in ("priority", "theme", "country", "sector")}
    results = (
        RiskResult.objects.aggregatable_by(request.user)
        .filter(snapshot__in=Snapshot.objects.latest_per_fund())
        .filtered(priority=chosen["priority"], theme=chosen["theme"], country=chosen["country"])
    )
    if chosen["sector"]:
        results = results.filter(issuer__sector_name__iexact=chosen["sector"])
    # One latest snapshot per fund and one result per (snapshot, company, theme): counting
    # rows counts funds, without the join and sort a distinct count of funds costs.
    pairs = (
        results.values("issuer_id", "theme")
        .annotate(funds=Count("pk"), value=Sum("value_eur"), rank=Max("rank"))
        .filter(funds__gte=settings.AGGREGATE_MIN_FUNDS)
        .order_by()
    )
    return pairs, chosen


# One row per company: its themes (highest first) folded into one JSON list, so a page of
# companies is one grouped query whatever the number of positions behind it.
_COMPANIES_SQL = """
SELECT p.issuer_id, i.legal_name, i.lei, i.country_of_incorporation, i.sector_name,
       max(p.rank) AS top, max(p.funds) AS funds, max(p.value) AS value,
       json_agg(json_build_object('theme', p.theme, 'rank', p.rank, 'funds', p.funds,
                                  'value', p.value::text)
                ORDER BY p.rank DESC, p.funds DESC, p.theme) AS themes
FROM ({pairs}) p JOIN {issuers} i ON i.id = p.issuer_id
GROUP BY p.issuer_id, i.legal_name, i.lei, i.country_of_incorporation, i.sector_name
ORDER BY top DESC, funds DESC, value DESC, p.issuer_id
"""

_LEVELS = ["low", "medium", "high", "very-high"]


class _Companies:
    """The grouped companies as a sequence the paginator can count and slice: one query
    for the count, one for the page."""

    def __init__(self, pairs: Any, names: dict[str, str]) -> None:
        self.sql, self.params = pairs.query.sql_with_params()
        self.names = names

    def __len__(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(DISTINCT issuer_id) FROM ({self.sql}) p",  # noqa: S608
                self.params,
            )
            return int(cursor.fetchone()[0])

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        sql = _COMPANIES_SQL.format(pairs=self.sql, issuers=Issuer._meta.db_table)
        limit = ""
        if window.stop is not None:
            limit = f" LIMIT {int(window.stop) - int(window.start or 0)}"
        sql += f"{limit} OFFSET {int(window.start or 0)}"
        labels = dict(RiskResult.Priority.choices)
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            found = cursor.fetchall()
        companies = []
        for issuer_id, name, lei, country, sector, top, funds, value, themes in found:
            if isinstance(themes, str):
                themes = json.loads(themes)
            for t in themes:
                t["name"] = self.names.get(t["theme"], t["theme"])
                t["priority"] = labels[_LEVELS[t["rank"] - 1]]
                t["value"] = Decimal(t["value"])
            companies.append(
                {
                    "issuer_id": issuer_id,
                    "name": name,
                    "lei": lei or "",
                    "country": country,
                    "country_name": country_name(country) if country else "",
                    "sector": sector,
                    "rank": top,
                    "priority": labels[_LEVELS[top - 1]],
                    "funds": funds,
                    "value": value,
                    "themes": themes,
                }
            )
        return companies

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self[0:None])


@login_required
def covenant_risks(request: HttpRequest) -> HttpResponse:
    """The covenant's risks across all funds' latest holdings, for the secretariat: one row
    per company with its themes, highest first — shown only where enough funds contribute
    that no single fund's position can be read; which funds they are is never shown."""
    access.require(access.can_see_covenant_aggregates(access.actor_for(request.user)))
    pairs, chosen = _covenant_pairs(request)
    names = {t.key: str(t) for t in Theme.objects.in_force()}
    companies: Any = _Companies(pairs, names)
    page = Paginator(companies, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "risk/covenant_risks.html",
        {
            "page": page,
            "rows": list(page),
            "minimum": settings.AGGREGATE_MIN_FUNDS,
            **chosen,
            "country_name": country_name(country_code(chosen["country"]) or "")
            if chosen["country"]
            else "",
            "priorities": list(reversed(RiskResult.Priority.choices)),
            "themes": sorted(names.items(), key=lambda item: item[1]),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def export_covenant_risks(request: HttpRequest, file_format: str) -> HttpResponse:
    """The covenant risks page as CSV or XLSX, filtered like the page: one row per company
    and theme, under the same k-minimum rule and never naming a fund."""
    access.require(access.can_see_covenant_aggregates(access.actor_for(request.user)))
    if file_format not in ("csv", "xlsx"):
        raise Http404
    pairs, _chosen = _covenant_pairs(request)
    names = {t.key: str(t) for t in Theme.objects.in_force()}
    data = exports.covenant_rows(_Companies(pairs, names))
    if file_format == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(data, exports.COVENANT_COLUMNS),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            exports.as_csv(data, exports.COVENANT_COLUMNS), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="covenant-risks.{file_format}"'
    return response


@login_required
def export_risks(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The fund's risks for a snapshot as CSV or XLSX, filtered like the page."""
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    results = (
        RiskResult.objects.visible_to(request.user)
        .filter(snapshot=snapshot)
        .select_related("issuer", "assessment")
    )
    results, _chosen = _filtered(results, request)
    names = {t.key: str(t) for t in Theme.objects.in_force()}
    judgements = {
        (j.issuer_id, j.theme): j
        for j in RiskJudgement.objects.visible_to(request.user).filter(fund=snapshot.fund)
    }
    data = exports.rows(results.iterator(chunk_size=2000), names, judgements)
    stem = f"risks-{snapshot.fund.code}-{snapshot.as_of}"
    if file_format == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.as_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response


@login_required
def snapshot_sfdr(request: HttpRequest, pk: int) -> HttpResponse:
    """SFDR principal adverse impacts 10 and 11 for a snapshot, with what drives them."""
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    return render(
        request,
        "risk/snapshot_sfdr.html",
        {"snapshot": snapshot, "pai": principal_adverse_impacts(snapshot, request.user)},
    )
