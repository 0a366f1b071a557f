"""Governance views: the budget (the steering group's and the secretariat's), external
communication (public once approved) and the annual covenant meeting's invitation and pack."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.core.exports import inert_cell
from convenant.core.http import AuthenticatedHttpRequest
from convenant.governance import annual
from convenant.governance.actions import budget as actions
from convenant.governance.models import (
    Body,
    BudgetLine,
    CommunicationAgreement,
    Contribution,
    Decision,
    PressStatement,
    Spending,
)
from convenant.parties.models import Covenant, Party


def can_see_budget(actor: access.Actor) -> bool:
    """The budget is the steering group's and the secretariat's (FinanceQuerySet)."""
    return actor.is_secretariat or actor.is_steering_group


def _covenant() -> Covenant:
    covenant = Covenant.objects.order_by("-start_date").first()
    if covenant is None:
        raise Http404
    return covenant


# --- The yearly overview ---------------------------------------------------------------------

ZERO = Decimal("0.00")


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part * 100 / whole).quantize(Decimal("0.1")) if whole else None


def budget_years(user: Any) -> list[int]:
    lines = BudgetLine.objects.visible_to(user).values_list("year", flat=True)
    paid = Contribution.objects.visible_to(user).values_list("year", flat=True)
    return sorted(set(lines) | set(paid))


def budget_overview(user: Any, covenant: Covenant, year: int) -> dict[str, Any]:
    """Per line the budget, what was spent, what remains and the share used; the parties'
    contributions promised and paid; and the totals. Exact decimals throughout."""
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
    lines = list(
        BudgetLine.objects.visible_to(user)
        .filter(covenant=covenant, year=year)
        .annotate(spent=Coalesce(Sum("spending__amount_eur"), Value(ZERO), output_field=money))
        .order_by("code")
    )
    rows = [
        {
            "line": line,
            "budget": line.amount_eur,
            "spent": line.spent,
            "remaining": line.amount_eur - line.spent,
            "used": _percent(line.spent, line.amount_eur),
            "over": line.spent > line.amount_eur,
        }
        for line in lines
    ]
    contributions = list(
        Contribution.objects.visible_to(user)
        .filter(covenant=covenant, year=year)
        .select_related("party")
        .order_by("party__name")
    )
    budget = sum((r["budget"] for r in rows), ZERO)
    spent = sum((r["spent"] for r in rows), ZERO)
    promised = sum((c.amount_eur for c in contributions), ZERO)
    paid = sum((c.amount_eur for c in contributions if c.paid_on), ZERO)
    return {
        "year": year,
        "rows": rows,
        "contributions": contributions,
        "totals": {
            "budget": budget,
            "spent": spent,
            "remaining": budget - spent,
            "used": _percent(spent, budget),
            "promised": promised,
            "paid": paid,
            "unpaid": promised - paid,
            "paid_share": _percent(paid, promised),
        },
    }


def _year(request: HttpRequest, years: list[int]) -> int:
    """The year asked for (?year=), else the latest with a budget, else this year."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and actions.FIRST_YEAR <= int(raw) <= actions.LAST_YEAR:
        return int(raw)
    if raw:
        messages.warning(
            request, _("“%(year)s” is not a year: showing the latest.") % {"year": raw}
        )
    this_year = timezone.localdate().year
    return max((y for y in years if y <= this_year), default=years[-1] if years else this_year)


@login_required
@require_GET
def budget(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = access.actor_for(request.user)
    access.require(can_see_budget(actor))
    years = budget_years(request.user)
    year = _year(request, years)
    data = budget_overview(request.user, _covenant(), year)
    spending = (
        Spending.objects.visible_to(request.user)
        .filter(line__year=year)
        .select_related("line", "decision")
        .order_by("-spent_on", "-pk")
    )
    return render(
        request,
        "governance/budget.html",
        {
            **data,
            "years": years,
            "spending": spending,
            "can_edit": access.can_administer_covenant(actor),
        },
    )


EXPORT_COLUMNS = [
    "year",
    "kind",
    "code",
    "name",
    "budget_eur",
    "spent_eur",
    "remaining_eur",
    "used_percent",
    "paid_on",
]


def export_rows(data: dict[str, Any]) -> list[list[object]]:
    """The overview as rows: one per line, one per contribution, then the totals."""
    year, totals = data["year"], data["totals"]
    out: list[list[object]] = []
    for r in data["rows"]:
        out.append(
            [
                year,
                "line",
                r["line"].code,
                r["line"].name,
                r["budget"],
                r["spent"],
                r["remaining"],
                r["used"],
                None,
            ]
        )
    for c in data["contributions"]:
        out.append(
            [
                year,
                "contribution",
                c.party.code,
                c.party.name,
                c.amount_eur,
                None,
                None,
                None,
                c.paid_on,
            ]
        )
    out.append(
        [
            year,
            "total_lines",
            "",
            "",
            totals["budget"],
            totals["spent"],
            totals["remaining"],
            totals["used"],
            None,
        ]
    )
    out.append(
        [
            year,
            "total_contributions",
            "",
            "",
            totals["promised"],
            totals["paid"],
            totals["unpaid"],
            totals["paid_share"],
            None,
        ]
    )
    return [[inert_cell(v) for v in row] for row in out]


@login_required
@require_GET
def budget_export(request: AuthenticatedHttpRequest, year: int, file_format: str) -> HttpResponse:
    """The yearly overview as CSV or XLSX, the same figures as the page."""
    access.require(can_see_budget(access.actor_for(request.user)))
    if file_format not in ("csv", "xlsx") or not actions.FIRST_YEAR <= year <= actions.LAST_YEAR:
        raise Http404
    data = export_rows(budget_overview(request.user, _covenant(), year))
    if file_format == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(f"budget {year}")
        sheet.append(EXPORT_COLUMNS)
        for row in data:
            # A spreadsheet's numbers are floats; the CSV keeps the exact decimals.
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(data)
        response = HttpResponse(
            text.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="budget-{year}.{file_format}"'
    return response


# --- Forms of the secretariat ----------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value: Any) -> str | None:
        return value.isoformat() if isinstance(value, datetime.date) else value


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=actions.FIRST_YEAR, max_value=actions.LAST_YEAR
    )
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20)
    name = forms.CharField(label=gettext_lazy("Budget line"), max_length=200)
    amount_eur = forms.CharField(
        label=gettext_lazy("Budget (EUR)"),
        max_length=30,
        help_text=gettext_lazy("Exact, such as 12500 or 12500.50."),
    )


class ContributionForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=actions.FIRST_YEAR, max_value=actions.LAST_YEAR
    )
    party = forms.ModelChoiceField(label=gettext_lazy("Party"), queryset=Party.objects.none())
    amount_eur = forms.CharField(label=gettext_lazy("Contribution (EUR)"), max_length=30)
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Leave empty while it is not paid."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.visible_to(user).order_by("name")  # type: ignore[attr-defined]


def _steering_decisions(user: Any) -> Any:
    return (
        Decision.objects.visible_to(user)
        .filter(body__kind=Body.Kind.STEERING_GROUP)
        .order_by("-number")
    )


class SpendingForm(forms.Form):
    spent_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300)
    amount_eur = forms.CharField(
        label=gettext_lazy("Amount (EUR)"),
        max_length=30,
        help_text=gettext_lazy("A refund or correction is a negative amount."),
    )
    decision = forms.ModelChoiceField(
        label=gettext_lazy("Under decision"), queryset=Decision.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = Decision.objects.visible_to(user).order_by("-number")  # type: ignore[attr-defined]


def _secretariat_only(request: AuthenticatedHttpRequest) -> None:
    access.require(access.can_administer_covenant(access.actor_for(request.user)))


@login_required
def budget_line_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    line = access.get_visible_or_404(BudgetLine, request.user, pk=pk) if pk else None
    _secretariat_only(request)
    initial = (
        {"year": line.year, "code": line.code, "name": line.name, "amount_eur": line.amount_eur}
        if line
        else {"year": request.GET.get("year") or timezone.localdate().year}
    )
    form = BudgetLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_budget_line(
                by=request.user, covenant=_covenant(), line=line, **form.cleaned_data
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("Budget line %(code)s of %(year)s was saved.")
                % {"code": saved.code, "year": saved.year},
            )
            return redirect(f"{reverse('budget')}?year={saved.year}")
    title = _("Edit budget line") if line else _("Add a budget line")
    return render(
        request,
        "governance/budget_form.html",
        {"form": form, "title": title, "year": line.year if line else None},
    )


@login_required
def contribution_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    contribution = access.get_visible_or_404(Contribution, request.user, pk=pk) if pk else None
    _secretariat_only(request)
    initial = (
        {
            "year": contribution.year,
            "party": contribution.party_id,
            "amount_eur": contribution.amount_eur,
            "paid_on": contribution.paid_on,
        }
        if contribution
        else {"year": request.GET.get("year") or timezone.localdate().year}
    )
    form = ContributionForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_contribution(
                by=request.user,
                covenant=_covenant(),
                contribution=contribution,
                **form.cleaned_data,
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("The contribution of %(party)s for %(year)s was saved.")
                % {"party": saved.party.name, "year": saved.year},
            )
            return redirect(f"{reverse('budget')}?year={saved.year}")
    title = _("Edit contribution") if contribution else _("Add a contribution")
    return render(
        request,
        "governance/budget_form.html",
        {"form": form, "title": title, "year": contribution.year if contribution else None},
    )


@login_required
def spending_form(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = access.get_visible_or_404(BudgetLine, request.user, pk=pk)
    _secretariat_only(request)
    form = SpendingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_spending(by=request.user, line=line, **form.cleaned_data)
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("The expense was booked on %(line)s.") % {"line": f"{line.code} {line.name}"},
            )
            return redirect(f"{reverse('budget')}?year={line.year}")
    title = _("Book an expense on %(line)s (%(year)s)") % {
        "line": f"{line.code} {line.name}",
        "year": line.year,
    }
    return render(
        request, "governance/budget_form.html", {"form": form, "title": title, "year": line.year}
    )


# --- External communication ------------------------------------------------------------------


def in_force(agreements: Any, on: datetime.date) -> Any:
    return agreements.filter(
        Q(decision__isnull=False),
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
    )


@require_GET
def communication(request: HttpRequest) -> HttpResponse:
    """Public: the agreements in force and the published statements; the steering group and
    the secretariat also see the drafts."""
    today = timezone.localdate()
    agreements = CommunicationAgreement.objects.visible_to(request.user).select_related("decision")
    statements = PressStatement.objects.visible_to(request.user).select_related("decision")
    actor = access.actor_for(request.user)
    sees_drafts = can_see_budget(actor)
    return render(
        request,
        "governance/communication.html",
        {
            "agreements": in_force(agreements, today).order_by("-valid_from", "title"),
            "statements": statements.filter(published_on__isnull=False).order_by("-published_on"),
            "draft_agreements": agreements.exclude(pk__in=in_force(agreements, today).values("pk"))
            if sees_drafts
            else None,
            "draft_statements": statements.filter(published_on__isnull=True).order_by("-created_at")
            if sees_drafts
            else None,
            "can_edit": access.can_administer_covenant(actor),
        },
    )


class AgreementForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    text = forms.CharField(
        label=gettext_lazy("What was agreed"),
        widget=forms.Textarea(attrs={"rows": 6}),
        **limits.text_field(limits.TEXT),
    )
    spokespeople = forms.CharField(
        label=gettext_lazy("Who may speak"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )
    decision = forms.ModelChoiceField(
        label=gettext_lazy("Approved by decision"),
        queryset=Decision.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "The steering group's decision; without it the agreement is a draft."
        ),
    )
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), required=False, widget=DateInput)
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"), required=False, widget=DateInput
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = _steering_decisions(user)  # type: ignore[attr-defined]


class StatementForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    text = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        **limits.text_field(limits.TEXT),
    )
    spokesperson = forms.CharField(
        label=gettext_lazy("Spokesperson"), max_length=200, required=False
    )
    decision = forms.ModelChoiceField(
        label=gettext_lazy("Approved by decision"),
        queryset=Decision.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "A statement can be published only once the steering group approved it."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = _steering_decisions(user)  # type: ignore[attr-defined]


@login_required
def agreement_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    agreement = (
        access.get_visible_or_404(CommunicationAgreement, request.user, pk=pk) if pk else None
    )
    _secretariat_only(request)
    initial = (
        {
            f: getattr(agreement, f)
            for f in ("title", "text", "spokespeople", "decision", "valid_from", "valid_until")
        }
        if agreement
        else None
    )
    form = AgreementForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_agreement(by=request.user, agreement=agreement, **form.cleaned_data)
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The communication agreement was saved."))
            return redirect("communication")
    title = _("Edit communication agreement") if agreement else _("Add a communication agreement")
    return render(request, "governance/communication_form.html", {"form": form, "title": title})


@login_required
def statement_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    statement = access.get_visible_or_404(PressStatement, request.user, pk=pk) if pk else None
    _secretariat_only(request)
    initial = (
        {f: getattr(statement, f) for f in ("title", "text", "spokesperson", "decision")}
        if statement
        else None
    )
    form = StatementForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_statement(by=request.user, statement=statement, **form.cleaned_data)
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The press statement was saved."))
            return redirect("communication")
    title = _("Edit press statement") if statement else _("Draft a press statement")
    return render(
        request,
        "governance/communication_form.html",
        {"form": form, "title": title, "statement": statement},
    )


@login_required
@require_POST
def statement_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    statement = access.get_visible_or_404(PressStatement, request.user, pk=pk)
    _secretariat_only(request)
    try:
        actions.publish_statement(by=request.user, statement=statement)
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("“%(title)s” is marked as published.") % {"title": statement.title}
        )
    return redirect("communication")


# --- The annual covenant meeting -------------------------------------------------------------


def _annual_reader(request: HttpRequest) -> None:
    access.require(annual.can_read(access.actor_for(request.user)))


@login_required
@require_GET
def annual_invitation(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    _annual_reader(request)
    meeting = annual.meeting_of(year)
    return render(
        request,
        "governance/annual_invitation.html",
        {"meeting": meeting, "year": year, "agenda": annual.agenda_of(meeting)},
    )


@login_required
@require_GET
def annual_pack(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    _annual_reader(request)
    pack = annual.build_pack(request.user, annual.meeting_of(year))
    return render(request, "governance/annual_pack.html", {"pack": pack, "year": year})


@login_required
@require_GET
def annual_pack_pdf(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """The same pack as the page, printed by WeasyPrint."""
    _annual_reader(request)
    pack = annual.build_pack(request.user, annual.meeting_of(year))
    response = HttpResponse(annual.as_pdf(request, pack), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="annual-meeting-{year}.pdf"'
    return response


@login_required
@require_GET
def annual_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every annual covenant meeting, with its invitation and pack."""
    _annual_reader(request)
    return render(request, "governance/annual_index.html", {"years": annual.annual_years()})
