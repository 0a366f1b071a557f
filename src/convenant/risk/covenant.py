"""The covenant risks page and its export, for the secretariat: the risks across all funds'
latest holdings, one row per company with its themes, read from the totals kept ready
(refreshed by jobs after scoring): the companies' lines in ``CovenantCompany``, or with a
theme filter the totals per company, theme and priority in ``CovenantRisk`` grouped here —
a count and a page, whatever the number of positions behind them. A company and theme
appear only where at least ``AGGREGATE_MIN_FUNDS`` funds contribute after the filters (the
k-minimum rule); which funds they are is never shown."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, Max, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from convenant.core import access
from convenant.core.models import Job
from convenant.portfolios.identifiers import country_code, country_name
from convenant.portfolios.models import Issuer
from convenant.risk import exports
from convenant.risk.jobs import REFRESH_COVENANT
from convenant.risk.models import (
    CovenantCompany,
    CovenantRisk,
    CovenantRiskSource,
    RiskResult,
    Theme,
)

LEVELS = ["low", "medium", "high", "very-high"]  # RiskResult.rank 1 … 4


def _pairs(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    """Per (company, theme) over the kept totals, filtered as asked: how many funds, how
    much together, the highest rank and its score — only where at least the minimum number
    of funds contribute (the k-minimum rule, counted after the filters: with a priority
    chosen, only the funds whose result has that priority count)."""
    chosen = {k: request.GET.get(k, "").strip() for k in ("priority", "theme", "country", "sector")}
    rows = CovenantRisk.objects.visible_to(request.user)
    if chosen["priority"] in RiskResult.Priority.values:
        rows = rows.filter(rank=LEVELS.index(chosen["priority"]) + 1)
    if chosen["theme"]:
        rows = rows.filter(theme=chosen["theme"])
    code = country_code(chosen["country"]) if chosen["country"] else None
    if code:  # an unknown country narrows nothing; the page shows what was applied
        rows = rows.filter(country=code)
    if chosen["sector"]:
        rows = rows.filter(sector__iexact=chosen["sector"])
    pairs = (
        rows.values("issuer_id", "theme")
        .annotate(
            funds=Sum("funds"),
            value=Sum("value"),
            # rank × 100 + score: its maximum is the highest rank's highest score (≤ 16).
            key=Max(F("rank") * 100 + F("score")),
            top=Max("rank"),
            evidence=Sum("evidence_funds"),
        )
        .filter(funds__gte=settings.AGGREGATE_MIN_FUNDS)
        .order_by()
    )
    return pairs, chosen


def _lines(request: HttpRequest, chosen: dict[str, str]) -> Any:
    """Without a theme filter the companies' lines kept ready are the answer: for every
    priority or for the one chosen, filtered by the company's country and sector."""
    if chosen["theme"]:
        return None
    level = (
        LEVELS.index(chosen["priority"]) + 1
        if chosen["priority"] in RiskResult.Priority.values
        else 0
    )
    lines = CovenantCompany.objects.visible_to(request.user).filter(
        level=level, minimum__gte=settings.AGGREGATE_MIN_FUNDS
    )
    code = country_code(chosen["country"]) if chosen["country"] else None
    if code:
        lines = lines.filter(country=code)
    if chosen["sector"]:
        lines = lines.filter(sector__iexact=chosen["sector"])
    return lines.select_related("issuer").order_by("-rank", "-score", "-funds", "-value", "issuer")


class Lines:
    """The companies' lines kept ready, as the paginator slices them, in the form the
    template and the export read."""

    def __init__(self, lines: Any, names: dict[str, str]) -> None:
        self.lines = lines
        self.names = names

    def __len__(self) -> int:
        return int(self.lines.count())

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        found = self.lines[window] if window.stop is not None else self.lines[window.start or 0 :]
        return [
            _company(
                self.names,
                line.issuer_id,
                line.issuer.legal_name,
                line.issuer.lei,
                line.country,
                line.sector,
                line.rank,
                line.score,
                line.funds,
                line.value,
                line.themes,
            )
            for line in found
        ]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self[0:None])


def _company(
    names: dict[str, str],
    issuer_id: int,
    name: str,
    lei: str | None,
    country: str,
    sector: str,
    top: int,
    score: Decimal,
    funds: int,
    value: Decimal,
    themes: Any,
) -> dict[str, Any]:
    labels = dict(RiskResult.Priority.choices)
    if isinstance(themes, str):
        themes = json.loads(themes)
    for t in themes:
        t["name"] = names.get(t["theme"], t["theme"])
        t["priority"] = labels[LEVELS[t["rank"] - 1]]
        t["value"] = Decimal(t["value"])
        t["score"] = Decimal(t["score"])
        t["detail"] = _detail(t)
    return {
        "issuer_id": issuer_id,
        "name": name,
        "lei": lei or "",
        "country": country,
        "country_name": country_name(country) if country else "",
        "sector": sector,
        "rank": top,
        "priority": labels[LEVELS[top - 1]],
        "score": score,
        "funds": funds,
        "value": value,
        "evidence": any(t["evidence"] for t in themes),
        "themes": themes,
    }


def _detail(theme: dict[str, Any]) -> str:
    """ "score 12.00 (5 funds; company evidence for 2 of them)", worded here rather than in
    the template: a page holds a few hundred themes."""
    funds = ngettext("%(n)s fund", "%(n)s funds", theme["funds"]) % {
        "n": number_format(theme["funds"], 0, force_grouping=True)
    }
    if theme["evidence"]:
        funds += "; " + ngettext(
            "company evidence for %(n)s of them",
            "company evidence for %(n)s of them",
            theme["evidence"],
        ) % {"n": number_format(theme["evidence"], 0, force_grouping=True)}
    return _("score %(score)s (%(funds)s)") % {
        "score": number_format(theme["score"], 2),
        "funds": funds,
    }


# The page: the companies ordered by their highest rank, that rank's score, the most funds
# on one theme and their value; their themes folded into one JSON list, for the page's
# companies only.
_COMPANIES_SQL = """
WITH p AS MATERIALIZED ({pairs}),
c AS (SELECT issuer_id, max(top) AS top, max(key) AS key, max(funds) AS funds,
             max(value) AS value
      FROM p GROUP BY issuer_id
      ORDER BY top DESC, key DESC, funds DESC, value DESC, issuer_id
      LIMIT {limit} OFFSET {offset})
SELECT c.issuer_id, i.legal_name, i.lei,
       CASE WHEN i.country_of_operations <> '' THEN i.country_of_operations
            ELSE i.country_of_incorporation END,
       i.sector_name, c.top, c.key - c.top * 100, c.funds, c.value,
       json_agg(json_build_object('theme', p.theme, 'rank', p.top, 'funds', p.funds,
                                  'value', p.value::text, 'score', (p.key - p.top * 100)::text,
                                  'evidence', p.evidence)
                ORDER BY p.key DESC, p.funds DESC, p.theme)
FROM c JOIN p ON p.issuer_id = c.issuer_id JOIN {issuers} i ON i.id = c.issuer_id
GROUP BY c.issuer_id, c.top, c.key, c.funds, c.value, i.id
ORDER BY c.top DESC, c.key DESC, c.funds DESC, c.value DESC, c.issuer_id
"""


class Companies:
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
        start = int(window.start or 0)
        limit = "ALL" if window.stop is None else str(int(window.stop) - start)
        sql = _COMPANIES_SQL.format(
            pairs=self.sql, issuers=Issuer._meta.db_table, limit=limit, offset=start
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            return [_company(self.names, *row) for row in cursor.fetchall()]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self[0:None])


def _freshness(user: Any) -> dict[str, Any]:
    """How fresh the totals are: when they were last refreshed, for how many funds' latest
    holdings, and whether a refresh is waiting or running."""
    counted = CovenantRiskSource.objects.visible_to(user).aggregate(
        refreshed=Max("refreshed_at"), funds=Count("pk")
    )
    waiting = (
        Job.objects.visible_to(user)
        .filter(kind=REFRESH_COVENANT, state__in=[Job.State.QUEUED, Job.State.RUNNING])
        .exists()
    )
    return {**counted, "waiting": waiting}


@login_required
def covenant_risks(request: HttpRequest) -> HttpResponse:
    """The covenant's risks across all funds' latest holdings, for the secretariat: one row
    per company with its themes, highest first — shown only where enough funds contribute
    that no single fund's position can be read; which funds they are is never shown."""
    access.require(access.can_see_covenant_aggregates(access.actor_for(request.user)))
    pairs, chosen = _pairs(request)
    names = {t.key: str(t) for t in Theme.objects.in_force()}
    lines = _lines(request, chosen)
    companies: Any = Lines(lines, names) if lines is not None else Companies(pairs, names)
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
            **_choices(request.user),
            "query": request.GET.urlencode(),
            "freshness": _freshness(request.user),
        },
    )


def _choices(user: Any) -> dict[str, list[tuple[str, str, int]]]:
    """The countries and sectors of the companies the page can show at all (lines for every
    priority, already under the k-minimum rule), with how many companies each: a select the
    secretariat picks from rather than a code it has to know."""
    lines = CovenantCompany.objects.visible_to(user).filter(
        level=0, minimum__gte=settings.AGGREGATE_MIN_FUNDS
    )
    countries: Counter[str] = Counter()
    sectors: Counter[str] = Counter()
    for code, sector, n in (
        lines.values_list("country", "sector").annotate(n=Count("pk")).order_by()
    ):
        countries[code] += n
        sectors[sector] += n
    return {
        "country_choices": sorted(
            ((code, country_name(code) or code, n) for code, n in countries.items() if code),
            key=lambda c: c[1],
        ),
        "sector_choices": sorted((name, name, n) for name, n in sectors.items() if name),
    }


# The export: one row per company and theme, in the page's order, under the same rule; how
# many funds and how much together, the highest score and how many of those funds' results
# rest on company evidence — never which funds.
COLUMNS = [
    "issuer",
    "lei",
    "country",
    "sector",
    "theme",
    "priority",
    "score",
    "funds",
    "funds_with_company_evidence",
    "value_eur",
]


def export_rows(companies: Iterable[Mapping[str, Any]]) -> Iterable[list[object]]:
    for c in companies:
        for t in c["themes"]:
            yield [
                exports.inert_cell(v)
                for v in (
                    c["name"],
                    c["lei"],
                    c["country"] or "",
                    c["sector"] or "",
                    t["name"],
                    LEVELS[t["rank"] - 1],
                    t["score"],
                    t["funds"],
                    t["evidence"],
                    t["value"],
                )
            ]


@login_required
def export_covenant_risks(request: HttpRequest, file_format: str) -> HttpResponse:
    """The covenant risks page as CSV or XLSX, filtered like the page."""
    access.require(access.can_see_covenant_aggregates(access.actor_for(request.user)))
    if file_format not in ("csv", "xlsx"):
        raise Http404
    pairs, chosen = _pairs(request)
    names = {t.key: str(t) for t in Theme.objects.in_force()}
    lines = _lines(request, chosen)
    data = export_rows(Lines(lines, names) if lines is not None else Companies(pairs, names))
    if file_format == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(data, COLUMNS),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            exports.as_csv(data, COLUMNS), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="covenant-risks.{file_format}"'
    return response
