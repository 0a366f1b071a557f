"""Pages of the reference datasets: which editions are loaded, from where, under which
licence, and their values per country."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from convenant.core import access
from convenant.portfolios.identifiers import country_code, country_name
from convenant.portfolios.models import Snapshot
from convenant.risk.models import (
    CountryIndicator,
    GoodsListing,
    ReferenceDataset,
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
