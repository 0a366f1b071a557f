"""Views of reporting: what is published: the public monitoring pages, the steering group's
approval of a report and of its public summary, the annual meeting pack's section and the
trend across cycles.

Who reads what:

- ``/monitoring/`` and ``/monitoring/<label>/`` (no log-in): published reports only, their
  figures after disclosure control (``disclosure.protect``); anything else is 404, a
  draft, a signed-off or an approved report too.
- the approval page of a report: the secretariat (who proposes), the committee and the
  steering group, once the committee signed it off.
- the trend: the committee, the steering group and the secretariat; anyone else 404. A cycle
  whose report is not signed off shows figures computed now, marked so, to the committee and
  the secretariat only: the steering group reads a report once it is signed off.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.reporting import figures as figures_module
from convenant.reporting import render as rendering
from convenant.reporting.actions import publication as actions
from convenant.reporting.models import Cycle, Finding, MonitoringReport, Target

State = MonitoringReport.State


# --- The public pages ------------------------------------------------------------------------


def published_reports(user: Any = None) -> Any:
    """Published reports, newest first."""
    return (
        MonitoringReport.objects.visible_to(user)
        .filter(state=State.PUBLISHED)
        .select_related("cycle")
        .order_by("-published_on", "-cycle__reference_date", "cycle__label")
    )


def published_report(label: str, user: Any = None) -> MonitoringReport:
    """A published report, else 404: the public page never shows a report in any other
    state, whoever asks."""
    report = published_reports(user).filter(cycle__label=label).first()
    if report is None or report.figures is None:
        raise Http404
    return report


def public_view(report: MonitoringReport) -> rendering.Rendering:
    assert report.figures is not None
    return rendering.rendering(report.figures, report.figures_digest, draft=False, report=report)


def _findings(view: rendering.Rendering) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    found = view.findings
    return (
        [f for f in found if f.get("kind") == Finding.Kind.FINDING],
        [f for f in found if f.get("kind") == Finding.Kind.RECOMMENDATION],
    )


@require_GET
def monitoring_index(request: HttpRequest) -> HttpResponse:
    """The published monitoring reports, newest first (public)."""
    reports = list(published_reports(request.user))
    return render(request, "reporting/publication/index.html", {"reports": reports})


@require_GET
def monitoring_report(request: HttpRequest, label: str) -> HttpResponse:
    """A published report's public page: its summary, the protected figures per main
    indicator against the targets with a chart, the breakdowns, findings and
    recommendations, and the downloads (public)."""
    report = published_report(label, request.user)
    view = public_view(report)
    found, recommendations = _findings(view)
    return render(
        request,
        "reporting/publication/report.html",
        {
            "report": report,
            "view": view,
            "summary": report.summary_in(),
            "findings": found,
            "recommendations": recommendations,
            "label": report.cycle.label,
        },
    )


DOWNLOADS = {
    "pdf": ("application/pdf", rendering.as_pdf),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        rendering.as_xlsx,
    ),
    "html": ("text/html; charset=utf-8", rendering.as_html),
}


@require_GET
def monitoring_download(request: HttpRequest, label: str, fmt: str) -> HttpResponse:
    """The published report as a document, from the frozen snapshot after disclosure
    control (public)."""
    if fmt not in DOWNLOADS:
        raise Http404
    report = published_report(label, request.user)
    content_type, make = DOWNLOADS[fmt]
    # Anyone may ask, and a PDF takes seconds: a published report never changes, so each
    # document is made once per language (and per disclosure setting) and kept.
    key = ":".join(
        str(part)
        for part in (
            "reporting-public",
            report.pk,
            report.figures_digest,
            get_language(),
            fmt,
            settings.REPORTING_MIN_FUNDS,
            settings.REPORTING_DOMINANCE_PERCENT,
        )
    )
    body = cache.get(key)
    if body is None:
        body = make(public_view(report))
        cache.set(key, body, 24 * 3600)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="monitoring-report-{report.cycle.label}.{fmt}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The steering group's approval -----------------------------------------------------------


def approval_readers(actor: access.Actor) -> bool:
    return actor.is_secretariat or actor.is_monitoring_committee or actor.is_steering_group


def signed_off_report(user: Any, label: str) -> MonitoringReport:
    """The report's approval is read once the committee signed it off, by its readers."""
    if not approval_readers(access.actor_for(user)):
        raise Http404
    report = (
        MonitoringReport.objects.visible_to(user)
        .select_related("cycle", "approval", "summary_approval")
        .filter(cycle__label=label)
        .exclude(state=State.DRAFT)
        .first()
    )
    if report is None:
        raise Http404
    return report


def default_closing() -> datetime.datetime:
    """Proposals on a report close in two weeks, at five in the afternoon."""
    day = timezone.localdate() + datetime.timedelta(days=14)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 0)))


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("To approve"),
        choices=[
            (actions.REPORT, gettext_lazy("The monitoring report")),
            (
                actions.SUMMARY,
                gettext_lazy("Its public summary (published once both are approved)"),
            ),
        ],
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Voting closes at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=limits.LINE, required=False)
    text = forms.CharField(
        label=gettext_lazy("Text of the proposal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        **limits.text_field(
            limits.TEXT, help_text=gettext_lazy("Leave empty for the standard text.")
        ),
    )


@dataclass
class ApprovalLine:
    kind: str
    title: str
    decision: Any = None
    proposal: Any = None


def approval_lines(report: MonitoringReport) -> list[ApprovalLine]:
    return [
        ApprovalLine(
            actions.REPORT,
            _("The monitoring report"),
            report.approval,
            actions.open_proposal(report, actions.REPORT),
        ),
        ApprovalLine(
            actions.SUMMARY,
            _("The public summary"),
            report.summary_approval,
            actions.open_proposal(report, actions.SUMMARY),
        ),
    ]


def _approval_page(
    request: HttpRequest, report: MonitoringReport, form: ProposeForm | None = None
) -> HttpResponse:
    secretariat = access.actor_for(request.user).is_secretariat
    lines = approval_lines(report)
    can_propose = secretariat and any(
        line.decision is None and line.proposal is None for line in lines
    )
    if can_propose and form is None:
        first = next(line.kind for line in lines if line.decision is None and not line.proposal)
        form = ProposeForm(initial={"kind": first, "closes_at": default_closing()})
    return render(
        request,
        "reporting/publication/approval.html",
        {
            "report": report,
            "label": report.cycle.label,
            "lines": lines,
            "form": form if can_propose else None,
            "published": report.state == State.PUBLISHED,
        },
    )


@login_required
@require_GET
def report_approval(request: HttpRequest, label: str) -> HttpResponse:
    return _approval_page(request, signed_off_report(request.user, label))


@login_required
@require_POST
def report_approval_propose(request: HttpRequest, label: str) -> HttpResponse:
    report = signed_off_report(request.user, label)
    access.require(access.actor_for(request.user).is_secretariat)
    form = ProposeForm(request.POST)
    if form.is_valid():
        try:
            proposal = actions.propose_approval(by=request.user, report=report, **form.cleaned_data)
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("Proposal %(number)s is with the steering group.") % {"number": proposal.number},
            )
            return redirect("reporting_report_approval", label=label)
    return _approval_page(request, signed_off_report(request.user, label), form)


# --- The trend across all cycles -------------------------------------------------------------


def trend_readers(actor: access.Actor) -> bool:
    return actor.is_monitoring_committee or actor.is_secretariat or actor.is_steering_group


def live_readers(actor: access.Actor) -> bool:
    """Figures of a cycle not signed off: the committee and the secretariat only."""
    return actor.is_monitoring_committee or actor.is_secretariat


@dataclass
class TrendPoint:
    label: str
    name: str
    reference_date: str
    signed_off: bool
    shown: bool  # False: not signed off, and this reader waits for sign-off
    share: float | None = None
    asset_share: float | None = None
    positive: int | None = None
    counted: int | None = None
    target: float | None = None
    restated_share: float | None = None
    restated_asset_share: float | None = None

    @property
    def restated(self) -> bool:
        return self.restated_share is not None or self.restated_asset_share is not None


@dataclass
class TrendLine:
    code: str
    name: str
    points: list[TrendPoint] = field(default_factory=list)
    chart: SafeString | str = ""


def _comparable(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row.get("positive"),
        row.get("counted"),
        str(row.get("assets_positive")),
        str(row.get("assets_counted")),
    )


def trend(user: Any) -> list[TrendLine]:
    """Per main indicator, its share of funds and of assets per cycle (oldest first) with the
    target: from the frozen snapshot where the report is signed off (and the restated value
    where a correction changed it since), else computed now and marked so."""
    actor = access.actor_for(user)
    if not trend_readers(actor):
        raise Http404
    live = live_readers(actor)
    # The cycles its reader may know: all of them for the covenant's parties, the committee
    # and the secretariat; those whose report it reads for the steering group's chair.
    known = {c.pk: c for c in Cycle.objects.visible_to(user).select_related("framework")}
    for readable in MonitoringReport.objects.visible_to(user).select_related("cycle__framework"):
        known.setdefault(readable.cycle_id, readable.cycle)
    cycles = sorted(
        (c for c in known.values() if c.state != Cycle.State.DRAFT),
        key=lambda c: (c.reference_date, c.label),
    )
    frozen = {
        r.cycle_id: r
        for r in MonitoringReport.objects.visible_to(user)
        .filter(cycle__in=cycles)
        .exclude(state=State.DRAFT)
    }
    targets: dict[int, dict[str, float]] = {}
    for t in Target.objects.visible_to(user).filter(cycle__in=cycles):
        targets.setdefault(t.cycle_id, {})[t.indicator_code] = float(t.share)
    english = rendering.english()
    per_cycle: list[tuple[Cycle, MonitoringReport | None, dict[str, Any], dict[str, Any]]] = []
    lines: dict[str, TrendLine] = {}
    for cycle in cycles:
        report = frozen.get(cycle.pk)
        now: dict[str, dict[str, Any]] = {}
        if report is not None or live:
            now = {
                row["code"]: row
                for row in figures_module.core(cycle).rows
                if row.get("level") == "main"
            }
        rows = now
        if report is not None and report.figures:
            rows = {
                row["code"]: row
                for row in report.figures.get("indicators") or []
                if row.get("level") == "main"
            }
        for code, row in rows.items():
            name = row.get("name_en") if english else row.get("name")
            lines.setdefault(code, TrendLine(code, str(name or code)))
        per_cycle.append((cycle, report, rows, now))
    for cycle, report, rows, now in per_cycle:
        for code, line in lines.items():
            row = rows.get(code) or {}
            point = TrendPoint(
                label=cycle.label,
                name=cycle.name,
                reference_date=cycle.reference_date.isoformat(),
                signed_off=report is not None,
                shown=report is not None or live,
                target=targets.get(cycle.pk, {}).get(code, row.get("target")),
            )
            if point.shown and row:
                point.share = row.get("share")
                point.asset_share = row.get("asset_share")
                point.positive = row.get("positive")
                point.counted = row.get("counted")
                again = now.get(code)
                if report is not None and again and _comparable(again) != _comparable(row):
                    point.restated_share = again.get("share")
                    point.restated_asset_share = again.get("asset_share")
            line.points.append(point)
    result = list(lines.values())
    for line in result:
        line.chart = trend_chart(line)
    return result


# The chart: lines of the share by count (solid) and by assets (dashed), target marks.
CW, CH, CL, CB, CT, CR = 520, 200, 36, 40, 12, 12


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def trend_chart(line: TrendLine) -> SafeString:
    """An inline SVG (no script): per cycle a point on the line of the share by count and on
    the dashed line of the share by assets, the target as a short bar; a restated figure as
    a hollow ring beside its point; a cycle not signed off is drawn in grey."""
    points = line.points
    if not points:
        return mark_safe("")
    plot_w, plot_h = CW - CL - CR, CH - CB - CT
    step = plot_w / max(1, len(points))

    def x(i: int) -> float:
        return round(CL + step * (i + 0.5), 1)

    def y(share: float) -> float:
        return round(CT + plot_h * (1 - max(0.0, min(100.0, share)) / 100), 1)

    parts: list[Any] = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" width="{}" height="{}" '
            'viewBox="0 0 {} {}" role="img" aria-labelledby="trend-{}-title">'
            '<title id="trend-{}-title">{}</title>',
            CW,
            CH,
            CW,
            CH,
            line.code,
            line.code,
            _(
                "%(indicator)s: share of funds positive (line) and of their assets (dashed) per "
                "measurement, with the target"
            )
            % {"indicator": line.name},
        )
    ]
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>'
                '<text x="{}" y="{}" font-size="10" text-anchor="end">{}%</text>',
                CL,
                CW - CR,
                y(tick),
                y(tick),
                CL - 4,
                y(tick) + 3,
                tick,
            )
        )
    for key, dash, colour in (("share", "", "#1f5f8b"), ("asset_share", "5 3", "#b3541e")):
        coords = [
            (x(i), y(getattr(p, key))) for i, p in enumerate(points) if getattr(p, key) is not None
        ]
        if len(coords) > 1:
            parts.append(
                format_html(
                    '<polyline fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}" '
                    'points="{}"/>',
                    colour,
                    dash or "none",
                    " ".join(f"{a},{b}" for a, b in coords),
                )
            )
        for i, p in enumerate(points):
            value = getattr(p, key)
            if value is None:
                continue
            fill = colour if p.signed_off else "#999"
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{}: {}</title></circle>',
                    x(i),
                    y(value),
                    fill,
                    p.name,
                    _pct(value),
                )
            )
            restated = getattr(p, f"restated_{key}")
            if restated is not None:
                parts.append(
                    format_html(
                        '<circle cx="{}" cy="{}" r="5" fill="none" stroke="{}" '
                        'stroke-dasharray="2 2"><title>{}</title></circle>',
                        x(i) + 8,
                        y(restated),
                        colour,
                        _("%(name)s restated: %(share)s")
                        % {"name": p.name, "share": _pct(restated)},
                    )
                )
    for i, p in enumerate(points):
        if p.target is not None:
            parts.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#c0392b" stroke-width="3">'
                    "<title>{}</title></line>",
                    x(i) - 10,
                    x(i) + 10,
                    y(p.target),
                    y(p.target),
                    _("Target: %(share)s") % {"share": _pct(p.target)},
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                x(i),
                CH - CB + 14,
                p.label,
            )
        )
    parts.append(mark_safe("</svg>"))
    return format_html_join("", "{}", ((p,) for p in parts))


@login_required
@require_GET
def trend_page(request: HttpRequest) -> HttpResponse:
    lines = trend(request.user)
    live = live_readers(access.actor_for(request.user))
    return render(request, "reporting/publication/trend.html", {"lines": lines, "live": live})


# --- The annual meeting pack -----------------------------------------------------------------


def pack_section(user: Any, meeting: Any) -> dict[str, Any] | None:
    """The latest report published by the meeting's date: its summary and its figures per
    main indicator after disclosure control (every reader of the pack may read it)."""
    day = timezone.localtime(meeting.starts_at).date()
    report = published_reports(user).filter(published_on__lte=day).first()
    if report is None:
        return {"report": None}
    view = public_view(report)
    return {
        "report": report,
        "summary": report.summary_in(),
        "mains": view.mains,
        "digest": report.figures_digest,
        "url": reverse("monitoring_report", args=[report.cycle.label]),
    }
