"""Views of reporting: the monitoring report: the figures per indicator by count and by invested
assets, frozen at sign-off, rendered as HTML, PDF and XLSX.

Who reads what: the committee and the secretariat always (before sign-off a live draft,
computed now and marked so); the steering group once the committee signed it off; everyone
once it is published. Anyone else is told nothing (404). Every rendering shows the figures
after disclosure control and the snapshot's digest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.reporting import figures
from convenant.reporting import render as rendering_module
from convenant.reporting.actions import report as actions
from convenant.reporting.models import Cycle, MonitoringReport


@dataclass
class Found:
    cycle: Cycle
    report: MonitoringReport | None

    @property
    def frozen(self) -> bool:
        return self.report is not None and self.report.state != MonitoringReport.State.DRAFT


def may_preview(user: Any) -> bool:
    """The committee and the secretariat see the report while it is a draft."""
    actor = access.actor_for(user)
    return actor.is_monitoring_committee or actor.is_secretariat


def find(user: Any, label: str) -> Found:
    """The cycle's report as this person may read it: signed off (or later) for its readers,
    the draft for the committee and the secretariat; otherwise 404."""
    report = (
        MonitoringReport.objects.visible_to(user)
        .select_related("cycle", "cycle__framework")
        .filter(cycle__label=label)
        .first()
    )
    if report is not None and report.state != MonitoringReport.State.DRAFT:
        return Found(report.cycle, report)
    if not may_preview(user):
        raise Http404
    cycle = Cycle.objects.visible_to(user).filter(label=label).first()
    if cycle is None:
        raise Http404
    return Found(cycle, report)


def view_of(found: Found) -> rendering_module.Rendering:
    if found.frozen:
        assert found.report is not None and found.report.figures is not None
        return rendering_module.rendering(
            found.report.figures, found.report.figures_digest, draft=False, report=found.report
        )
    live = figures.compute(found.cycle)
    return rendering_module.rendering(live, figures.digest(live), draft=True, report=found.report)


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("Public summary (Dutch)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=limits.TEXT,
        help_text=limits.hint(limits.TEXT),
    )
    summary_en = forms.CharField(
        label=gettext_lazy("Public summary (English)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=limits.TEXT,
        help_text=limits.hint(limits.TEXT),
        required=False,
    )


class SignOffForm(forms.Form):
    """Nothing to fill in: the button. Errors of the action are shown on it."""


def may_sign(user: Any) -> bool:
    try:
        actions._committee(user)
    except PermissionDenied:
        return False
    return True


def _page(
    request: HttpRequest,
    found: Found,
    *,
    summary_form: SummaryForm | None = None,
    sign_off_form: SignOffForm | None = None,
    error: str = "",
) -> HttpResponse:
    committee = not found.frozen and may_sign(request.user)
    report = found.report
    context: dict[str, Any] = {
        "found": found,
        "view": view_of(found),
        "label": found.cycle.label,
        "state_label": (
            MonitoringReport.State(report.state).label
            if report
            else MonitoringReport.State.DRAFT.label
        ),
        "committee": committee,
        "pending": actions.pending_review(found.cycle) if not found.frozen else [],
        "signed_off_at": report.signed_off_at if report else None,
        "error": error,
    }
    if committee:
        context["summary_form"] = summary_form or SummaryForm(
            initial={
                "summary": report.summary if report else "",
                "summary_en": report.summary_en if report else "",
            }
        )
        context["sign_off_form"] = sign_off_form or SignOffForm()
    return render(request, "reporting/report/page.html", context)


@dataclass
class Listed:
    cycle: Cycle
    report: MonitoringReport | None

    @property
    def state_label(self) -> str:
        state = self.report.state if self.report else MonitoringReport.State.DRAFT
        return str(MonitoringReport.State(state).label)


def listed_for(user: Any) -> list[Listed]:
    """The reports this person may open: every cycle's for the committee and the secretariat
    (a draft is previewed), the signed-off (or later) ones for their other readers."""
    if may_preview(user):
        reports = {
            r.cycle_id: r
            for r in MonitoringReport.objects.visible_to(user).filter(
                cycle__in=Cycle.objects.visible_to(user)
            )
        }
        return [
            Listed(c, reports.get(c.pk))
            for c in Cycle.objects.visible_to(user).exclude(state=Cycle.State.DRAFT)
        ]
    return [
        Listed(r.cycle, r)
        for r in MonitoringReport.objects.visible_to(user)
        .exclude(state=MonitoringReport.State.DRAFT)
        .select_related("cycle")
    ]


def reads_reports(actor: access.Actor) -> bool:
    """Whom the menu leads to the reports: the committee, the secretariat, the steering
    group (everyone else reads the published ones on the public pages)."""
    return actor.is_monitoring_committee or actor.is_secretariat or actor.is_steering_group


@login_required
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/report/index.html", {"rows": listed_for(request.user)})


@login_required
@require_GET
def report_page(request: HttpRequest, label: str) -> HttpResponse:
    return _page(request, find(request.user, label))


@login_required
@require_POST
def report_summary(request: HttpRequest, label: str) -> HttpResponse:
    found = find(request.user, label)
    form = SummaryForm(request.POST)
    failed = ""
    if form.is_valid():
        try:
            actions.write_report_summary(
                by=request.user,
                cycle=found.cycle,
                summary=form.cleaned_data["summary"],
                summary_en=form.cleaned_data["summary_en"],
            )
        except ActionError as error:
            show_on_form(form, error)
            failed = error.messages[0]
        else:
            messages.success(request, _("The public summary was saved."))
            return redirect("reporting_report", label=found.cycle.label)
    return _page(request, find(request.user, label), summary_form=form, error=failed)


@login_required
@require_POST
def report_sign_off(request: HttpRequest, label: str) -> HttpResponse:
    found = find(request.user, label)
    form = SignOffForm(request.POST)
    try:
        actions.sign_off_report(by=request.user, cycle=found.cycle)
    except ActionError as error:
        form.is_valid()
        show_on_form(form, error)
        return _page(request, found, sign_off_form=form, error=error.messages[0])
    messages.success(
        request,
        _("The report was signed off: its figures are frozen and the steering group may read it."),
    )
    return redirect("reporting_report", label=found.cycle.label)


FORMATS = {
    "html": ("text/html; charset=utf-8", rendering_module.as_html),
    "pdf": ("application/pdf", rendering_module.as_pdf),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        rendering_module.as_xlsx,
    ),
}


@login_required
@require_GET
def report_download(request: HttpRequest, label: str, fmt: str) -> HttpResponse:
    """The signed-off report as a file: only the frozen snapshot is ever downloaded."""
    found = find(request.user, label)
    if not found.frozen or fmt not in FORMATS:
        raise Http404
    content_type, make = FORMATS[fmt]
    body = make(view_of(found))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="monitoring-report-{found.cycle.label}.{fmt}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
