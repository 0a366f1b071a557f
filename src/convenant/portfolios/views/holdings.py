"""Pages for a fund's holdings: its snapshots, one snapshot by country, sector and issuer
(and the lines that are not companies apart), its positions, the upload with the file's
currency, column mapping, row errors and the question of a much smaller file, and the review
queue with its candidates and a search of the register. Only the fund's own members ever
reach these (Snapshot.visible_to)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
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
from convenant.portfolios.actions.imports import (
    confirm_import_size,
    currency_choices,
    rejected_path,
    stored_path,
)
from convenant.portfolios.identifiers import country_name
from convenant.portfolios.importing.columns import FIELDS
from convenant.portfolios.importing.mapping import field_label
from convenant.portfolios.matching import Matcher, Query
from convenant.portfolios.models import IN_REGISTER, ImportJob, Issuer, Position, Snapshot


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
    # Cash, FX forwards, futures and funds are shown apart, with their value; the breakdowns
    # and the review figures are of companies only.
    kinds = dict(Position.Kind.choices)
    other_lines = [
        (r["kind"], kinds.get(r["kind"], r["kind"]), r["n"], r["value"])
        for r in positions.exclude(kind=Position.Kind.COMPANY)
        .values("kind")
        .annotate(value=Sum("value_eur"), n=Count("row"))
        .order_by("-value")
    ]
    positions = positions.filter(kind=Position.Kind.COMPANY)
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
            "other_lines": other_lines,
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
    kind = request.GET.get("kind", "")
    if kind in Position.Kind.values:
        positions = positions.filter(kind=kind)
    page = Paginator(positions.order_by("row"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "portfolios/snapshot_positions.html",
        {
            "snapshot": snapshot,
            "page": page,
            "status": status,
            "statuses": Position.Status.choices,
            "kind": kind,
            "kinds": Position.Kind.choices,
        },
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
        help_text=gettext_lazy("CSV (comma or semicolon), XLSX, ODS or JSON."),
    )
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency of the values"),
        required=False,
        help_text=gettext_lazy(
            "Only when the file does not say it: a heading such as “Market value (USD)” or a "
            "currency column goes first."
        ),
    )
    import_valid_rows = forms.BooleanField(
        label=gettext_lazy("If some rows are refused, import the valid rows anyway"),
        required=False,
    )

    def __init__(self, *args: Any, funds: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = Party.objects.filter(pk__in=[f.pk for f in funds])  # type: ignore[attr-defined]
        if len(funds) == 1:
            self.fields["fund"].initial = funds[0]
        self.fields["currency"].choices = [  # type: ignore[attr-defined]
            ("", _("— the file says it —")),
            *((code, code) for code in currency_choices()),
        ]


def _mapping_form(
    headings: list[str],
    mapping: dict[str, str],
    data: Any = None,
    likely: dict[str, list[str]] | None = None,
) -> forms.Form:
    """One choice per column; a column that probably holds a missing field says so."""
    choices = [("", _("— not used —"))] + [(key, str(label)) for key, (label, _h) in FIELDS.items()]
    hints: dict[str, list[str]] = {}
    for field, candidates in (likely or {}).items():
        for heading in candidates[:3]:
            hints.setdefault(heading, []).append(field_label(field))
    form = forms.Form(data)
    for i, heading in enumerate(headings):
        form.fields[f"column_{i}"] = forms.ChoiceField(
            label=heading or _("(column %(n)s without a heading)") % {"n": i + 1},
            choices=choices,
            required=False,
            initial=mapping.get(heading, ""),
            help_text=_("Perhaps: %(fields)s") % {"fields": ", ".join(hints[heading])}
            if heading in hints
            else "",
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
                currency=form.cleaned_data["currency"],
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
            job.report.get("likely", {}),
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
        ("complete", lambda by, job: confirm_import_size(by=by, job=job, partial=False)),
        ("partial", lambda by, job: confirm_import_size(by=by, job=job, partial=True)),
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
        "can_confirm_size": job.status == ImportJob.Status.SMALLER
        and actor.has_role(job.fund_id, Role.EDITOR)
        and file_kept,
        "smaller": job.report if job.status == ImportJob.Status.SMALLER else None,
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


def _choosable(request: AuthenticatedHttpRequest, snapshot: Snapshot) -> Any:
    """Issuers a position of this snapshot may be matched to: the register and the fund's own
    proposals, never another fund's (the same rule ``confirm_match`` applies)."""
    return (
        Issuer.objects.visible_to(request.user)
        .filter(IN_REGISTER | Q(proposed_by_party_id=snapshot.fund_id))
        .current()
    )


class Choice:
    """An issuer offered for a position on the review page: what tells it apart (country,
    LEI, ISINs, sector) and how alike the names are."""

    def __init__(self, issuer: Issuer, score: float | None, file_country: str) -> None:
        self.issuer, self.score = issuer, score
        self.isins = [i.value for i in issuer.identifiers.all()][:3]
        self.other_country = bool(
            file_country
            and issuer.country_of_incorporation
            and issuer.country_of_incorporation != file_country
        )


def _with_details(request: AuthenticatedHttpRequest, snapshot: Snapshot, ids: Any) -> Any:
    return {
        issuer.pk: issuer
        for issuer in _choosable(request, snapshot)
        .filter(pk__in=list(ids))
        .prefetch_related("identifiers")
    }


def _candidates(
    request: AuthenticatedHttpRequest, snapshot: Snapshot, positions: list[Position]
) -> dict[int, list[Choice]]:
    """Per position (by row), the issuers it may be, best first: the matcher's candidates,
    one batch for the page, and the issuer the import proposed."""
    found: dict[int, list[tuple[int, float]]] = {
        p.row: [(p.issuer_id, float(p.match_confidence))] if p.issuer_id else [] for p in positions
    }
    queries = [
        Query(key=p.row, name=p.name, country=p.country, isin=p.isin, lei=p.lei)
        for p in positions
        if p.name or p.isin or p.lei
    ]
    if queries:
        for row, candidates in Matcher.for_fund(snapshot.fund).candidates(queries).items():
            seen = {issuer_id for issuer_id, _score in found[row]}
            found[row] += [(c.issuer_id, c.score) for c in candidates if c.issuer_id not in seen]
    issuers = _with_details(
        request, snapshot, {issuer_id for pairs in found.values() for issuer_id, _s in pairs}
    )
    by_row = {p.row: p for p in positions}
    return {
        row: [
            Choice(issuers[issuer_id], score, by_row[row].country)
            for issuer_id, score in sorted(pairs, key=lambda pair: -pair[1])
            if issuer_id in issuers
        ][:5]
        for row, pairs in found.items()
    }


@login_required
def snapshot_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The review queue of a snapshot: positions whose issuer a person must confirm, each
    with its candidates, and a search of the register for another."""
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    can_edit = access.actor_for(request.user).has_role(snapshot.fund_id, Role.EDITOR)
    queue = (
        Position.objects.visible_to(request.user)
        .filter(snapshot=snapshot, status=Position.Status.REVIEW, kind=Position.Kind.COMPANY)
        .order_by("-value_eur", "row")
    )
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    candidates = _candidates(request, snapshot, list(page))
    return render(
        request,
        "portfolios/snapshot_review.html",
        {
            "snapshot": snapshot,
            "page": page,
            "rows": [(p, candidates.get(p.row, [])) for p in page],
            "can_edit": can_edit,
        },
    )


@login_required
def review_search(request: AuthenticatedHttpRequest, pk: int, row: int) -> HttpResponse:
    """ "Choose another issuer": the register (and the fund's own proposals) searched by name,
    LEI or ISIN, for one position of the review queue. htmx puts the answer under the row;
    without script it is a page of its own."""
    snapshot = access.get_visible_or_404(
        Snapshot.objects.select_related("fund"), request.user, pk=pk
    )
    position = Position.objects.visible_to(request.user).filter(snapshot=snapshot, row=row).first()
    if position is None:
        raise Http404
    q = request.GET.get("q", "").strip()[:200]
    choices: list[Choice] = []
    if q:
        ids = list(_choosable(request, snapshot).search(q).values_list("pk", flat=True)[:10])
        issuers = _with_details(request, snapshot, ids)
        choices = [
            Choice(issuers[i], None, position.country)
            for i in sorted(ids, key=lambda i: issuers[i].legal_name)
            if i in issuers
        ]
    context = {
        "snapshot": snapshot,
        "p": position,
        "q": q,
        "choices": choices,
        "can_edit": access.actor_for(request.user).has_role(snapshot.fund_id, Role.EDITOR),
    }
    if request.htmx:
        return render(request, "portfolios/_review_search.html", context)
    return render(request, "portfolios/review_search.html", context)


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
        # By default the fund's previous complete holdings: a partial file would show most
        # of them as sold.
        other = history.filter(as_of__lt=snapshot.as_of, partial=False).order_by("-as_of").first()
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
