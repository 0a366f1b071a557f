"""Pages for a fund's holdings: its snapshots, one snapshot by country, sector and issuer,
its positions, and the upload with column mapping and row errors. Only the fund's own
members ever reach these (Snapshot.visible_to)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from convenant.core import access
from convenant.core.access import Role
from convenant.core.errors import ActionError, show_on_form
from convenant.core.http import AuthenticatedHttpRequest
from convenant.parties.models import Party
from convenant.portfolios import events
from convenant.portfolios.actions import (
    cancel_import,
    confirm_match,
    import_valid_rows,
    name_columns,
    queue_import,
    reject_match,
    retry_import,
)
from convenant.portfolios.actions.imports import rejected_path, stored_path
from convenant.portfolios.identifiers import country_name
from convenant.portfolios.importing.columns import FIELDS
from convenant.portfolios.models import ImportJob, Issuer, Position, Snapshot


@login_required
def snapshot_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    snapshots = Snapshot.objects.visible_to(request.user).select_related("fund")
    return render(
        request,
        "portfolios/snapshot_list.html",
        {
            "snapshots": snapshots,
            "jobs": ImportJob.objects.visible_to(request.user).select_related("fund", "job")[:10],
            "can_import": bool(_import_funds(request)),
            "is_fund_member": bool(access.actor_for(request.user).fund_ids),
        },
    )


@login_required
def snapshot_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    positions = Position.objects.visible_to(request.user).filter(snapshot=snapshot)
    by_country = (
        positions.values("country")
        .annotate(value=Sum("value_eur"), n=Count("row"))
        .order_by("-value")[:15]
    )
    by_sector = (
        positions.values("issuer__sector_name")
        .annotate(value=Sum("value_eur"), n=Count("row"))
        .order_by("-value")[:12]
    )
    by_issuer = (
        positions.exclude(issuer=None)
        .values("issuer_id", "issuer__legal_name")
        .annotate(value=Sum("value_eur"), n=Count("row"))
        .order_by("-value")[:20]
    )
    by_status = dict(positions.values_list("status").annotate(n=Count("row")))
    total = snapshot.total_value_eur or 1
    history = Snapshot.objects.visible_to(request.user).filter(fund=snapshot.fund)
    return render(
        request,
        "portfolios/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "by_country": [
                (
                    country_name(r["country"]) if r["country"] else "—",
                    r["value"],
                    r["n"],
                    100 * r["value"] / total,
                )
                for r in by_country
            ],
            "by_sector": [
                (
                    r["issuer__sector_name"] or _("Unknown"),
                    r["value"],
                    r["n"],
                    100 * r["value"] / total,
                )
                for r in by_sector
            ],
            "by_issuer": [
                (
                    r["issuer_id"],
                    r["issuer__legal_name"],
                    r["value"],
                    r["n"],
                    100 * r["value"] / total,
                )
                for r in by_issuer
            ],
            "by_status": by_status,
            "history": history,
            "pages": [
                (label, reverse(name, args=[snapshot.pk])) for label, name in events.snapshot_pages
            ],
        },
    )


@login_required
def snapshot_positions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    positions = (
        Position.objects.visible_to(request.user).filter(snapshot=snapshot).select_related("issuer")
    )
    status = request.GET.get("status", "")
    if status in Position.Status.values:
        positions = positions.filter(status=status)
    page = Paginator(positions.order_by("row"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "portfolios/snapshot_positions.html",
        {"snapshot": snapshot, "page": page, "status": status, "statuses": Position.Status.choices},
    )


# --- Upload, as a background job ------------------------------------------------------------


def _import_funds(request: AuthenticatedHttpRequest) -> list[Party]:
    actor = access.actor_for(request.user)
    return list(Party.objects.filter(pk__in=actor.fund_ids & actor.party_ids_with(Role.EDITOR)))


class UploadForm(forms.Form):
    fund = forms.ModelChoiceField(label=gettext_lazy("Fund"), queryset=Party.objects.none())
    as_of = forms.DateField(
        label=gettext_lazy("As of"), widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(
        label=gettext_lazy("Holdings file"),
        help_text=gettext_lazy("CSV (comma or semicolon), XLSX or ODS."),
    )
    import_valid_rows = forms.BooleanField(
        label=gettext_lazy("If some rows cannot be read, import the valid rows anyway"),
        required=False,
    )

    def __init__(self, *args: Any, funds: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Party.objects.filter(pk__in=[f.pk for f in funds])  # type: ignore[attr-defined]
        if len(funds) == 1:
            self.fields["fund"].initial = funds[0]


def _mapping_form(headings: list[str], mapping: dict[str, str], data: Any = None) -> forms.Form:
    choices = [("", _("— not used —"))] + [(key, str(label)) for key, (label, _h) in FIELDS.items()]
    form = forms.Form(data)
    for i, heading in enumerate(headings):
        form.fields[f"column_{i}"] = forms.ChoiceField(
            label=heading or _("(column %(n)s without a heading)") % {"n": i + 1},
            choices=choices,
            required=False,
            initial=mapping.get(heading, ""),
        )
    return form


@login_required
def holdings_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    funds = _import_funds(request)
    access.require(bool(funds))
    form = UploadForm(request.POST or None, request.FILES or None, funds=funds)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = queue_import(
                by=request.user,
                fund=form.cleaned_data["fund"],
                as_of=form.cleaned_data["as_of"],
                chunks=upload.chunks(),
                filename=upload.name,
                import_valid_rows=form.cleaned_data["import_valid_rows"],
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            return redirect("import_job_detail", pk=job.pk)
    return render(request, "portfolios/holdings_import.html", {"form": form})


# What each stage of a running import is called on its page (the import reports its stage
# by these keys).
IMPORT_STAGES = {
    "read": gettext_lazy("Reading the file"),
    "check": gettext_lazy("Checking the rows"),
    "match": gettext_lazy("Matching the issuers"),
    "write": gettext_lazy("Writing the positions"),
    "done": gettext_lazy("Finishing"),
}


@login_required
def import_job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """How an import is doing; htmx polls the progress part until it has finished."""
    job = access.get_visible_or_404(
        ImportJob.objects.select_related("fund", "job"), request.user, pk=pk
    )
    headings = job.report.get("headings", [])
    form = None
    if job.status == ImportJob.Status.COLUMNS:
        form = _mapping_form(
            headings,
            job.report.get("mapping", {}),
            request.POST if request.method == "POST" else None,
        )
        if request.method == "POST" and form.is_valid():
            columns = {h: form.cleaned_data[f"column_{i}"] for i, h in enumerate(headings)}
            try:
                name_columns(by=request.user, job=job, columns=columns)
            except ActionError as error:
                messages.error(request, error.messages[0])
            return redirect("import_job_detail", pk=job.pk)
    # The buttons of the page: import the valid rows of a refused file, cancel a run that
    # has not started, retry a failed one (core's job actions, on the import's run).
    for button, act in (
        ("valid_rows", import_valid_rows),
        ("cancel", cancel_import),
        ("retry", retry_import),
    ):
        if request.method == "POST" and button in request.POST:
            try:
                act(by=request.user, job=job)
            except ActionError as error:
                messages.error(request, error.messages[0])
            return redirect("import_job_detail", pk=job.pk)
    actor = access.actor_for(request.user)
    run = job.job
    can_manage = run is not None and access.can_manage_job(
        actor, created_by_id=run.created_by_id, party_id=run.party_id
    )
    file_kept = stored_path(job).exists()
    context = {
        "job": job,
        "form": form,
        "valid_rows": job.report.get("rows_read", 0) - job.report.get("rejected", 0),
        "can_import_valid_rows": job.status == ImportJob.Status.REJECTED
        and actor.has_role(job.fund_id, Role.EDITOR)
        and file_kept,
        "run": run,
        "stage": IMPORT_STAGES.get(run.stage, "") if run is not None else "",
        "can_cancel": can_manage and run is not None and run.can_cancel,
        "can_retry": can_manage and job.status == ImportJob.Status.FAILED,
        "file_kept": file_kept,
        "has_rejected_file": rejected_path(job).exists(),
        "errors": job.report.get("errors", [])[:200],
    }
    if request.htmx:
        return render(request, "portfolios/_import_job_status.html", context)
    return render(request, "portfolios/import_job.html", context)


@login_required
def import_job_rejected(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The rows a partial import left out, with an error column, for the fund's people."""
    job = access.get_visible_or_404(ImportJob, request.user, pk=pk)
    path = rejected_path(job)
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"rejected-rows-{job.fund.code}-{job.as_of}.csv",
        content_type="text/csv",
    )


@login_required
def snapshot_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The review queue of a snapshot: positions whose issuer a person must confirm."""
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    can_edit = access.actor_for(request.user).has_role(snapshot.fund_id, Role.EDITOR)
    queue = (
        Position.objects.visible_to(request.user)
        .filter(snapshot=snapshot, status=Position.Status.REVIEW)
        .select_related("issuer")
        .order_by("-value_eur", "row")
    )
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portfolios/snapshot_review.html",
        {"snapshot": snapshot, "page": page, "can_edit": can_edit},
    )


@login_required
@require_POST
def review_decide(request: AuthenticatedHttpRequest, pk: int, row: int) -> HttpResponse:
    snapshot = access.get_visible_or_404(Snapshot, request.user, pk=pk)
    decision = request.POST.get("decision")
    try:
        if decision == "reject":
            reject_match(by=request.user, snapshot=snapshot, row=row)
            messages.success(
                request, _("A new issuer was proposed for row %(row)s.") % {"row": row}
            )
        elif decision in {"confirm", "choose"}:
            try:
                issuer_id = int(request.POST.get("issuer", ""))
            except ValueError:
                raise ActionError(_("Give the number of an issuer.")) from None
            issuer = Issuer.objects.visible_to(request.user).filter(pk=issuer_id).first()
            if issuer is None:
                raise ActionError(_("There is no issuer with this number."))
            count = confirm_match(by=request.user, snapshot=snapshot, row=row, issuer=issuer)
            messages.success(
                request,
                _("%(count)s position(s) confirmed as %(issuer)s.")
                % {"count": count, "issuer": issuer.resolved()},
            )
        else:
            raise ActionError(_("Choose what to do with this row."))
    except ActionError as error:
        messages.error(request, error.messages[0])
    return redirect("snapshot_review", pk=snapshot.pk)


@login_required
def snapshot_compare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What changed between two snapshots of a fund, per issuer: bought, sold, more, less."""
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    history = Snapshot.objects.visible_to(request.user).filter(fund=snapshot.fund).exclude(pk=pk)
    other_id = request.GET.get("with")
    if other_id:
        try:
            other = history.filter(pk=int(other_id)).first()
        except ValueError:
            other = None
        if other is None:
            raise Http404
    else:
        other = history.filter(as_of__lt=snapshot.as_of).order_by("-as_of").first()
    changes: list[tuple[str, int | None, float, float, float]] = []
    counts = {"bought": 0, "sold": 0, "more": 0, "less": 0}
    if other is not None:

        def by_issuer(s: Snapshot) -> dict[int, tuple[str, float]]:
            rows = (
                Position.objects.visible_to(request.user)
                .filter(snapshot=s)
                .exclude(issuer=None)
                .values("issuer_id", "issuer__legal_name")
                .annotate(value=Sum("value_eur"))
            )
            return {r["issuer_id"]: (r["issuer__legal_name"], float(r["value"])) for r in rows}

        before, after = by_issuer(other), by_issuer(snapshot)
        for issuer_id in before.keys() | after.keys():
            name = (after.get(issuer_id) or before[issuer_id])[0]
            old = before.get(issuer_id, ("", 0.0))[1]
            new = after.get(issuer_id, ("", 0.0))[1]
            kind = (
                "bought"
                if issuer_id not in before
                else "sold"
                if issuer_id not in after
                else "more"
                if new > old
                else "less"
                if new < old
                else ""
            )
            if kind:
                counts[kind] += 1
                changes.append((name, issuer_id, old, new, new - old))
        changes.sort(key=lambda c: abs(c[4]), reverse=True)
    return render(
        request,
        "portfolios/snapshot_compare.html",
        {
            "snapshot": snapshot,
            "other": other,
            "history": history,
            "pages": [
                (label, reverse(name, args=[snapshot.pk])) for label, name in events.snapshot_pages
            ],
            "changes": changes[:100],
            "counts": counts,
        },
    )
