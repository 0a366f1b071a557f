"""Pages of the issuer register. Reads through visible_to; writes through portfolios.actions."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convenant.core import access, limits, panels
from convenant.core.errors import ActionError
from convenant.core.http import AuthenticatedHttpRequest
from convenant.portfolios import actions
from convenant.portfolios.actions.rates import RATES_MAX_BYTES, RatesRejected, parse_rates
from convenant.portfolios.identifiers import country_code
from convenant.portfolios.models import (
    ExchangeRate,
    Issuer,
    IssuerAlias,
    IssuerClassification,
    IssuerIdentifier,
    Position,
)


@login_required
def issuer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    issuers = Issuer.objects.visible_to(request.user).current()
    q = request.GET.get("q", "").strip()[:200]
    country = country_code(request.GET.get("country", "")) or ""
    if q:
        issuers = issuers.search(q)
    if country:
        issuers = issuers.filter(country_of_incorporation=country)
    page = Paginator(issuers.order_by("legal_name", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request, "portfolios/issuer_list.html", {"page": page, "q": q, "country": country}
    )


@login_required
def issuer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    issuer = access.get_visible_or_404(Issuer.objects.select_related("parent"), request.user, pk=pk)
    if issuer.merged_into_id is not None:  # a merged duplicate redirects to the survivor
        return redirect("issuer_detail", pk=issuer.resolved().pk)
    subsidiaries = Issuer.objects.visible_to(request.user).filter(parent=issuer)
    group = [issuer.pk, *subsidiaries.values_list("pk", flat=True)]
    actor = access.actor_for(request.user)
    my_positions = (
        Position.objects.visible_to(request.user)
        .in_latest_snapshots()
        .filter(issuer__in=group)
        .select_related("snapshot__fund")
        .order_by("-value_eur")[:100]
    )
    leverage = None
    if access.can_see_covenant_aggregates(actor):
        # Joint leverage: how many funds hold the group and together how much, never which.
        leverage = (
            Position.objects.aggregatable_by(request.user)
            .in_latest_snapshots()
            .filter(issuer__in=group)
            .aggregate(
                funds=Count("snapshot__fund", distinct=True),
                value=Sum("value_eur"),
                ownership=Sum("ownership_pct"),
                voting=Sum("voting_pct"),
            )
        )
        if leverage["funds"] < settings.AGGREGATE_MIN_FUNDS:  # a total of one or two funds
            # Not even the count: "1 fund" beside a known mandate would name the fund.
            leverage.update(
                funds=None,
                value=None,
                ownership=None,
                voting=None,
                withheld=True,
                minimum=settings.AGGREGATE_MIN_FUNDS,
            )
    return render(
        request,
        "portfolios/issuer_detail.html",
        {
            "issuer": issuer,
            "my_positions": my_positions,
            "leverage": leverage,
            "isins": IssuerIdentifier.objects.visible_to(request.user).filter(issuer=issuer),
            "classifications": IssuerClassification.objects.visible_to(request.user).filter(
                issuer=issuer
            ),
            "aliases": IssuerAlias.objects.visible_to(request.user).filter(issuer=issuer),
            "subsidiaries": Issuer.objects.visible_to(request.user).current().filter(parent=issuer),
            "merged_from": Issuer.objects.visible_to(request.user).filter(merged_into=issuer),
            "can_merge": access.can_administer_covenant(access.actor_for(request.user)),
            # What higher apps know of the company (its risks, the signals about it), each
            # at the level this reader may see (core.panels: portfolios imports neither).
            "panels": panels.issuer_panels(request, issuer),
        },
    )


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(
        label=gettext_lazy("Number of the duplicate issuer"),
        help_text=gettext_lazy("The duplicate's identifiers and names will lead to this issuer."),
    )


@login_required
def issuer_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survivor = access.get_visible_or_404(Issuer, request.user, pk=pk)
    access.require(access.can_administer_covenant(access.actor_for(request.user)))
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        duplicate = (
            Issuer.objects.visible_to(request.user)
            .filter(pk=form.cleaned_data["duplicate"])
            .first()
        )
        if duplicate is None:
            form.add_error("duplicate", _("There is no issuer with this number."))
        else:
            try:
                actions.merge_issuers(by=request.user, duplicate=duplicate, into=survivor)
            except ActionError as error:
                form.add_error(None, error.messages[0])
            else:
                messages.success(
                    request,
                    _("%(duplicate)s was merged into %(issuer)s.")
                    % {"duplicate": duplicate, "issuer": survivor},
                )
                return redirect(survivor)
    return render(request, "portfolios/issuer_merge.html", {"form": form, "issuer": survivor})


class RatesForm(forms.Form):
    rates = forms.CharField(
        label=gettext_lazy("Rates"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        **limits.text_field(
            limits.PASTE,
            help_text=gettext_lazy(
                "One rate per line: date, currency, units of that currency per euro "
                "(e.g. 2024-12-31,USD,1.0389), as the ECB publishes them."
            ),
        ),
    )


class RatesFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Rate file"),
        help_text=gettext_lazy(
            "The ECB's euro reference-rate history as published (eurofxref-hist.csv or its "
            ".zip), or a CSV of date, currency, rate lines. Days already known are corrected "
            "where the value differs; a file with a bad cell changes nothing."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.zip,text/csv,application/zip"}),
    )


@login_required
def exchange_rates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rate table: everyone signed in reads it, the secretariat keeps it (by pasting
    rates or by uploading a rate file, such as the ECB's history)."""
    can_edit = access.can_administer_covenant(access.actor_for(request.user))
    # The upload form's button is named "upload" (a file may also come without it).
    uploading = request.method == "POST" and ("file" in request.FILES or "upload" in request.POST)
    form = RatesForm(None if uploading else request.POST or None)
    file_form = RatesFileForm(
        request.POST if uploading else None, request.FILES if uploading else None
    )
    if request.method == "POST":
        access.require(can_edit)
        if uploading and file_form.is_valid():
            upload = file_form.cleaned_data["file"]
            try:
                if upload.size > RATES_MAX_BYTES:
                    raise ActionError(_("The file is too large to be a rate file."))
                report = actions.load_exchange_rates(
                    by=request.user, data=upload.read(), filename=upload.name
                )
            except RatesRejected as error:
                file_form.add_error("file", error.problems)
            except ActionError as error:
                file_form.add_error("file", error.messages[0])
            else:
                messages.success(
                    request,
                    _(
                        "%(file)s: %(rates)s rates of %(currencies)s currencies loaded: "
                        "%(added)s added, %(corrected)s corrected, %(unchanged)s unchanged."
                    )
                    % {
                        "file": upload.name,
                        "rates": report.read,
                        "currencies": len(report.currencies),
                        "added": report.added,
                        "corrected": report.corrected,
                        "unchanged": report.unchanged,
                    },
                )
                return redirect("exchange_rates")
        elif not uploading and form.is_valid():
            try:
                count = actions.set_exchange_rates(
                    by=request.user, rates=parse_rates(form.cleaned_data["rates"])
                )
            except ActionError as error:
                form.add_error("rates", error.messages[0])
            else:
                messages.success(request, _("%(count)s rates saved.") % {"count": count})
                return redirect("exchange_rates")
    rates = ExchangeRate.objects.visible_to(request.user)
    page = Paginator(rates, 60).get_page(request.GET.get("page"))
    return render(
        request,
        "portfolios/exchange_rates.html",
        {"page": page, "form": form, "file_form": file_form, "can_edit": can_edit},
    )
