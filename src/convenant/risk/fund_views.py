"""A fund's prioritised risks for one snapshot, one row per company: its themes highest
first, expandable to their reasons and the fund's judgement, with filters a fund officer
works with and exports that follow them.

Companies are grouped in the database — one grouped query for the page, one for the count,
and one for the themes of the page's companies — so the page costs the same number of
queries for 5 companies as for 10,000.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import DecimalField, Exists, F, Max, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convenant.core import access, limits
from convenant.core.access import Role
from convenant.core.errors import ActionError
from convenant.portfolios.identifiers import country_code, country_name
from convenant.portfolios.models import Issuer, Position, Snapshot
from convenant.risk import charts, exports
from convenant.risk.actions import judge_risk
from convenant.risk.annotations import risk_annotations
from convenant.risk.models import (
    RiskAssessment,
    RiskJudgement,
    RiskResult,
    RiskResultQuerySet,
    ScoredSnapshot,
    SectorThemeRisk,
    Theme,
)
from convenant.risk.reasons import describe
from convenant.risk.scoring import SHORT_NAMES

PER_PAGE = 50
LEVELS = ["low", "medium", "high", "very-high"]  # rank 1 … 4
# A company's place: its top rank, then the top score, then evidence, folded into one
# number a single max() finds (score ≤ 16.00, so ×1000 leaves room for the evidence bit).
_KEY = "max(rank * 100000 + score * 1000 + evidence::int)"
_DRAFT = "risk-judgement-draft"


@dataclass(frozen=True)
class Chosen:
    """The page's filters as understood: unknown values are dropped, never guessed."""

    priority: str = ""
    theme: str = ""
    country: str = ""  # ISO code
    sector: str = ""  # the sector map's entry (GICS code)
    evidence: str = ""  # "yes" / "no"
    judged: str = ""  # "yes" / "no"

    @property
    def rank(self) -> int | None:
        return LEVELS.index(self.priority) + 1 if self.priority else None


def _chosen(request: HttpRequest, names: dict[str, str]) -> Chosen:
    get = request.GET
    priority = get.get("priority", "")
    sector = get.get("sector", "").strip()
    return Chosen(
        priority=priority if priority in RiskResult.Priority.values else "",
        theme=get.get("theme", "") if get.get("theme", "") in names else "",
        country=country_code(get.get("country", "")) or "",
        sector=sector if sector.isdigit() and len(sector) <= 8 else "",
        evidence=get.get("evidence", "") if get.get("evidence") in ("yes", "no") else "",
        judged=get.get("judged", "") if get.get("judged") in ("yes", "no") else "",
    )


def _risks(request: HttpRequest, snapshot: Snapshot, chosen: Chosen) -> RiskResultQuerySet:
    """The snapshot's risks the reader may see, narrowed by every filter that applies to a
    single risk (all but the priority, which is the company's: its highest risk)."""
    results = RiskResult.objects.visible_to(request.user).filter(snapshot=snapshot)
    results = results.filtered(
        theme=chosen.theme,
        country=chosen.country,
        sector=chosen.sector,
        evidence={"yes": True, "no": False}.get(chosen.evidence),
    )
    if chosen.judged:
        judged = Exists(
            RiskJudgement.objects.visible_to(request.user).filter(
                fund_id=snapshot.fund_id, issuer_id=OuterRef("issuer_id"), theme=OuterRef("theme")
            )
        )
        results = results.filter(judged if chosen.judged == "yes" else ~judged)
    return results


def _of_companies(results: RiskResultQuerySet, chosen: Chosen) -> RiskResultQuerySet:
    """Keep only the risks of companies whose priority (their highest risk among these) is
    the one asked for: the priority filter picks companies, as the counts count them."""
    if chosen.rank is None:
        return results
    top = (
        results.order_by()
        .values("issuer_id")
        .annotate(top=Max("rank"))
        .filter(top=chosen.rank)
        .values("issuer_id")
    )
    return results.filter(issuer_id__in=top)


T = TypeVar("T")


class _Kept:
    """Totals counted from a snapshot's results (the bands, the overview, a filter's count),
    kept in the cache under the snapshot's scoring token: new results, a new token, so a
    total is never read stale. Paging through the list then counts nothing again."""

    SECONDS = 24 * 3600

    def __init__(self, request: HttpRequest, snapshot: Snapshot) -> None:
        self.snapshot_id = snapshot.pk
        self.token = (
            ScoredSnapshot.objects.visible_to(request.user)
            .filter(snapshot=snapshot)
            .values_list("token", flat=True)
            .first()
        )

    def __call__(self, name: str, compute: Callable[[], T]) -> T:
        if self.token is None:  # results written before tokens, or by hand: count them
            return compute()
        key = f"risk:fund-risks:{self.snapshot_id}:{self.token}:{name}"
        found = cache.get(key)
        if found is None:
            found = compute()
            cache.set(key, found, self.SECONDS)
        return cast(T, found)


class _Companies:
    """The grouped companies as a sequence the paginator can count and slice."""

    def __init__(self, results: RiskResultQuerySet, chosen: Chosen) -> None:
        pairs = results.order_by().values("issuer_id", "rank", "score", "evidence", "value_eur")
        self.sql, params = pairs.query.sql_with_params()
        self.having = " HAVING max(rank) = %s" if chosen.rank else ""
        self.params = (*params, chosen.rank) if chosen.rank else tuple(params)
        self.labels = dict(RiskResult.Priority.choices)
        self.known: int | None = None  # the count, when it was kept

    def __len__(self) -> int:
        return self.known if self.known is not None else self.counted()

    def counted(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT issuer_id FROM ({self.sql}) p "  # noqa: S608
                f"GROUP BY issuer_id{self.having}) g",
                self.params,
            )
            return int(cursor.fetchone()[0])

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        start = int(window.start or 0)
        limit = f" LIMIT {int(window.stop) - start}" if window.stop is not None else ""
        sql = (
            "SELECT g.issuer_id, i.legal_name, g.key, g.value, g.themes "  # noqa: S608
            f"FROM (SELECT issuer_id, {_KEY} AS key, max(value_eur) AS value, "
            f"count(*) AS themes FROM ({self.sql}) p GROUP BY issuer_id{self.having}) g "
            f"JOIN {Issuer._meta.db_table} i ON i.id = g.issuer_id "
            f"ORDER BY g.key DESC, i.legal_name, g.issuer_id{limit} OFFSET {start}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            found = cursor.fetchall()
        companies = []
        for issuer_id, name, key, value, themes in found:
            rank = int(key // 100000)
            companies.append(
                {
                    "issuer_id": issuer_id,
                    "name": name,
                    "rank": rank,
                    "priority": LEVELS[rank - 1],
                    "label": self.labels[LEVELS[rank - 1]],
                    "score": (Decimal(key) - rank * 100000) // 10 / 100,
                    "value": value,
                    "count": themes,
                }
            )
        return companies


def _sector_names() -> dict[str, str]:
    """The sector map's entries by code, in the reader's language; a later edition's name
    wins."""
    english = get_language() == "en"
    names: dict[str, str] = {}
    for code, name, name_nl in (
        SectorThemeRisk.objects.filter(dataset__key="sector-map")
        .order_by("dataset__edition")
        .values_list("sector_code", "sector_name", "sector_name_nl")
        .distinct()
    ):
        names[code] = name if english or not name_nl else name_nl
    return names


def _band_counts(results: RiskResultQuerySet) -> dict[int, tuple[int, int]]:
    """Per rank: the companies whose highest risk is at it (each counted once) and the
    risks at it — in one pass over the snapshot's risks."""
    sql, params = results.order_by().values("issuer_id", "rank").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT top, count(*), sum(r1), sum(r2), sum(r3), sum(r4) FROM ("  # noqa: S608
            "SELECT issuer_id, max(rank) AS top, count(*) FILTER (WHERE rank = 1) AS r1, "
            "count(*) FILTER (WHERE rank = 2) AS r2, count(*) FILTER (WHERE rank = 3) AS r3, "
            f"count(*) FILTER (WHERE rank = 4) AS r4 FROM ({sql}) p GROUP BY issuer_id) g "
            "GROUP BY top",
            params,
        )
        rows = cursor.fetchall()
    companies = dict.fromkeys(range(1, 5), 0)
    risks = dict.fromkeys(range(1, 5), 0)
    for top, n, *per_rank in rows:
        companies[top] = n
        for rank, count in enumerate(per_rank, start=1):
            risks[rank] += int(count or 0)
    return {rank: (companies[rank], risks[rank]) for rank in range(1, 5)}


@dataclass
class _Overview:
    """What the page says about the whole snapshot, counted in one pass over its risks:
    the heat map's cells, the world map's countries and the companies per country and per
    sector entry for the filters' choices."""

    heat: list[dict[str, Any]]
    world: list[dict[str, Any]]
    countries: dict[str, int]
    sectors: dict[str, int]


# GROUPING() of (sector, country, theme): a bit is set for each column a set leaves out.
_SECTOR_THEME, _COUNTRY, _COUNTRY_THEME, _SECTOR = 2, 5, 4, 3


def _overview(results: RiskResultQuerySet, theme: str) -> _Overview:
    pairs = results.order_by().values(
        "issuer_id",
        "rank",
        "theme",
        sector=F("assessment__sector_code"),
        land=F("assessment__country"),
    )
    sql, params = pairs.query.sql_with_params()
    sets = "(sector, theme), (land), (sector)" + (", (land, theme)" if theme else "")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sector, land, theme, GROUPING(sector, land, theme), count(*), "  # noqa: S608
            "count(*) FILTER (WHERE rank >= 3), count(DISTINCT issuer_id), max(rank) "
            f"FROM ({sql}) p GROUP BY GROUPING SETS ({sets})",
            params,
        )
        found = cursor.fetchall()
    overview = _Overview(heat=[], world=[], countries={}, sectors={})
    for sector, land, key, grouping, n, severe, companies, top in found:
        if grouping == _SECTOR_THEME:
            overview.heat.append(
                {"assessment__sector_code": sector, "theme": key, "n": n, "top": top}
            )
        elif grouping == _COUNTRY or (grouping == _COUNTRY_THEME and key == theme):
            if grouping == _COUNTRY:
                overview.countries[land] = companies
            if (grouping == _COUNTRY) != bool(theme):  # the map follows the theme filter
                overview.world.append(
                    {
                        "assessment__country": land,
                        "n": n,
                        "severe": severe,
                        "companies": companies,
                        "top": top,
                    }
                )
        elif grouping == _SECTOR:
            overview.sectors[sector] = companies
    return overview


def _worded(reason: dict[str, Any]) -> tuple[str, str]:
    """A reason in the reader's words, and its source where the wording does not already
    name it."""
    text = describe(reason)
    source = str(reason.get("source") or "")
    # A sector's guidance is named in the wording itself, in the reader's language.
    named = source in text or reason.get("key") == "sector_guidance"
    return text, "" if named else source


def _facts(a: RiskAssessment) -> str:
    """Severity and its dimensions, likelihood and score, as one line."""
    return (
        f"{_('severity')} {a.severity} ({_('scale')} {a.scale}, {_('scope')} {a.scope}, "
        f"{_('irremediable')} {a.irremediability}) · {_('likelihood')} "
        f"{floatformat(a.likelihood, '-2')} · {_('score')} {floatformat(a.score, '-2')}"
    )


def _choices(choices: Any, chosen: str = "") -> str:
    """A select's options, the chosen one marked."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, " selected" if v == chosen else "", label) for v, label in choices),
    )


class _JudgeForm:
    """The judgement form of each risk on the page, written here rather than in a template:
    a page holds some 250 of them, and a template costs several times more per form."""

    def __init__(self, request: HttpRequest, snapshot: Snapshot, query: str) -> None:
        self.action = reverse("snapshot_risks", args=[snapshot.pk]) + "{}/judge/"
        self.query = f"?{query}" if query else ""
        self.token = get_token(request)
        self.words = {
            "decision": _("Decision"),
            "priority": _("Adjusted priority"),
            "impact": _("Impact"),
            "reason": _("Reason"),
            "hint": _("Needed when you adjust or dismiss."),
            "limit": limits.hint(limits.MESSAGE),
            "save": _("Save"),
        }
        self.decisions = list(RiskJudgement.Decision.choices)
        self.priorities = [("", "—"), *RiskResult.Priority.choices]
        self.impacts = list(RiskJudgement.Impact.choices)
        self.blank = [_choices(c) for c in (self.decisions, self.priorities, self.impacts)]

    def __call__(self, risk: RiskResult, form: dict[str, Any], error: str) -> str:
        k = str(risk.pk)
        options = (
            [
                _choices(self.decisions, form.get("decision", "")),
                _choices(self.priorities, form.get("priority", "")),
                _choices(self.impacts, form.get("impact", "")),
            ]
            if form
            else self.blank
        )
        return format_html(
            '<form method="post" action="{action}{query}" class="judge-form"{described}>'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<p><label for="decision-{k}">{decision}</label>'
            '<select id="decision-{k}" name="decision">{o0}</select></p>'
            '<p><label for="priority-{k}">{priority}</label>'
            '<select id="priority-{k}" name="priority">{o1}</select></p>'
            '<p><label for="impact-{k}">{impact}</label>'
            '<select id="impact-{k}" name="impact">{o2}</select></p>'
            '<p class="wide"><label for="reason-{k}">{reason}</label>'
            '<textarea id="reason-{k}" name="reason" rows="2" maxlength="{max}" '
            'aria-describedby="reason-{k}-hint">{text}</textarea>'
            '<small class="helptext" id="reason-{k}-hint">{hint} {limit}</small></p>'
            '<p class="wide"><button type="submit">{save}</button></p></form>',
            action=self.action.format(k),
            query=self.query,
            described=format_html(' aria-describedby="risk-{}-error"', k) if error else "",
            token=self.token,
            k=k,
            o0=options[0],
            o1=options[1],
            o2=options[2],
            max=limits.MESSAGE,
            text=form.get("reason", ""),
            **self.words,
        )


class _ThemeItem:
    """A company's theme on the page (priority, reasons, judgement, the form), written here
    for the same reason as the form: a page lists some 350 of them."""

    def __init__(self, can_judge: bool) -> None:
        self.can_judge = can_judge
        self.words = {
            "evidence": _("company evidence"),
            "judged": _("Your judgement:"),
            "judge": _("Judge"),
            "change": _("Change your judgement"),
        }
        self.priorities = dict(RiskResult.Priority.choices)

    @staticmethod
    def _badge(rank: int) -> str:
        return " bad" if rank >= 4 else " warn" if rank == 3 else ""

    def __call__(self, risk: Any) -> str:
        k = risk.key
        notes = format_html_join(
            "",
            ' <a class="badge" href="{}" title="{}">{}</a>',
            ((note.url, note.title, note.label) for note in risk.annotations),
        )
        reasons = format_html_join(
            "",
            "<li>{}{}</li>",
            (
                (text, format_html(' <span class="muted">— {}</span>', source) if source else "")
                for text, source in risk.reason_lines
            ),
        )
        judgement = risk.judgement
        judged = ""
        if judgement:
            judged = format_html(
                '<p class="judged">{} <span class="badge">{}{} · {}</span>{}</p>',
                self.words["judged"],
                judgement.get_decision_display(),
                f": {self.priorities.get(judgement.priority, '')}" if judgement.priority else "",
                judgement.get_impact_display(),
                format_html(" <small>{}</small>", judgement.reason) if judgement.reason else "",
            )
        error = (
            format_html(
                '<p class="row-error" id="risk-{}-error" role="alert">{}</p>', k, risk.error
            )
            if risk.error
            else ""
        )
        form = ""
        if self.can_judge:
            form = format_html(
                '<details class="judge"{}><summary>{}<span class="visually-hidden">: {}</span>'
                "</summary>\n{}</details>",
                " open" if risk.error else "",
                self.words["change"] if judgement else self.words["judge"],
                risk.theme_name,
                risk.form_html,
            )
        return format_html(
            '<li class="risk-theme{}" id="risk-{}">\n<p class="risk-head"><strong>{}</strong> '
            '<span class="badge{}">{}</span>{}{}\n<br><small class="muted">{}</small></p>\n'
            '<ul class="reasons">{}</ul>\n{}{}{}</li>',
            " has-error" if risk.error else "",
            k,
            risk.theme_name,
            self._badge(risk.rank),
            self.priorities.get(risk.priority, risk.priority),
            format_html(' <span class="badge evidence">{}</span>', self.words["evidence"])
            if risk.evidence
            else "",
            notes,
            risk.facts,
            reasons,
            judged,
            error,
            form,
        )


def _query(request: HttpRequest, **changes: str | None) -> str:
    """The page's query with some parameters changed (None removes one); a change of
    filter starts again at page 1."""
    params = request.GET.copy()
    for key in [k for k, v in params.items() if not v]:  # the form's empty selects
        del params[key]
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    if set(changes) - {"page", "open"}:
        params.pop("page", None)
    if "open" not in changes:
        params.pop("open", None)
    return params.urlencode()


@login_required
def snapshot_risks(request: HttpRequest, pk: int) -> HttpResponse:
    """A fund's prioritised risks for one snapshot, by company: its highest priority first,
    the position beside it as leverage."""
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    if "" in request.GET.values():  # the filter form's unused selects: an address to share
        return redirect(f"{request.path}?{_query(request)}")
    names = {t.key: str(t) for t in Theme.objects.in_force()}
    chosen = _chosen(request, names)
    everything = RiskResult.objects.visible_to(request.user).filter(snapshot=snapshot)
    sectors = _sector_names()
    kept = _Kept(request, snapshot)
    bands = kept("bands", lambda: _band_counts(everything))
    overview = kept(f"overview:{chosen.theme}", lambda: _overview(everything, chosen.theme))
    results = _risks(request, snapshot, chosen)
    companies: Any = _Companies(results, chosen)
    if not chosen.judged:  # judgements change without new results: that count is not kept
        companies.known = kept(
            f"count:{chosen.priority}:{chosen.theme}:{chosen.country}:{chosen.sector}:"
            f"{chosen.evidence}",
            companies.counted,
        )
    page = Paginator(companies, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    ids = [c["issuer_id"] for c in rows]
    risks = (
        results.filter(issuer_id__in=ids)
        .select_related("assessment")
        .order_by("-rank", "-score", "-evidence", "theme")
    )
    judgements = {
        (j.issuer_id, j.theme): j
        for j in RiskJudgement.objects.visible_to(request.user).filter(
            fund=snapshot.fund, issuer_id__in=ids
        )
    }
    leverage = Position.objects.joint_leverage_for(request.user, snapshot.fund_id, set(ids))
    draft = request.session.pop(_DRAFT, None) if _DRAFT in request.session else None
    failed = {
        m.extra_tags.split("judgement-")[-1]: m.message
        for m in messages.get_messages(request)
        if "judgement-" in (m.extra_tags or "")
    }
    can_judge = access.actor_for(request.user).has_role(snapshot.fund_id, Role.EDITOR)
    judge_form = _JudgeForm(request, snapshot, _query(request)) if can_judge else None
    theme_item = _ThemeItem(can_judge)
    by_company: dict[int, list[RiskResult]] = {i: [] for i in ids}
    # What apps above risk say about a risk (engagement: "being engaged").
    annotated = risk_annotations(request.user, {(r.issuer_id, r.theme) for r in risks})
    first = None
    # Companies in the same sector and country share an assessment: word its reasons once.
    worded: dict[int, list[tuple[str, str]]] = {}
    facts: dict[int, str] = {}
    for risk in risks:
        first = first or risk
        a = risk.assessment
        if a.pk not in worded:
            worded[a.pk] = [_worded(reason) for reason in a.reasons]
            facts[a.pk] = _facts(a)
        risk.reason_lines = worded[a.pk]  # type: ignore[attr-defined]
        risk.facts = facts[a.pk]  # type: ignore[attr-defined]
        risk.key = str(risk.pk)  # type: ignore[attr-defined]  # ids in the page, unlocalised
        risk.theme_name = names.get(risk.theme, risk.theme)  # type: ignore[attr-defined]
        risk.judgement = judgements.get((risk.issuer_id, risk.theme))  # type: ignore[attr-defined]
        risk.error = failed.get(str(risk.pk), "")  # type: ignore[attr-defined]
        risk.annotations = annotated.get((risk.issuer_id, risk.theme), [])  # type: ignore[attr-defined]
        judgement = risk.judgement  # type: ignore[attr-defined]
        # The form shows what was just entered (after a failure) or the judgement in force.
        risk.form = (  # type: ignore[attr-defined]
            draft
            if draft and draft.get("result") == risk.pk
            else {
                "decision": judgement.decision,
                "impact": judgement.impact,
                "priority": judgement.priority,
                "reason": judgement.reason,
            }
            if judgement
            else {}
        )
        if judge_form:
            risk.form_html = judge_form(risk, risk.form, risk.error)  # type: ignore[attr-defined]
        risk.html = theme_item(risk)  # type: ignore[attr-defined]
        by_company[risk.issuer_id].append(risk)
    try:
        opened = int(request.GET.get("open", ""))
    except ValueError:
        opened = None
    for company in rows:
        themes = by_company[company["issuer_id"]]
        company["themes"] = themes
        company["evidence"] = any(r.evidence for r in themes)
        company["judged"] = sum(1 for r in themes if getattr(r, "judgement", None))
        company["leverage"] = leverage.get(company["issuer_id"])
        company["opened"] = company["issuer_id"] == opened
        # A company has one country and one sector entry: its first theme says them.
        shown = themes[0].assessment if themes else None
        company["country_name"] = country_name(shown.country) if shown and shown.country else ""
        company["sector"] = sectors.get(shown.sector_code, shown.sector_code) if shown else ""
    heat = charts.heat_map(everything, names, sectors, cells=overview.heat)
    # The map follows the theme filter: "where is forced labour?"
    world = charts.world_map(everything, rows=overview.world)
    labels = dict(RiskResult.Priority.choices)
    evidence_labels = {"yes": _("with company evidence"), "no": _("from sector and country only")}
    judged_labels = {"yes": _("judged"), "no": _("not yet judged")}
    applied = [
        (label, text, _query(request, **{key: None}))
        for key, label, text in (
            ("priority", _("Priority"), labels.get(chosen.priority, "")),
            ("theme", _("Theme"), names.get(chosen.theme, "")),
            ("country", _("Country"), country_name(chosen.country) if chosen.country else ""),
            ("sector", _("Sector"), sectors.get(chosen.sector, chosen.sector)),
            ("evidence", _("Evidence"), evidence_labels.get(chosen.evidence, "")),
            ("judged", _("Judgement"), judged_labels.get(chosen.judged, "")),
        )
        if getattr(chosen, key)
    ]
    methodology = first.assessment.methodology if first else None
    editions = first.assessment.editions if first else {}
    return render(
        request,
        "risk/snapshot_risks.html",
        {
            "snapshot": snapshot,
            "page": page,
            "rows": rows,
            "chosen": chosen,
            "applied": applied,
            "bands": [
                (level, labels[level], *bands[LEVELS.index(level) + 1])
                for level in reversed(LEVELS)
            ],
            "countries": sorted(
                (
                    (code, country_name(code) or code, n)
                    for code, n in overview.countries.items()
                    if code
                ),
                key=lambda c: c[1],
            ),
            "sectors": sorted(
                ((code, sectors.get(code, code), n) for code, n in overview.sectors.items()),
                key=lambda s: s[1],
            ),
            "themes": sorted(names.items(), key=lambda item: item[1]),
            "theme_name": names.get(chosen.theme, ""),
            "evidence_choices": list(evidence_labels.items()),
            "judged_choices": list(judged_labels.items()),
            "methodology": methodology,
            # By the datasets' names, as their citations give them, not their keys.
            "editions": sorted(
                ({**SHORT_NAMES, "sector-map": _("sector risk map")}.get(key, key), edition)
                for key, edition in editions.items()
            ),
            "min_funds": settings.AGGREGATE_MIN_FUNDS,
            "can_judge": can_judge,
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
            "query": _query(request),
        },
    )


@login_required
@require_POST
def judge(request: HttpRequest, pk: int, result_id: int) -> HttpResponse:
    """Record the fund's judgement of one risk, then return to the company's row on the
    page it was on, with the filters kept and the row open — the error shown there."""
    result = access.get_visible_or_404(
        RiskResult.objects.select_related("snapshot"), request.user, pk=result_id, snapshot_id=pk
    )
    posted = {k: request.POST.get(k, "") for k in ("decision", "impact", "reason", "priority")}
    try:
        judge_risk(by=request.user, result=result, **posted)
    except ActionError as error:
        messages.error(request, error.messages[0], extra_tags=f"judgement-{result.pk}")
        # What was entered comes back in the form, so nothing has to be typed again.
        request.session[_DRAFT] = posted | {
            "result": result.pk,
            "reason": posted["reason"][: limits.MESSAGE],
        }
    else:
        messages.success(request, _("Your judgement was recorded; the computed value stays."))
    query = _query(request, open=str(result.issuer_id))
    return redirect(f"{reverse('snapshot_risks', args=[pk])}?{query}#company-{result.issuer_id}")


def _export_rows(results: RiskResultQuerySet) -> QuerySet[RiskResult]:
    """The risks in the page's order: by company (its top rank, score and evidence), then
    by theme, highest first."""
    table = RiskResult._meta.db_table
    company = RawSQL(  # noqa: S611 - the model's own table name, no input
        f'max("{table}"."rank" * 100000 + "{table}"."score" * 1000 + "{table}"."evidence"::int)'
        f' OVER (PARTITION BY "{table}"."issuer_id")',
        (),
        output_field=DecimalField(),
    )
    return results.annotate(company=company).order_by(
        "-company", "issuer__legal_name", "issuer_id", "-rank", "-score", "-evidence", "theme"
    )


@login_required
def export_risks(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The fund's risks for a snapshot as CSV or XLSX, filtered like the page and in its
    order: one line per company and theme."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    names = {t.key: str(t) for t in Theme.objects.in_force()}
    chosen = _chosen(request, names)
    chosen_risks = _of_companies(_risks(request, snapshot, chosen), chosen)
    results = _export_rows(chosen_risks.select_related("issuer", "assessment"))
    judgements = {
        (j.issuer_id, j.theme): j
        for j in RiskJudgement.objects.visible_to(request.user).filter(fund=snapshot.fund)
    }
    data = exports.rows(results.iterator(chunk_size=2000), names, judgements, _sector_names())
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
