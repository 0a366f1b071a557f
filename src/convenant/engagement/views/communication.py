"""Views of the deep track's step E and what the outside world and the steering group see of a
case: a case's communications (generated from publishable fields, approved by the group,
published), the public case pages (no log-in: published public communications only) and the
case report as HTML and PDF (from one template).

Every read goes through ``case_for`` / ``visible_to``; every write through the actions in
``engagement.actions.communication``, which check the reader's rights in the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError
from convenant.engagement import case_rules
from convenant.engagement.actions import communication as actions
from convenant.engagement.models import (
    Activity,
    Case,
    CaseMember,
    CaseMilestone,
    Communication,
    CommunicationApproval,
    Consultation,
    Engagement,
    GrievanceAssessment,
    GrievanceCriterion,
    GrievanceScore,
    LadderStep,
    Lesson,
    Remedy,
    StepMove,
)
from convenant.engagement.views.case_common import case_context, case_for, standing_in
from convenant.parties.models import Party

LANGUAGE_CHOICES = [("nl", gettext_lazy("Dutch")), ("en", gettext_lazy("English"))]


def publishable_labels() -> dict[str, str]:
    """The group's checklist of publishable fields, by key (kept by the cases area)."""
    return {key: str(label) for key, label in case_rules.PUBLISHABLE.items()}


# --- Forms -------------------------------------------------------------------------------


class DraftForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=Communication.Kind.choices,
        initial=Communication.Kind.PUBLIC,
        widget=forms.RadioSelect,
    )
    names_company = forms.BooleanField(
        label=gettext_lazy("Name the company (the group approves this with the text)"),
        required=False,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of a generated text"), choices=LANGUAGE_CHOICES
    )
    title = forms.CharField(
        label=gettext_lazy("Title (confidential only)"),
        required=False,
        **limits.text_field(limits.LINE),
    )
    text = forms.CharField(
        label=gettext_lazy("Text (confidential only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        **limits.text_field(limits.TEXT),
    )


class UpdateForm(forms.Form):
    names_company = forms.BooleanField(
        label=gettext_lazy("Name the company (the group approves this with the text)"),
        required=False,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of a generated text"), choices=LANGUAGE_CHOICES
    )
    title = forms.CharField(
        label=gettext_lazy("Title"), required=False, **limits.text_field(limits.LINE)
    )
    text = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        **limits.text_field(limits.TEXT),
    )


# --- Step E: the case's communications ---------------------------------------------------


def _approvals(communications: list[Communication], user: Any) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {c.pk: [] for c in communications}
    rows = (
        CommunicationApproval.objects.visible_to(user)
        .filter(communication__in=communications)
        .select_related("party", "approved_by")
        .order_by("approved_at", "pk")
    )
    for approval in rows:
        found[approval.communication_id].append(approval)
    return found


def _language() -> str:
    return "en" if get_language() == "en" else "nl"


@login_required
@require_GET
def case_communication(request: HttpRequest, reference: str) -> HttpResponse:
    """The case's communications with their approvals, and the forms of the flow."""
    case = case_for(request, reference)
    communications = list(
        Communication.objects.visible_to(request.user)
        .filter(case=case)
        .order_by("-created_at", "-pk")
    )
    approvals = _approvals(communications, request.user)
    must_approve = actions.approving_parties(case)
    parties = {p.pk: p for p in Party.objects.visible_to(request.user).filter(pk__in=must_approve)}
    standing = standing_in(request, case)
    mine = (
        actions.approver_party(request.user, case)
        if standing.may("approve_communication")
        else None
    )
    labels = publishable_labels()
    rows = []
    for c in communications:
        approved = {a.party_id for a in approvals[c.pk]}
        rows.append(
            {
                "communication": c,
                "approvals": approvals[c.pk],
                "pending": [parties[p] for p in sorted(must_approve - approved) if p in parties],
                "mine_approved": mine is not None and mine.pk in approved,
                "fields": [labels.get(f, f) for f in c.generated_from],
                "update_form": UpdateForm(
                    initial={
                        "names_company": c.names_company,
                        "language": _language(),
                        "title": c.title,
                        "text": c.text,
                    }
                ),
            }
        )
    preview = actions.generate(case, language=_language())
    return render(
        request,
        "engagement/cases/communication/communication.html",
        case_context(
            request,
            case,
            "case_communication",
            rows=rows,
            draft_form=DraftForm(initial={"language": _language()}),
            preview=preview,
            preview_fields=[labels.get(f, f) for f in preview.fields],
            withheld=[labels.get(f, f) for f in preview.withheld],
            publishable=[labels.get(f, f) for f in case.publishable],
            approver_party=mine,
        ),
    )


def _back(case: Case, anchor: str = "") -> HttpResponse:
    return redirect(reverse("case_communication", args=[case.reference]) + anchor)


def _communication(request: HttpRequest, case: Case, pk: int) -> Communication:
    found = Communication.objects.visible_to(request.user).filter(case=case, pk=pk).first()
    if found is None:
        raise Http404
    found.case = case
    return found


def _do(request: HttpRequest, do: Callable[[], Any], done: str) -> None:
    try:
        do()
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)


def _form_errors(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def communication_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    access.require(standing_in(request, case).may("draft_communication"))
    form = DraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case)
    data = form.cleaned_data
    _do(
        request,
        lambda: actions.draft_communication(
            by=request.user,
            case=case,
            kind=data["kind"],
            names_company=data["names_company"],
            language=data["language"],
            title=data["title"],
            text=data["text"],
        ),
        _("The draft was made."),
    )
    return _back(case, "#communications")


@login_required
@require_POST
def communication_update(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = case_for(request, reference)
    communication = _communication(request, case, pk)
    access.require(standing_in(request, case).may("draft_communication"))
    form = UpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case)
    data = form.cleaned_data
    _do(
        request,
        lambda: actions.update_communication(
            by=request.user,
            communication=communication,
            names_company=data["names_company"],
            language=data["language"],
            title=data["title"],
            text=data["text"],
        ),
        _("The text was updated; any approvals were voided."),
    )
    return _back(case, f"#communication-{communication.pk}")


def _step(
    request: HttpRequest, reference: str, pk: int, right: Callable[[Any], bool], do: Any, done: str
) -> HttpResponse:
    case = case_for(request, reference)
    communication = _communication(request, case, pk)
    access.require(right(standing_in(request, case)))
    _do(request, lambda: do(by=request.user, communication=communication), done)
    return _back(case, f"#communication-{communication.pk}")


@login_required
@require_POST
def communication_propose(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _step(
        request,
        reference,
        pk,
        lambda s: s.may("draft_communication"),
        actions.propose_communication,
        _("The text was put to the group for approval."),
    )


@login_required
@require_POST
def communication_approve(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _step(
        request,
        reference,
        pk,
        lambda s: s.may("approve_communication"),
        actions.approve_communication,
        _("Your party's approval was recorded."),
    )


@login_required
@require_POST
def communication_publish(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _step(
        request,
        reference,
        pk,
        lambda s: s.may("publish"),
        actions.publish_communication,
        _("The communication was published on the public case page."),
    )


@login_required
@require_POST
def communication_withdraw(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _step(
        request,
        reference,
        pk,
        lambda s: s.may("draft_communication") or s.may("publish"),
        actions.withdraw_communication,
        _("The communication was withdrawn."),
    )


# --- The public case pages ---------------------------------------------------------------


@require_GET
def case_public_list(request: HttpRequest) -> HttpResponse:
    """Every case with a published public communication: its newest title and date. Nothing
    else of a case is read here, so nothing else can show."""
    published = (
        Communication.objects.visible_to(request.user)
        .published()
        .select_related("case")
        .order_by("-published_on", "-pk")
    )
    cases: dict[str, dict[str, Any]] = {}
    for c in published:
        entry = cases.setdefault(
            c.case.reference, {"reference": c.case.reference, "latest": c, "count": 0}
        )
        entry["count"] += 1
    return render(
        request, "engagement/cases/communication/public_list.html", {"cases": list(cases.values())}
    )


@require_GET
def case_public(request: HttpRequest, reference: str) -> HttpResponse:
    """A case as the public knows it: its published public communications, newest first. A
    case with none does not exist publicly."""
    published = list(
        Communication.objects.visible_to(request.user)
        .published()
        .filter(case__reference=reference)
        .order_by("-published_on", "-pk")
    )
    if not published:
        raise Http404
    return render(
        request,
        "engagement/cases/communication/public_case.html",
        {"reference": reference, "communications": published},
    )


# --- The case report ---------------------------------------------------------------------


def report_of(request: HttpRequest, case: Case) -> dict[str, Any]:
    """Everything of the case the reader may read, each record through its own access rule:
    group-level records only for the group, redacted fields as redacted."""
    user = request.user
    standing = standing_in(request, case)
    from convenant.governance.models import Decision
    from convenant.signals.models import AffectedGroup

    engagements = list(
        Engagement.objects.visible_to(user).filter(case=case).order_by("start_date", "pk")
    )
    steps = {s.key: str(s) for s in LadderStep.objects.visible_to(user).in_force()}
    activities = list(
        Activity.objects.visible_to(user)
        .filter(engagement__in=engagements)
        .select_related("party")
        .order_by("-occurred_on", "-pk")
    )
    for a in activities:
        a.step_name = steps.get(a.step, a.step)  # type: ignore[attr-defined]
    groups = dict(AffectedGroup.choices)
    consultations = []
    for c in Consultation.objects.visible_to(user).filter(case=case).order_by("-held_on", "-pk"):
        consultations.append(
            {
                "c": c,
                "groups": [str(groups.get(g, g)) for g in c.groups],
                "people": c.people if c.shows("people", standing.in_group) else None,
                "site": c.site if c.shows("site", standing.in_group) else None,
                "findings": c.findings if c.shows("findings", standing.in_group) else None,
            }
        )
    assessments = list(
        GrievanceAssessment.objects.visible_to(user).filter(case=case).order_by("assessed_on")
    )
    scores: dict[int, dict[str, GrievanceScore]] = {a.pk: {} for a in assessments}
    for s in GrievanceScore.objects.visible_to(user).filter(assessment__in=assessments):
        scores[s.assessment_id][s.criterion] = s
    communications = list(
        Communication.objects.visible_to(user).filter(case=case).order_by("-created_at", "-pk")
    )
    approvals = _approvals(communications, user)
    return {
        "case": case,
        "standing": standing,
        "printed_on": timezone.localdate(),
        "decision": Decision.objects.visible_to(user).filter(pk=case.decision_id).first()
        if case.decision_id
        else None,
        "members": CaseMember.objects.visible_to(user)
        .filter(case=case)
        .select_related("membership__user", "membership__party")
        .order_by("membership__start", "pk"),
        "milestones": CaseMilestone.objects.visible_to(user)
        .filter(case=case)
        .order_by("order", "pk"),
        "moves": StepMove.objects.visible_to(user)
        .filter(case=case)
        .select_related("moved_by")
        .order_by("moved_at", "pk"),
        "consultations": consultations,
        "engagements": engagements,
        "activities": activities,
        "remedies": Remedy.objects.visible_to(user).filter(case=case).order_by("kind", "pk"),
        "assessments": assessments,
        # One row per UNGP 31 criterion, one column per assessment: the trend reads across.
        "grievance_rows": [
            (label, [scores[a.pk].get(key) for a in assessments])
            for key, label in GrievanceCriterion.choices
        ],
        "communications": [{"c": c, "approvals": approvals[c.pk]} for c in communications],
        "lessons": Lesson.objects.visible_to(user)
        .filter(case=case)
        .order_by("year", "level", "pk"),
    }


@login_required
@require_GET
def case_report(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    report = report_of(request, case)
    return render(
        request,
        "engagement/cases/communication/report.html",
        case_context(request, case, "case_report", report=report),
    )


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    """The report is self-contained; WeasyPrint fetches nothing (no file, no network)."""
    raise ValueError(f"not fetched: {url}")


@login_required
@require_GET
def case_report_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The same report, printed by WeasyPrint from the same body: what the steering group
    gets."""
    from weasyprint import HTML

    case = case_for(request, reference)
    html = render_to_string(
        "engagement/cases/communication/report_print.html",
        {"report": report_of(request, case)},
        request=request,
    )
    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="case-{case.reference}.pdf"'
    return response
