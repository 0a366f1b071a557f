"""Views of outsourcing: the reporting requirements agreed per mandate, the provider reports
received per period and what is missing, and a fund's dashboard of the shares of its mandates
with clauses and with reporting in place, by count and by invested amount.

Every read goes through ``visible_to(user)``: a fund's mandates are its members' (and the
secretariat's for administration); the dashboard is the fund's own, the covenant's figures are
counts only for the secretariat and the steering group."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.core.http import content_type_of, extension_of, private_download
from convenant.outsourcing import kpis, periods
from convenant.outsourcing.actions import monitoring as actions
from convenant.outsourcing.models import Mandate, ProviderReport, ReportingRequirement
from convenant.parties.models import Party

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- What is missing, per mandate -----------------------------------------------------------


@dataclass
class RequirementState:
    requirement: ReportingRequirement
    due: list[periods.Period]
    missing: list[periods.Period] = field(default_factory=list)

    @property
    def missing_labels(self) -> list[str]:
        return [p.label(self.requirement.frequency) for p in self.missing]


def reporting_of(user: Any, mandate: Mandate, on: datetime.date) -> list[RequirementState]:
    """Each requirement of the mandate with the periods due and those no report covers."""
    requirements = list(ReportingRequirement.objects.visible_to(user).filter(mandate=mandate))
    spans: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for requirement_id, start, end in (
        ProviderReport.objects.visible_to(user)
        .filter(mandate=mandate, covers__isnull=False)
        .values_list("covers", "period_start", "period_end")
    ):
        spans.setdefault(requirement_id, []).append((start, end))
    states = []
    for r in requirements:
        due = periods.due_periods(r.frequency, r.since, on, mandate.end_date)
        missing = periods.missing_periods(
            r.frequency, r.since, on, spans.get(r.pk, []), mandate.end_date
        )
        states.append(RequirementState(r, due, missing))
    return states


def _mandate(request: HttpRequest, pk: int) -> Mandate:
    return access.get_visible_or_404(
        Mandate.objects.select_related("provider"), request.user, pk=pk
    )


def _may_edit(request: HttpRequest, mandate: Mandate) -> bool:
    return access.actor_for(request.user).has_role(mandate.fund_id, access.Role.EDITOR)


def _mandate_link(mandate: Mandate) -> str | None:
    """The mandate's own page (the mandates area), when it exists."""
    from django.urls import NoReverseMatch

    try:
        return reverse("outsourcing_mandate_detail", args=[mandate.pk])
    except NoReverseMatch:
        return None


@login_required
@require_GET
def mandate_reporting(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = _mandate(request, pk)
    today = timezone.localdate()
    reports = (
        ProviderReport.objects.visible_to(request.user)
        .filter(mandate=mandate)
        .prefetch_related("covers")
    )
    return render(
        request,
        "outsourcing/monitoring/reporting.html",
        {
            "mandate": mandate,
            "fund": Party.objects.get(pk=mandate.fund_id),
            "states": reporting_of(request.user, mandate, today),
            "reports": reports,
            "may_edit": _may_edit(request, mandate),
            "may_download": access.actor_for(request.user).has_role(mandate.fund_id),
            "mandate_link": _mandate_link(mandate),
        },
    )


class RequirementForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("What is reported"), **limits.text_field(limits.LINE)
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"), choices=ReportingRequirement.Frequency.choices
    )
    since = forms.DateField(label=gettext_lazy("Agreed from"), widget=DATE)
    model_version = forms.ModelChoiceField(
        label=gettext_lazy("Following the toolkit's model requirement"),
        queryset=ReportingRequirement.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from convenant.toolkit.models import TextKind, TextVersion

        field = self.fields["model_version"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            TextVersion.objects.visible_to(user)
            .in_force()
            .filter(text__kind=TextKind.REPORTING_REQUIREMENT)
            .select_related("text")
        )
        field.label_from_instance = lambda v: f"{v.title_in()} (v{v.number})"  # type: ignore[method-assign, assignment]


class ReportForm(forms.Form):
    period_start = forms.DateField(label=gettext_lazy("Period from"), widget=DATE)
    period_end = forms.DateField(label=gettext_lazy("Period until"), widget=DATE)
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=DATE)
    covers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("The requirements it covers"),
        queryset=ReportingRequirement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(
        label=gettext_lazy("The report (PDF or office document)"), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.MESSAGE),
    )

    def __init__(self, *args: Any, user: Any, mandate: Mandate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["covers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = ReportingRequirement.objects.visible_to(user).filter(mandate=mandate)
        field.label_from_instance = lambda r: (  # type: ignore[method-assign, assignment]
            f"{r.description} ({ReportingRequirement.Frequency(r.frequency).label})"
        )


def _form_page(
    request: HttpRequest, mandate: Mandate, form: forms.Form, title: str, multipart: bool
) -> HttpResponse:
    return render(
        request,
        "outsourcing/monitoring/form.html",
        {"mandate": mandate, "form": form, "title": title, "multipart": multipart},
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirement_add(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = _mandate(request, pk)
    access.require(_may_edit(request, mandate))
    form = RequirementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.agree_reporting_requirement(
                by=request.user, mandate=mandate, **form.cleaned_data
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The reporting requirement was recorded."))
            return redirect("outsourcing_mandate_reporting", mandate.pk)
    return _form_page(request, mandate, form, _("A reporting requirement"), False)


@login_required
@require_http_methods(["GET", "POST"])
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = _mandate(request, pk)
    access.require(_may_edit(request, mandate))
    form = ReportForm(
        request.POST or None, request.FILES or None, user=request.user, mandate=mandate
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d["file"]
        try:
            if upload and upload.size > actions.max_report_bytes():
                raise ActionError(
                    _("A report may be at most %(mb)d MB.")
                    % {"mb": actions.max_report_bytes() // 2**20},
                    field="file",
                )
            actions.record_provider_report(
                by=request.user,
                mandate=mandate,
                period_start=d["period_start"],
                period_end=d["period_end"],
                received_on=d["received_on"],
                covers=d["covers"],
                data=upload.read() if upload else None,
                note=d["note"],
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The provider's report was recorded."))
            return redirect("outsourcing_mandate_reporting", mandate.pk)
    return _form_page(request, mandate, form, _("A provider's report"), True)


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A provider's report, to the fund's own members only (the secretariat administers the
    mandate, not its content); always as a download, never rendered in the page."""
    report = access.get_visible_or_404(
        ProviderReport.objects.select_related("mandate"), request.user, pk=pk
    )
    access.require(access.actor_for(request.user).has_role(report.mandate.fund_id))
    name = report.file.name
    period = f"{report.period_start.isoformat()}-{report.period_end.isoformat()}"
    return private_download(
        actions.report_storage(),
        name,
        filename=f"report-{period}.{extension_of(name)}",
        content_type=content_type_of(name, actions.REPORT_TYPES),
    )


# --- The dashboard --------------------------------------------------------------------------


def funds_of(actor: access.Actor) -> list[Party]:
    return list(Party.objects.filter(pk__in=actor.fund_ids).order_by("name"))


def fund_dashboard(user: Any, fund: Party, on: datetime.date) -> dict[str, Any]:
    """The fund's shares and each running mandate with what is in place, read through
    ``visible_to`` (the same figures as ``kpis.fund_shares``)."""
    running = (
        Mandate.objects.visible_to(user)
        .filter(fund=fund)
        .running(on)
        .select_related("provider")
        .order_by("provider__name", "start_date")
    )
    facts = kpis.mandate_facts(running, on)
    return {
        "shares": kpis.shares_of(facts.values(), on),
        "rows": [{"mandate": m, "facts": facts[m.pk]} for m in running],
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = access.actor_for(request.user)
    if not actor.fund_ids:
        if access.can_see_covenant_aggregates(actor):
            return redirect("outsourcing_covenant")
        access.require(False)
    funds = funds_of(actor)
    wanted = request.GET.get("fund", "")
    fund = next((f for f in funds if str(f.pk) == wanted), funds[0])
    on = timezone.localdate()
    return render(
        request,
        "outsourcing/monitoring/dashboard.html",
        {"fund": fund, "funds": funds, "on": on, **fund_dashboard(request.user, fund, on)},
    )


def dashboard_panel(request: HttpRequest, actor: access.Actor) -> dict[str, Any] | None:
    """On the home dashboard: each of the person's funds with running mandates, its shares
    with the clauses and with reporting in place (by count)."""
    if not actor.fund_ids:
        return None
    on = timezone.localdate()
    rows = []
    for fund in funds_of(actor):
        shares = fund_dashboard(request.user, fund, on)["shares"]
        if shares.mandates:
            rows.append({"fund": fund, "shares": shares})
    return {"rows": rows} if rows else None


@login_required
@require_GET
def covenant(request: HttpRequest) -> HttpResponse:
    access.require(access.can_see_covenant_aggregates(access.actor_for(request.user)))
    return render(
        request,
        "outsourcing/monitoring/covenant.html",
        {"shares": kpis.covenant_shares(), "minimum": settings.AGGREGATE_MIN_FUNDS},
    )
