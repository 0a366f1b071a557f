"""The monitoring report as people read it: the page, the HTML and PDF documents and the XLSX
data annex, every one built from the same figures after disclosure control
(``disclosure.protect``) and printing the snapshot's digest.

``rendering(figures, digest, …)`` turns a figures dict (the frozen snapshot, or the live
draft the committee previews) into what the templates show; the charts are inline SVG drawn
here (no script, and WeasyPrint prints them as they are)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from convenant.core.exports import inert_cell
from convenant.reporting import disclosure
from convenant.reporting.models import Cycle, Finding, MonitoringReport, Outcome

BILLION = Decimal(1_000_000_000)


def english() -> bool:
    return (get_language() or "nl").startswith("en")


def _in_language(item: dict[str, Any], key: str) -> str:
    return str(item.get(f"{key}_en") if english() and item.get(f"{key}_en") else item.get(key, ""))


def pct(value: Any) -> str:
    return "—" if value is None else f"{number_format(value, 1)} %"


def change(value: Any) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return _("%(sign)s%(points)s pp") % {"sign": sign, "points": number_format(abs(value), 1)}


def billions(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return _("€ %(amount)s bn") % {"amount": number_format(Decimal(str(value)) / BILLION, 1)}


def ratio(positive: Any, counted: Any) -> str:
    if positive is None or counted is None:
        return "—"
    return f"{positive} / {counted}"


# --- The view of the figures --------------------------------------------------------------


@dataclass
class IndicatorView:
    row: dict[str, Any]
    name: str
    subs: list[IndicatorView] = field(default_factory=list)
    chart: SafeString | str = ""

    @property
    def code(self) -> str:
        return str(self.row["code"])

    @property
    def ratio(self) -> str:
        return ratio(self.row.get("positive"), self.row.get("counted"))

    @property
    def share(self) -> str:
        return pct(self.row.get("share"))

    @property
    def asset_share(self) -> str:
        return pct(self.row.get("asset_share"))

    @property
    def target(self) -> str:
        return pct(self.row.get("target"))

    @property
    def change_previous(self) -> str:
        return change(self.row.get("change_previous"))

    @property
    def change_baseline(self) -> str:
        return change(self.row.get("change_baseline"))


@dataclass
class Rendering:
    figures: dict[str, Any]  # after disclosure control
    digest: str
    draft: bool
    summary: str = ""
    mains: list[IndicatorView] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def cycle(self) -> dict[str, Any]:
        return dict(self.figures["cycle"])

    @property
    def kind_label(self) -> str:
        kind = self.cycle.get("kind", "")
        return str(Cycle.Kind(kind).label) if kind in Cycle.Kind.values else kind

    @property
    def title(self) -> str:
        return _("Monitoring report %(name)s") % {"name": self.cycle.get("name", "")}

    @property
    def counted_assets(self) -> str:
        return billions(self.figures["counted"].get("assets_eur"))

    @property
    def breakdowns(self) -> list[dict[str, Any]]:
        shown = []
        for breakdown in self.figures.get("breakdowns") or []:
            groups = breakdown.get("groups") or []
            rows = []
            for main in self.mains:
                cells = [
                    _cell_view(breakdown["cells"].get(g["key"], {}).get(main.code)) for g in groups
                ]
                total = _cell_view(breakdown.get("totals", {}).get(main.code))
                rows.append({"name": main.name, "cells": cells, "total": total})
            shown.append(
                {
                    "title": _in_language(breakdown, "title"),
                    "groups": [_in_language(g, "label") for g in groups],
                    "rows": rows,
                }
            )
        return shown

    @property
    def late(self) -> list[dict[str, str]]:
        rows = []
        for entry in self.figures.get("late") or []:
            if entry.get("reason") == "after_deadline":
                reason = _("Submitted after the deadline, on %(day)s; counted") % {
                    "day": entry.get("submitted_on") or ""
                }
            elif entry.get("reason") == "not_submitted":
                reason = _("Not submitted")
            else:
                reason = str(entry.get("reason") or "")
            rows.append({"party": str(entry.get("party") or ""), "reason": reason})
        return rows

    @property
    def effort(self) -> list[dict[str, Any]]:
        return [
            {
                "name": _in_language(e, "name"),
                "sub": e.get("level") == "sub",
                "ratio": ratio(e.get("positive"), e.get("counted")),
                "share": pct(
                    round(100 * e["positive"] / e["counted"], 2)
                    if e.get("counted") and e.get("positive") is not None
                    else None
                ),
            }
            for e in self.figures.get("effort") or []
        ]

    @property
    def cases(self) -> dict[str, Any]:
        from convenant.engagement.models import Case, Step

        cases = self.figures.get("cases") or {}
        steps = dict(Step.choices)
        outcomes = dict(Case.Outcome.choices)
        return {
            "total": cases.get("total", 0),
            "running": [
                {"label": str(steps.get(r["step"], r["step"])), "count": r["count"]}
                for r in cases.get("running") or []
            ],
            "closed": [
                {"label": str(outcomes.get(r["outcome"], r["outcome"])), "count": r["count"]}
                for r in cases.get("closed") or []
            ],
        }

    @property
    def outsourcing(self) -> dict[str, Any]:
        o = self.figures.get("outsourcing") or {}
        return {
            **o,
            "clauses": pct(o.get("clauses_share")),
            "reporting": pct(o.get("reporting_share")),
        }

    @property
    def findings(self) -> list[dict[str, Any]]:
        kinds = dict(Finding.Kind.choices)
        return [
            {
                **f,
                "kind_label": str(kinds.get(f.get("kind"), f.get("kind"))),
                "indicator_name": self.names.get(f.get("indicator") or "", ""),
            }
            for f in self.figures.get("findings") or []
        ]

    @property
    def individual(self) -> list[dict[str, str]]:
        outcomes = dict(Outcome.choices)
        return [
            {
                "party": str(i.get("party")),
                "indicator": self.names.get(i.get("indicator") or "", i.get("indicator") or ""),
                "outcome": str(outcomes.get(i.get("outcome"), i.get("outcome"))),
            }
            for i in self.figures.get("individual") or []
        ]

    @property
    def history(self) -> list[dict[str, Any]]:
        """Per cycle the share of each main indicator, with the restated one beside it."""
        rows = []
        for entry in self.figures.get("history") or []:
            cells = []
            for main in self.mains:
                share = (entry.get("shares") or {}).get(main.code)
                restated = (entry.get("restated") or {}).get(main.code, "absent")
                cells.append(
                    {
                        "share": pct(share),
                        "restated": None if restated == "absent" else pct(restated),
                    }
                )
            rows.append(
                {
                    "label": entry.get("label"),
                    "name": entry.get("name") or entry.get("label"),
                    "reference_date": entry.get("reference_date"),
                    "cells": cells,
                }
            )
        return rows


def _cell_view(cell: dict[str, Any] | None) -> dict[str, Any]:
    if not cell:
        return {"ratio": "—", "share": "—", "asset_share": "—", "suppressed": ""}
    counted, positive = cell.get("counted"), cell.get("positive")
    assets_counted, assets_positive = cell.get("assets_counted"), cell.get("assets_positive")
    share = round(100 * positive / counted, 2) if counted and positive is not None else None
    asset_share = None
    if assets_counted not in (None, "") and assets_positive not in (None, ""):
        whole = Decimal(str(assets_counted))
        if whole:
            asset_share = round(float(Decimal(str(assets_positive)) * 100 / whole), 2)
    return {
        "ratio": ratio(positive, counted),
        "share": pct(share),
        "asset_share": pct(asset_share),
        "suppressed": cell.get("suppressed") or "",
    }


def rendering(
    figures: dict[str, Any], digest: str, *, draft: bool, report: MonitoringReport | None = None
) -> Rendering:
    """The figures after disclosure control, arranged for the templates."""
    published = disclosure.protect(figures)
    rows = published.get("indicators") or []
    names = {row["code"]: _in_language(row, "name") for row in rows}
    mains = [IndicatorView(row, names[row["code"]]) for row in rows if row.get("level") == "main"]
    by_code = {m.code: m for m in mains}
    for row in rows:
        if row.get("level") == "sub" and row.get("parent") in by_code:
            by_code[row["parent"]].subs.append(IndicatorView(row, names[row["code"]]))
    for main in mains:
        main.chart = chart(main, published.get("history") or [])
    return Rendering(
        figures=published,
        digest=digest,
        draft=draft,
        summary=report.summary_in() if report else "",
        mains=mains,
        names=names,
    )


# --- Charts: bars per cycle with the target marked ----------------------------------------

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 420, 170, 34, 34, 10


def chart(main: IndicatorView, history: list[dict[str, Any]]) -> SafeString:
    """The main indicator's share of funds per cycle as bars (0–100 %), the cycle's target as
    a dark mark across its bar, a restated share as an outlined bar beside it."""
    entries = [h for h in history if main.code in (h.get("shares") or {})] or history
    if not entries:
        return mark_safe("")
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / len(entries)
    bar = min(38.0, slot * 0.5)

    def y(share: float) -> float:
        return TOP + plot_h * (1 - max(0.0, min(100.0, share)) / 100)

    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" width="{}" '
            'height="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="chart-{}-title">'
            '<title id="chart-{}-title">{}</title>',
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT,
            main.code,
            main.code,
            _("%(indicator)s: share of funds positive per measurement, with the target")
            % {"indicator": main.name},
        )
    ]
    for tick in (0, 50, 100):
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="9" text-anchor="end" fill="#555">{} %</text>',
                LEFT,
                WIDTH - 8,
                f"{y(tick):.1f}",
                f"{y(tick):.1f}",
                LEFT - 4,
                f"{y(tick) + 3:.1f}",
                tick,
            )
        )
    for n, entry in enumerate(entries):
        x = LEFT + slot * n + (slot - bar) / 2
        share = (entry.get("shares") or {}).get(main.code)
        if share is not None:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="#2f6f9f">'
                    "<title>{}</title></rect>",
                    f"{x:.1f}",
                    f"{y(share):.1f}",
                    f"{bar:.1f}",
                    f"{y(0) - y(share):.1f}",
                    pct(share),
                )
            )
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="9" text-anchor="middle">{}</text>',
                    f"{x + bar / 2:.1f}",
                    f"{y(share) - 3:.1f}",
                    pct(share),
                )
            )
        restated = (entry.get("restated") or {}).get(main.code)
        if restated is not None:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#b35c00" '
                    'stroke-dasharray="3 2"><title>{}</title></rect>',
                    f"{x + bar + 2:.1f}",
                    f"{y(restated):.1f}",
                    f"{bar / 3:.1f}",
                    f"{y(0) - y(restated):.1f}",
                    _("restated: %(share)s") % {"share": pct(restated)},
                )
            )
        target = (entry.get("targets") or {}).get(main.code)
        if target is not None:
            parts.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#c0392b" stroke-width="3">'
                    "<title>{}</title></line>",
                    f"{x - 4:.1f}",
                    f"{x + bar + 4:.1f}",
                    f"{y(target):.1f}",
                    f"{y(target):.1f}",
                    _("target: %(share)s") % {"share": pct(target)},
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="9" text-anchor="middle">{}</text>',
                f"{x + bar / 2:.1f}",
                f"{HEIGHT - BOTTOM + 14:.1f}",
                entry.get("label") or "",
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - built with format_html


# --- The documents ------------------------------------------------------------------------


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    """The report is self-contained; WeasyPrint fetches nothing (no file, no network)."""
    raise ValueError(f"not fetched: {url}")


def as_html(view: Rendering) -> str:
    """The whole report as one standalone HTML document (the PDF's source too)."""
    return render_to_string("reporting/report/print.html", {"view": view})


def as_pdf(view: Rendering) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=as_html(view), url_fetcher=_no_fetching).write_pdf()
    return pdf


def as_xlsx(view: Rendering) -> bytes:
    """The data annex: the figures after disclosure control, one sheet per part, with the
    digest on the first."""
    from openpyxl import Workbook

    f = view.figures
    book = Workbook(write_only=True)

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        ws = book.create_sheet(title[:31])
        ws.append([inert_cell(h) for h in header])
        for row in rows:
            ws.append([inert_cell(v) for v in row])

    cycle = f["cycle"]
    sheet(
        _("Report"),
        [_("Field"), _("Value")],
        [
            [_("Cycle"), cycle.get("label")],
            [_("Name"), cycle.get("name")],
            [_("Kind"), view.kind_label],
            [_("Reference date"), cycle.get("reference_date")],
            [_("Framework"), f.get("framework")],
            [_("Funds counted"), f["counted"].get("funds")],
            [_("Invested assets counted (EUR)"), f["counted"].get("assets_eur")],
            [_("Funds positive on all main indicators"), f.get("all_main", {}).get("positive")],
            [_("State"), _("draft") if view.draft else _("signed off")],
            [_("Digest (SHA-256)"), view.digest],
            [_("Digest of"), f.get("digest_of")],
        ],
    )
    sheet(
        _("Indicators"),
        [
            _("Indicator"),
            _("Name"),
            _("Level"),
            _("Main indicator"),
            _("Positive"),
            _("Counted"),
            _("Not applicable"),
            _("Share (%)"),
            _("Assets positive (EUR)"),
            _("Assets counted (EUR)"),
            _("Asset-weighted share (%)"),
            _("Target (%)"),
            _("Change since previous (pp)"),
            _("Change since baseline (pp)"),
            _("Restated"),
        ],
        [
            [
                r["code"],
                _in_language(r, "name"),
                r.get("level"),
                r.get("parent") or "",
                r.get("positive"),
                r.get("counted"),
                r.get("not_applicable"),
                r.get("share"),
                r.get("assets_positive"),
                r.get("assets_counted"),
                r.get("asset_share"),
                r.get("target"),
                r.get("change_previous"),
                r.get("change_baseline"),
                _("yes") if r.get("restated") else "",
            ]
            for r in f.get("indicators") or []
        ],
    )
    breakdown_rows = []
    for b in f.get("breakdowns") or []:
        for g in b.get("groups") or []:
            for code, cell in (b.get("cells", {}).get(g["key"]) or {}).items():
                breakdown_rows.append(
                    [
                        _in_language(b, "title"),
                        _in_language(g, "label"),
                        code,
                        cell.get("counted"),
                        cell.get("positive"),
                        cell.get("assets_counted"),
                        cell.get("assets_positive"),
                        cell.get("suppressed") or "",
                    ]
                )
    sheet(
        _("Breakdowns"),
        [
            _("Breakdown"),
            _("Group"),
            _("Indicator"),
            _("Counted"),
            _("Positive"),
            _("Assets counted (EUR)"),
            _("Assets positive (EUR)"),
            _("Suppressed"),
        ],
        breakdown_rows,
    )
    sheet(
        _("History"),
        [_("Cycle"), _("Reference date"), _("Indicator"), _("Share (%)"), _("Restated (%)")],
        [
            [
                h.get("label"),
                h.get("reference_date"),
                code,
                share,
                (h.get("restated") or {}).get(code),
            ]
            for h in f.get("history") or []
            for code, share in (h.get("shares") or {}).items()
        ],
    )
    sheet(
        _("Late and excluded"),
        [_("Party"), _("Listed as"), _("Reason")],
        [[row["party"], _("late"), row["reason"]] for row in view.late]
        + [[e.get("party"), _("left out"), e.get("reason")] for e in f.get("excluded") or []],
    )
    sheet(
        _("Effort"),
        [_("Indicator"), _("Name"), _("Positive"), _("Counted")],
        [
            [e.get("code"), _in_language(e, "name"), e.get("positive"), e.get("counted")]
            for e in f.get("effort") or []
        ],
    )
    sheet(
        _("Individual results"),
        [_("Party"), _("Indicator"), _("Outcome")],
        [[i["party"], i["indicator"], i["outcome"]] for i in view.individual],
    )
    sheet(
        _("Findings"),
        [_("Kind"), _("Title"), _("Text"), _("Indicator")],
        [
            [x["kind_label"], x.get("title"), x.get("text"), x.get("indicator") or ""]
            for x in view.findings
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
