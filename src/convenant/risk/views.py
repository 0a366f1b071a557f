"""Pages of the reference datasets: which editions are loaded, from where, under which
licence, and their values per country."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Max, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from convenant.core import access
from convenant.portfolios.identifiers import country_code, country_name
from convenant.portfolios.models import Issuer, Snapshot
from convenant.risk import exports
from convenant.risk.models import (
    CountryIndicator,
    GoodsListing,
    ReferenceDataset,
    RiskResult,
    SectorGood,
    SectorThemeRisk,
    Theme,
)
from convenant.risk.sectors import nested
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
        # Sectors with their industries nested below them, in the reader's language.
        sectors = nested(
            SectorThemeRisk.objects.visible_to(request.user).filter(dataset=dataset),
            SectorGood.objects.visible_to(request.user).filter(dataset=dataset),
            {t.key: str(t) for t in Theme.objects.in_force()},
        )
        return render(request, "risk/sector_map.html", {"dataset": dataset, "sectors": sectors})
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
