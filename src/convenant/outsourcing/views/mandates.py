"""Views of outsourcing: service providers kept once for the covenant (the secretariat merges
duplicates), a fund's mandates with them, the model clauses each contract holds at which version
(verbatim, adapted with its diff, or not included with a reason), superseded clauses and renewal
tasks.

Every read goes through ``visible_to(user)``: a fund's mandates reach its members and the
secretariat (for administration), nobody else (404). Writes go through
``outsourcing.actions.mandates``, which decide who may."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convenant.core import access, limits
from convenant.core.access import Actor
from convenant.core.errors import ActionError, show_on_form
from convenant.core.http import content_type_of, extension_of, private_download
from convenant.outsourcing.actions import mandates as actions
from convenant.outsourcing.models import (
    AssetClass,
    Mandate,
    MandateClause,
    Provider,
    ProviderKind,
    RenewalTask,
)
from convenant.parties.models import Party
from convenant.toolkit.models import ModelText, TextVersion
from convenant.toolkit.views.texts import diff_html

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Forms (parsing only: the actions decide) --------------------------------------------


class ProviderForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), **limits.text_field(limits.LINE))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ProviderKind.choices)
    lei = forms.CharField(
        label=gettext_lazy("LEI"),
        required=False,
        **limits.text_field(
            24, help_text=gettext_lazy("The Legal Entity Identifier, 20 characters, if known.")
        ),
    )
    country = forms.CharField(
        label=gettext_lazy("Country"),
        required=False,
        **limits.text_field(2, help_text=gettext_lazy("Two-letter code, e.g. NL.")),
    )
    website = forms.CharField(
        label=gettext_lazy("Website"), required=False, **limits.text_field(200)
    )


class MergeForm(forms.Form):
    kept = forms.IntegerField(
        label=gettext_lazy("Merge into the provider with number"), min_value=1
    )


class MandateForm(forms.Form):
    fund = forms.ChoiceField(label=gettext_lazy("Fund"))
    provider = forms.ChoiceField(label=gettext_lazy("Provider"))
    asset_class = forms.ChoiceField(label=gettext_lazy("Asset class"), choices=AssetClass.choices)
    invested_eur = forms.DecimalField(
        label=gettext_lazy("Invested amount (EUR)"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        initial=0,
    )
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DATE)
    end_date = forms.DateField(label=gettext_lazy("End date"), required=False, widget=DATE)
    contract_reference = forms.CharField(
        label=gettext_lazy("Contract reference"), required=False, **limits.text_field(100)
    )
    renewal_date = forms.DateField(
        label=gettext_lazy("Renewal date"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("A task to re-check the clauses falls due some months before."),
    )

    def __init__(self, *args: Any, user: Any, mandate: Mandate | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        actor = access.actor_for(user)
        providers = Provider.objects.visible_to(user).kept().order_by("name")
        cast(forms.ChoiceField, self.fields["provider"]).choices = [("", "—")] + [
            (str(p.pk), f"{p.name} ({p.get_kind_display()})") for p in providers
        ]
        if mandate is not None:
            del self.fields["fund"]
        else:
            funds = Party.objects.filter(
                pk__in=actor.party_ids_with(access.Role.EDITOR), type=Party.Type.PENSION_FUND
            ).order_by("name")
            cast(forms.ChoiceField, self.fields["fund"]).choices = [
                (str(f.pk), f.display_name) for f in funds
            ]


class EndForm(forms.Form):
    end_date = forms.DateField(label=gettext_lazy("End date"), widget=DATE)


class ClauseForm(forms.Form):
    inclusion = forms.ChoiceField(
        label=gettext_lazy("In the contract"),
        choices=MandateClause.Inclusion.choices,
        widget=forms.RadioSelect,
    )
    version = forms.ChoiceField(label=gettext_lazy("Version of the model clause"), required=False)
    adapted_text = forms.CharField(
        label=gettext_lazy("The contract's wording (when adapted)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        **limits.text_field(limits.TEXT),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why not included"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.MESSAGE),
    )
    contract_date = forms.DateField(
        label=gettext_lazy("Contract date"), required=False, widget=DATE
    )
    evidence = forms.FileField(
        label=gettext_lazy("Evidence (the contract, PDF or Word)"), required=False
    )
    passage = forms.CharField(
        label=gettext_lazy("Page or article"), required=False, **limits.text_field(limits.LINE)
    )

    def __init__(self, *args: Any, versions: list[TextVersion], **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["version"]).choices = [("", "—")] + [
            (
                str(v.pk),
                _("Version %(n)s (%(status)s)") % {"n": v.number, "status": v.get_status_display()},
            )
            for v in versions
        ]


class TaskDoneForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What the re-check found"),
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.MESSAGE),
    )


# --- Helpers -----------------------------------------------------------------------------


def _run(form: forms.Form, do: Any) -> Any:
    try:
        return do()
    except ActionError as error:
        show_on_form(form, error)
        return None


def _form_page(
    request: HttpRequest, form: forms.Form, title: str, back: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "outsourcing/mandates/form.html",
        {"form": form, "title": title, "back": back} | extra,
    )


def _mandate(request: HttpRequest, pk: int) -> Mandate:
    return access.get_visible_or_404(
        Mandate.objects.select_related("provider", "fund"), request.user, pk=pk
    )


def _editable(request: HttpRequest, pk: int) -> Mandate:
    """The mandate: 404 if it may not be read, 403 if it may be read but not written."""
    mandate = _mandate(request, pk)
    access.require(actions.can_edit(request.user, mandate.fund_id))
    return mandate


# --- Providers ---------------------------------------------------------------------------


@login_required
@require_GET
def provider_list(request: HttpRequest) -> HttpResponse:
    """The providers kept for the covenant (merged ones only on request)."""
    providers = Provider.objects.visible_to(request.user).select_related("merged_into")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        providers = providers.filter(Q(name__icontains=query) | Q(lei__iexact=query))
    merged = request.GET.get("merged") == "1"
    if not merged:
        providers = providers.filter(merged_into__isnull=True)
    kind = request.GET.get("kind", "")
    if kind in ProviderKind.values:
        providers = providers.filter(kind=kind)
    return render(
        request,
        "outsourcing/mandates/provider_list.html",
        {
            "providers": list(providers.order_by("name")[:500]),
            "query": query,
            "merged": merged,
            "kind": kind,
            "kinds": ProviderKind.choices,
            "can_add": actions.can_add_provider(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def provider_add(request: HttpRequest) -> HttpResponse:
    access.require(actions.can_add_provider(request.user))
    form = ProviderForm(request.POST or None)
    existing = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            provider = actions.add_provider(by=request.user, **data)
        except ActionError as error:
            if error.code == "conflict":
                existing = actions.find_duplicate(
                    name=data["name"], country=data["country"].strip().upper(), lei=data["lei"]
                )
            show_on_form(form, error)
        else:
            messages.success(request, _("The provider was added."))
            return redirect("outsourcing_provider_detail", provider.pk)
    return _form_page(
        request,
        form,
        _("Add a service provider"),
        reverse("outsourcing_providers"),
        existing=existing,
    )


@login_required
@require_GET
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = access.get_visible_or_404(
        Provider.objects.select_related("merged_into"), request.user, pk=pk
    )
    # The reader's own mandates with it (a fund's mandates are its own).
    mandates = list(
        Mandate.objects.visible_to(request.user)
        .filter(provider=provider)
        .select_related("fund")
        .order_by("fund__name", "start_date")
    )
    merged = list(Provider.objects.visible_to(request.user).filter(merged_into=provider))
    actor = access.actor_for(request.user)
    return render(
        request,
        "outsourcing/mandates/provider_detail.html",
        {
            "provider": provider,
            "mandates": mandates,
            "merged": merged,
            "merge_form": MergeForm()
            if actor.is_secretariat and not provider.merged_into_id
            else None,
        },
    )


@login_required
@require_POST
def provider_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat merges this provider (the duplicate) into the one kept."""
    duplicate = access.get_visible_or_404(Provider, request.user, pk=pk)
    access.require(access.actor_for(request.user).is_secretariat)
    form = MergeForm(request.POST)
    back = reverse("outsourcing_provider_detail", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Give the number of the provider to keep."))
        return redirect(back)
    kept = Provider.objects.visible_to(request.user).filter(pk=form.cleaned_data["kept"]).first()
    if kept is None:
        messages.error(request, _("There is no provider with this number."))
        return redirect(back)
    try:
        actions.merge_provider(by=request.user, duplicate=duplicate, kept=kept)
    except ActionError as error:
        messages.error(request, error.messages[0])
        return redirect(back)
    messages.success(
        request, _("%(dup)s was merged into %(kept)s.") % {"dup": duplicate.name, "kept": kept.name}
    )
    return redirect("outsourcing_provider_detail", kept.pk)


# --- Mandates ----------------------------------------------------------------------------


@login_required
@require_GET
def mandate_list(request: HttpRequest) -> HttpResponse:
    """The mandates the reader may read (a fund's members: their fund's; the secretariat:
    all, for administration), with those holding a superseded clause marked."""
    actor = access.actor_for(request.user)
    mandates = Mandate.objects.visible_to(request.user).select_related("provider", "fund")
    status = request.GET.get("status", "running")
    if status == "running":
        mandates = mandates.running()
    elif status == "ended":
        mandates = mandates.filter(end_date__lt=timezone.localdate())
    else:
        status = "all"
    rows = list(
        mandates.annotate(
            clauses_in=Count(
                "clauses", filter=~Q(clauses__inclusion=MandateClause.Inclusion.NOT_INCLUDED)
            )
        ).order_by("fund__name", "provider__name", "start_date")[:1000]
    )
    outdated = actions.mandates_with_outdated(request.user, [m.pk for m in rows])
    only_outdated = request.GET.get("outdated") == "1"
    listed = [
        {"mandate": m, "outdated": outdated.get(m.pk, 0)}
        for m in rows
        if not only_outdated or outdated.get(m.pk)
    ]
    return render(
        request,
        "outsourcing/mandates/mandate_list.html",
        {
            "rows": listed,
            "status": status,
            "only_outdated": only_outdated,
            "outdated_count": sum(1 for m in rows if outdated.get(m.pk)),
            "total_eur": sum((m.invested_eur for m in rows), start=0),
            "show_fund": actor.is_secretariat or len(actor.fund_ids) > 1,
            "can_add": bool(actor.party_ids_with(access.Role.EDITOR) & actor.fund_ids),
        },
    )


def _mandate_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "provider": data["provider"] or None,
        "asset_class": data["asset_class"],
        "invested_eur": data["invested_eur"],
        "start_date": data["start_date"],
        "end_date": data["end_date"],
        "contract_reference": data["contract_reference"],
        "renewal_date": data["renewal_date"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def mandate_add(request: HttpRequest) -> HttpResponse:
    actor = access.actor_for(request.user)
    access.require(bool(actor.party_ids_with(access.Role.EDITOR) & actor.fund_ids))
    form = MandateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fund = Party.objects.get(pk=int(data["fund"]))  # one of the choices offered
        mandate = _run(
            form,
            lambda: actions.record_mandate(by=request.user, fund=fund, **_mandate_values(data)),
        )
        if mandate is not None:
            messages.success(request, _("The mandate was recorded."))
            return redirect("outsourcing_mandate_detail", mandate.pk)
    return _form_page(request, form, _("Record a mandate"), reverse("outsourcing_mandates"))


@login_required
@require_GET
def mandate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = _mandate(request, pk)
    texts = list(actions.clause_texts(mandate.provider.kind))
    current = actions.in_force(t.pk for t in texts)
    recorded = {
        c.text_id: c
        for c in MandateClause.objects.visible_to(request.user)
        .filter(mandate=mandate)
        .select_related("version", "text")
    }
    old = actions.outdated(list(recorded.values()), current)
    language = request.LANGUAGE_CODE
    clauses = []
    for text in texts:
        clause = recorded.get(text.pk)
        version = current.get(text.pk)
        named_by = version or (clause.version if clause else None)
        clauses.append(
            {
                "text": text,
                "in_force": version,
                "title": named_by.title_in(language) if named_by else text.identifier,
                "clause": clause,
                "outdated": clause is not None and clause.pk in old,
                # The texts' own word diff: the model version's wording against the contract's.
                "diff": diff_html(clause.version.body, clause.adapted_text)
                if clause and clause.version and clause.inclusion == "adapted"
                else None,
            }
        )
    tasks = list(
        RenewalTask.objects.visible_to(request.user).filter(mandate=mandate).order_by("due_on")
    )
    return render(
        request,
        "outsourcing/mandates/mandate_detail.html",
        {
            "mandate": mandate,
            "clauses": clauses,
            "outdated": len(old),
            "tasks": tasks,
            "today": timezone.localdate(),
            "can_edit": actions.can_edit(request.user, mandate.fund_id),
            "task_form": TaskDoneForm(),
            "end_form": EndForm(initial={"end_date": timezone.localdate()}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mandate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = _editable(request, pk)
    initial = {
        "provider": str(mandate.provider_id),
        "asset_class": mandate.asset_class,
        "invested_eur": mandate.invested_eur,
        "start_date": mandate.start_date,
        "end_date": mandate.end_date,
        "contract_reference": mandate.contract_reference,
        "renewal_date": mandate.renewal_date,
    }
    form = MandateForm(request.POST or None, user=request.user, mandate=mandate, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: actions.update_mandate(
                by=request.user, mandate=mandate, **_mandate_values(form.cleaned_data)
            ),
        )
        if done is not None:
            messages.success(request, _("The mandate was changed."))
            return redirect("outsourcing_mandate_detail", mandate.pk)
    return _form_page(
        request,
        form,
        _("Change the mandate with %(provider)s") % {"provider": mandate.provider.name},
        reverse("outsourcing_mandate_detail", args=[pk]),
    )


@login_required
@require_POST
def mandate_end(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = _editable(request, pk)
    form = EndForm(request.POST)
    back = reverse("outsourcing_mandate_detail", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Give the end date."))
        return redirect(back)
    try:
        actions.end_mandate(
            by=request.user, mandate=mandate, end_date=form.cleaned_data["end_date"]
        )
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The mandate was ended."))
    return redirect(back)


@login_required
@require_POST
def renewal_task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_visible_or_404(
        RenewalTask.objects.select_related("mandate"), request.user, pk=pk
    )
    access.require(actions.can_edit(request.user, task.mandate.fund_id))
    form = TaskDoneForm(request.POST)
    back = reverse("outsourcing_mandate_detail", args=[task.mandate_id]) + "#renewal"
    if not form.is_valid():
        messages.error(request, _("Say what the re-check found."))
        return redirect(back)
    try:
        actions.complete_renewal_task(by=request.user, task=task, note=form.cleaned_data["note"])
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The renewal task is done."))
    return redirect(back)


# --- Clauses -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def clause_record(request: HttpRequest, pk: int, identifier: str) -> HttpResponse:
    """What the contract holds of one model clause."""
    mandate = _editable(request, pk)
    text = ModelText.objects.visible_to(request.user).filter(identifier=identifier).first()
    if text is None or text.pk not in {t.pk for t in actions.clause_texts(mandate.provider.kind)}:
        raise Http404
    versions = list(
        TextVersion.objects.visible_to(request.user)
        .filter(text=text, status__in=["adopted", "superseded"])
        .order_by("-number")
    )
    clause = (
        MandateClause.objects.visible_to(request.user).filter(mandate=mandate, text=text).first()
    )
    current = next((v for v in versions if v.status == "adopted"), None)
    initial: dict[str, Any] = {"version": str(current.pk) if current else ""}
    if clause is not None:
        initial = {
            "inclusion": clause.inclusion,
            "version": str(clause.version_id or ""),
            "adapted_text": clause.adapted_text,
            "reason": clause.reason,
            "contract_date": clause.contract_date,
            "passage": clause.passage,
        }
    form = ClauseForm(
        request.POST or None, request.FILES or None, versions=versions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("evidence")
        done = _run(
            form,
            lambda: actions.record_clause(
                by=request.user,
                mandate=mandate,
                text=text,
                inclusion=data["inclusion"],
                version=int(data["version"]) if data["version"] else None,
                adapted_text=data["adapted_text"],
                reason=data["reason"],
                contract_date=data["contract_date"],
                passage=data["passage"],
                evidence_name=upload.name if upload else "",
                evidence_data=upload.read() if upload else None,
            ),
        )
        if done is not None:
            messages.success(request, _("What the contract holds was recorded."))
            return redirect(reverse("outsourcing_mandate_detail", args=[pk]) + "#clauses")
    language = request.LANGUAGE_CODE
    return _form_page(
        request,
        form,
        _("Clause “%(title)s” in the mandate with %(provider)s")
        % {
            "title": current.title_in(language) if current else text.identifier,
            "provider": mandate.provider.name,
        },
        reverse("outsourcing_mandate_detail", args=[pk]),
        multipart=True,
        model_version=current,
        model_body=current.body_in(language) if current else "",
    )


@login_required
@require_GET
def clause_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A clause's evidence, to the fund's members and the secretariat only; always as a
    download, never shown in the page."""
    clause = access.get_visible_or_404(MandateClause, request.user, pk=pk)
    name = clause.evidence.name
    return private_download(
        actions.evidence_storage(),
        name,
        filename=f"evidence-{clause.pk}.{extension_of(name)}",
        content_type=content_type_of(name, actions.DOCUMENT_TYPES),
    )


# --- The dashboard panel -----------------------------------------------------------------


def dashboard_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    """The renewal tasks due for the reader's funds (due on or before today, not done), and
    how many of their running mandates hold a superseded clause."""
    if not actor.fund_ids:
        return None
    today = timezone.localdate()
    tasks = list(
        RenewalTask.objects.visible_to(request.user)
        .filter(
            mandate__fund_id__in=actor.fund_ids,
            done_on__isnull=True,
            due_on__lte=today,
            renewal_date__gte=today - datetime.timedelta(days=31),
        )
        .select_related("mandate__provider", "mandate__fund")
        .order_by("renewal_date")[:20]
    )
    running = list(
        Mandate.objects.visible_to(request.user)
        .filter(fund_id__in=actor.fund_ids)
        .running()
        .values_list("pk", flat=True)
    )
    if not running and not tasks:
        return None
    outdated = actions.mandates_with_outdated(request.user, running)
    totals = (
        Mandate.objects.visible_to(request.user)
        .filter(pk__in=running)
        .aggregate(total=Sum("invested_eur"))
    )
    return {
        "tasks": tasks,
        "running": len(running),
        "outdated": len(outdated),
        "total_eur": totals["total"] or 0,
    }
