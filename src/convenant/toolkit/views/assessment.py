"""Views of toolkit: the requirement tree (a versioned library file) and a fund's yearly policy
self-assessment against it: answers with evidence, gaps with the model texts that close them,
each year started from the last, exported as XLSX and DOCX.

A fund's assessments, answers and evidence are read through ``visible_to`` (its own members
only); the secretariat's overview shows per fund whether the year's assessment exists and is
completed, nothing more. Writes go through toolkit.actions.assessment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.core.http import extension_of, private_download
from convenant.parties.models import Party
from convenant.toolkit import assessment_report
from convenant.toolkit.actions import assessment as actions
from convenant.toolkit.models import Answer, EvidenceDocument, Requirement, SelfAssessment
from convenant.toolkit.requirements import latest_edition, tree

# --- Forms (parsing only: the actions decide) -------------------------------------------


class StartForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=actions.FIRST_YEAR, max_value=2100
    )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Answer"),
        choices=[(s.value, s.label) for s in actions.ANSWERS],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        **limits.text_field(limits.MESSAGE),
    )
    evidence = forms.ModelChoiceField(
        label=gettext_lazy("Evidence"),
        queryset=EvidenceDocument.objects.none(),
        required=False,
        empty_label=gettext_lazy("No document"),
    )
    passage = forms.CharField(
        label=gettext_lazy("Page or passage"),
        required=False,
        **limits.text_field(
            limits.LINE, help_text=gettext_lazy("For example: page 4, section 2.1.")
        ),
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = documents  # type: ignore[attr-defined]


class EvidenceForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"), required=False, **limits.text_field(limits.LINE)
    )
    file = forms.FileField(
        label=gettext_lazy("Document"),
        help_text=gettext_lazy("A PDF, Word (DOCX) or OpenDocument text (ODT) file."),
    )


# --- Helpers ----------------------------------------------------------------------------


def funds_of(actor: access.Actor) -> list[Party]:
    return list(Party.objects.filter(pk__in=actor.fund_ids).order_by("name"))


def _chosen_fund(request: HttpRequest, actor: access.Actor) -> Party:
    funds = funds_of(actor)
    if not funds:
        access.require(False)
    wanted = request.GET.get("fund", "") or request.POST.get("fund", "")
    return next((f for f in funds if str(f.pk) == wanted), funds[0])


def _assessment(request: HttpRequest, pk: int) -> SelfAssessment:
    return access.get_visible_or_404(
        SelfAssessment.objects.select_related("fund"), request.user, pk=pk
    )


def _may_edit(request: HttpRequest, fund: Party) -> bool:
    return access.actor_for(request.user).has_role(fund.pk, access.Role.EDITOR)


def _editable(request: HttpRequest, pk: int) -> SelfAssessment:
    assessment = _assessment(request, pk)
    access.require(_may_edit(request, assessment.fund))
    return assessment


def _done(request: HttpRequest, do: Any, success: str) -> None:
    try:
        do()
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, success)


def _detail(assessment: SelfAssessment, anchor: str = "") -> HttpResponse:
    return redirect(reverse("self_assessment_detail", args=[assessment.pk]) + anchor)


# --- The fund's assessments ---------------------------------------------------------------


@login_required
@require_GET
def self_assessment_home(request: HttpRequest) -> HttpResponse:
    """The fund's assessments by year, and starting this year's. The secretariat, which reads
    no fund's answers, is sent to its overview of the round."""
    actor = access.actor_for(request.user)
    if not actor.fund_ids and actor.is_secretariat:
        return redirect("self_assessment_overview")
    fund = _chosen_fund(request, actor)
    assessments = list(
        SelfAssessment.objects.visible_to(request.user).filter(fund=fund).order_by("-year")
    )
    reports = [assessment_report.report_of(a, request.user) for a in assessments]
    years = {a.year for a in assessments}
    year = timezone.localdate().year
    return render(
        request,
        "toolkit/assessment/home.html",
        {
            "fund": fund,
            "funds": funds_of(actor),
            "reports": reports,
            "may_edit": _may_edit(request, fund),
            "form": StartForm(initial={"year": year}),
            "next_year": year if year not in years else None,
            "edition": latest_edition(),
        },
    )


@login_required
@require_POST
def self_assessment_start(request: HttpRequest) -> HttpResponse:
    actor = access.actor_for(request.user)
    fund = _chosen_fund(request, actor)
    access.require(_may_edit(request, fund))
    form = StartForm(request.POST)
    back = reverse("self_assessment_home") + f"?fund={fund.pk}"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for es in form.errors.values() for e in es))
        return redirect(back)
    try:
        assessment = actions.start_self_assessment(
            by=request.user, fund=fund, year=form.cleaned_data["year"]
        )
    except ActionError as error:
        messages.error(request, error.messages[0])
        return redirect(back)
    if assessment.started_from_id:
        messages.success(
            request,
            _(
                "The %(year)s self-assessment starts from last year's answers: "
                "confirm or change each."
            )
            % {"year": assessment.year},
        )
    else:
        messages.success(request, _("The self-assessment was started."))
    return _detail(assessment)


@login_required
@require_GET
def self_assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The tree with the fund's answers, the progress and the gaps; a completed year's page
    stays as it was completed."""
    assessment = _assessment(request, pk)
    report = assessment_report.report_of(assessment, request.user)
    may_edit = (
        _may_edit(request, assessment.fund) and assessment.status == SelfAssessment.Status.OPEN
    )
    years = list(
        SelfAssessment.objects.visible_to(request.user)
        .filter(fund=assessment.fund)
        .order_by("-year")
        .values_list("pk", "year")
    )
    return render(
        request,
        "toolkit/assessment/detail.html",
        {"assessment": assessment, "report": report, "may_edit": may_edit, "years": years},
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_answer(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    assessment = _editable(request, pk)
    if assessment.status != SelfAssessment.Status.OPEN:
        # A completed year's page stays as it was completed: no form to change it.
        messages.error(
            request,
            _("The %(year)s self-assessment is completed and no longer changes.")
            % {"year": assessment.year},
        )
        return _detail(assessment)
    report = assessment_report.report_of(assessment, request.user)
    item = next((i for i in report.items if i.key == key), None)
    if item is None:
        raise Http404
    documents = EvidenceDocument.objects.visible_to(request.user).filter(fund=assessment.fund)
    answer = item.answer
    if request.method == "POST":
        form = AnswerForm(request.POST, documents=documents)
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.answer_requirement(
                    by=request.user,
                    assessment=assessment,
                    key=key,
                    status=d["status"],
                    comment=d["comment"],
                    evidence=d["evidence"],
                    passage=d["passage"],
                )
            except ActionError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("The answer was saved."))
                return _detail(assessment, f"#req-{key}")
    else:
        initial = {}
        if answer is not None:
            initial = {
                "status": answer.status or None,
                "comment": answer.comment,
                "evidence": answer.evidence_id,
                "passage": answer.passage,
            }
        form = AnswerForm(initial=initial, documents=documents)
    return render(
        request,
        "toolkit/assessment/answer.html",
        {"assessment": assessment, "item": item, "form": form},
    )


@login_required
@require_POST
def self_assessment_confirm(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    assessment = _editable(request, pk)
    _done(
        request,
        lambda: actions.confirm_answer(by=request.user, assessment=assessment, key=key),
        _("Last year's answer is confirmed."),
    )
    return _detail(assessment, f"#req-{key}")


@login_required
@require_POST
def self_assessment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _editable(request, pk)
    _done(
        request,
        lambda: actions.complete_self_assessment(by=request.user, assessment=assessment),
        _("The self-assessment is completed."),
    )
    return _detail(assessment)


EXPORTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@login_required
@require_GET
def self_assessment_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The assessment with every answer and comment, as XLSX or DOCX."""
    assessment = _assessment(request, pk)
    if file_format not in EXPORTS:
        raise Http404
    report = assessment_report.report_of(assessment, request.user)
    data = (
        assessment_report.as_xlsx(report)
        if file_format == "xlsx"
        else assessment_report.as_docx(report)
    )
    response = HttpResponse(data, content_type=EXPORTS[file_format])
    name = f"self-assessment-{assessment.fund.code}-{assessment.year}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def self_assessment_compare(request: HttpRequest) -> HttpResponse:
    """The fund's answers year beside year, requirement by requirement."""
    fund = _chosen_fund(request, access.actor_for(request.user))
    assessments = list(
        SelfAssessment.objects.visible_to(request.user).filter(fund=fund).order_by("year")
    )
    answers: dict[tuple[int, str], Answer] = {
        (a.assessment_id, a.requirement_key): a
        for a in Answer.objects.visible_to(request.user).filter(assessment__in=assessments)
    }
    editions = {a.edition for a in assessments}
    requirements: dict[str, Requirement] = {}
    for edition in sorted(editions):
        for root in tree(edition):
            for node in root.children:
                requirements.setdefault(node.key, node.requirement)
    rows = [
        {
            "requirement": r,
            "title": assessment_report.title_of(r),
            "cells": [answers.get((a.pk, key)) for a in assessments],
        }
        for key, r in sorted(requirements.items(), key=lambda kv: actions.requirement_order(kv[0]))
    ]
    return render(
        request,
        "toolkit/assessment/compare.html",
        {
            "fund": fund,
            "funds": funds_of(access.actor_for(request.user)),
            "assessments": assessments,
            "rows": rows,
        },
    )


# --- Evidence -----------------------------------------------------------------------------


@login_required
@require_GET
def evidence_list(request: HttpRequest) -> HttpResponse:
    fund = _chosen_fund(request, access.actor_for(request.user))
    documents = EvidenceDocument.objects.visible_to(request.user).filter(fund=fund)
    return render(
        request,
        "toolkit/assessment/evidence.html",
        {
            "fund": fund,
            "funds": funds_of(access.actor_for(request.user)),
            "documents": documents,
            "may_edit": _may_edit(request, fund),
            "form": EvidenceForm(),
        },
    )


@login_required
@require_POST
def evidence_upload(request: HttpRequest) -> HttpResponse:
    fund = _chosen_fund(request, access.actor_for(request.user))
    access.require(_may_edit(request, fund))
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > actions.max_evidence_bytes():
            show_on_form(
                form,
                ActionError(
                    _("A document may be at most %(mb)d MB.")
                    % {"mb": actions.max_evidence_bytes() // 2**20},
                    field="file",
                ),
            )
        else:
            try:
                actions.upload_evidence(
                    by=request.user,
                    fund=fund,
                    title=form.cleaned_data["title"],
                    filename=upload.name,
                    data=upload.read(),
                )
            except ActionError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("The document was added."))
                return redirect(reverse("evidence_list") + f"?fund={fund.pk}")
    documents = EvidenceDocument.objects.visible_to(request.user).filter(fund=fund)
    return render(
        request,
        "toolkit/assessment/evidence.html",
        {
            "fund": fund,
            "funds": funds_of(access.actor_for(request.user)),
            "documents": documents,
            "may_edit": True,
            "form": form,
        },
    )


@login_required
@require_GET
def evidence_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An evidence document, to the fund's own members only; always as a download."""
    document = access.get_visible_or_404(EvidenceDocument, request.user, pk=pk)
    name = document.file.name
    return private_download(
        actions.evidence_storage(),
        name,
        filename=f"{document.title}.{extension_of(name)}",
        content_type=document.content_type,
    )


# --- The secretariat's overview and the public tree ----------------------------------------


@login_required
@require_GET
def self_assessment_overview(request: HttpRequest) -> HttpResponse:
    """Per fund: whether the year's assessment exists and is completed. No answers."""
    access.require(access.actor_for(request.user).is_secretariat)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, actions.FIRST_YEAR), this_year)
    statuses = actions.assessment_status(by=request.user, year=year)
    return render(
        request,
        "toolkit/assessment/overview.html",
        {
            "year": year,
            "years": list(range(this_year, actions.FIRST_YEAR - 1, -1)),
            "statuses": statuses,
            "started": sum(s.exists for s in statuses),
            "completed": sum(s.completed for s in statuses),
        },
    )


@require_GET
def requirement_tree(request: HttpRequest) -> HttpResponse:
    """The requirement tree of an edition with its sources: public reference data."""
    editions = sorted(
        set(Requirement.objects.values_list("edition", flat=True)),
        key=lambda e: actions.requirement_order(e),
        reverse=True,
    )
    edition = request.GET.get("edition", "")
    if edition not in editions:
        edition = editions[0] if editions else ""
    roots = tree(edition) if edition else []
    closing = assessment_report.closing_texts(
        sorted({i for root in roots for node in root.children for i in node.requirement.closed_by}),
        request.user,
    )
    groups = [
        {
            "key": root.key,
            "title": assessment_report.title_of(root.requirement),
            "description": assessment_report.description_of(root.requirement),
            "source": root.requirement.source,
            "items": [
                {
                    "key": node.key,
                    "title": assessment_report.title_of(node.requirement),
                    "description": assessment_report.description_of(node.requirement),
                    "source": node.requirement.source,
                    "closing": [closing[i] for i in node.requirement.closed_by],
                }
                for node in root.children
            ],
        }
        for root in roots
    ]
    return render(
        request,
        "toolkit/assessment/requirements.html",
        {"edition": edition, "editions": editions, "groups": groups},
    )


# --- The dashboard ----------------------------------------------------------------------


def dashboard_panel(request: HttpRequest, actor: access.Actor) -> dict[str, Any] | None:
    """Each of the reader's funds: its newest self-assessment, what is left and its gaps."""
    if not actor.fund_ids:
        return None
    rows = []
    for fund in funds_of(actor):
        latest = (
            SelfAssessment.objects.visible_to(request.user)
            .filter(fund=fund)
            .order_by("-year")
            .first()
        )
        report = assessment_report.report_of(latest, request.user) if latest else None
        rows.append({"fund": fund, "report": report})
    return {"rows": rows, "year": timezone.localdate().year}
