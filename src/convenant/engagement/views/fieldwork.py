"""Views of the deep track: a case's consultations (step A, with the group-level confidentiality
and redaction), remedies and company policy changes (step C), and progress with the grievance-
mechanism assessments against UNGP 31 (step D).

Every page starts from ``case_for`` (404 for whoever may not read the case) and reads its
records through ``visible_to``: a ``group`` record is absent for readers outside the group;
a redacted field of a consultation shows as hidden to them. Every write goes through the
actions, for those with the ``record`` right (403 for the case's other readers)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.engagement import case_rules
from convenant.engagement.actions import fieldwork as actions
from convenant.engagement.models import (
    Case,
    CaseLevel,
    CaseMilestone,
    Consultation,
    ConsultationNote,
    GrievanceAssessment,
    GrievanceCriterion,
    GrievanceRating,
    GrievanceScore,
    Remedy,
)
from convenant.engagement.models.cases import CONSULTATION_REDACTABLE
from convenant.engagement.views.case_common import case_context, case_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Forms -------------------------------------------------------------------------------


def _affected_groups() -> list[tuple[str, str]]:
    from convenant.signals.models import AffectedGroup

    return [(str(value), str(label)) for value, label in AffectedGroup.choices]


class ConsultationForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=DATE)
    kind = forms.ChoiceField(label=gettext_lazy("With"), choices=Consultation.Kind.choices)
    with_whom = forms.CharField(label=gettext_lazy("Who"), **limits.text_field(limits.LINE))
    groups = forms.MultipleChoiceField(
        label=gettext_lazy("Groups consulted"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.CharField(
        label=gettext_lazy("Names of people"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )
    site = forms.CharField(
        label=gettext_lazy("Exact location"), required=False, **limits.text_field(limits.LINE)
    )
    findings = forms.CharField(
        label=gettext_lazy("Findings"),
        widget=forms.Textarea(attrs={"rows": 5}),
        **limits.text_field(limits.TEXT),
    )
    people_at_risk = forms.BooleanField(
        label=gettext_lazy("People are at risk"),
        required=False,
        help_text=gettext_lazy(
            "Names and the exact location then stay with the sub-working group, always."
        ),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        required=False,
        choices=[
            (
                "",
                gettext_lazy(
                    "As the risk says: the sub-working group where people are at risk, "
                    "otherwise the case's readers"
                ),
            ),
            *CaseLevel.choices,
        ],
    )
    open_people = forms.BooleanField(
        label=gettext_lazy("Open the names of people to the case's readers"), required=False
    )
    open_site = forms.BooleanField(
        label=gettext_lazy("Open the exact location to the case's readers"), required=False
    )
    open_findings = forms.BooleanField(
        label=gettext_lazy("Open the findings to the case's readers"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = _affected_groups()  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "kind": data["kind"],
            "with_whom": data["with_whom"],
            "groups": data["groups"],
            "people": data["people"],
            "site": data["site"],
            "findings": data["findings"],
            "people_at_risk": data["people_at_risk"],
            "level": data["level"],
            "redactions": {
                field: CaseLevel.CASE for field in CONSULTATION_REDACTABLE if data[f"open_{field}"]
            },
        }


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Remedy.Kind.choices)
    what = forms.CharField(
        label=gettext_lazy("What"),
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    for_whom = forms.CharField(
        label=gettext_lazy("For whom"),
        required=False,
        **limits.text_field(
            limits.LINE, help_text=gettext_lazy("Required for remedy for affected people.")
        ),
    )
    by_whom = forms.CharField(
        label=gettext_lazy("By whom"), required=False, **limits.text_field(limits.LINE)
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Remedy.Status.choices)
    status_on = forms.DateField(label=gettext_lazy("Status since"), widget=DATE)
    due_on = forms.DateField(label=gettext_lazy("Due on"), required=False, widget=DATE)
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Who may read it"), choices=CaseLevel.choices, initial=CaseLevel.CASE
    )


class RemedyStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=Remedy.Status.choices)
    status_on = forms.DateField(label=gettext_lazy("Since"), widget=DATE)
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the history"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )


RATING_CHOICES = [("", "—")] + [(str(v), f"{v} · {label}") for v, label in GrievanceRating.choices]


class GrievanceForm(forms.Form):
    """All eight criteria, each a rating and its evidence. The fields are optional here so
    the action refuses a partial assessment with one message naming what is missing."""

    assessed_on = forms.DateField(label=gettext_lazy("Assessed on"), widget=DATE)
    mechanism = forms.CharField(
        label=gettext_lazy("Mechanism assessed"), **limits.text_field(limits.LINE)
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in GrievanceCriterion:
            self.fields[f"rating_{criterion.value}"] = forms.ChoiceField(
                label=criterion.label, choices=RATING_CHOICES, required=False
            )
            self.fields[f"evidence_{criterion.value}"] = forms.CharField(
                label=gettext_lazy("Evidence"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                **limits.text_field(limits.MESSAGE),
            )

    def criteria(self) -> list[tuple[Any, Any, Any]]:
        return [
            (c, self[f"rating_{c.value}"], self[f"evidence_{c.value}"]) for c in GrievanceCriterion
        ]

    def ratings(self) -> dict[str, tuple[Any, str]]:
        data = self.cleaned_data
        return {
            c.value: (data[f"rating_{c.value}"], data[f"evidence_{c.value}"])
            for c in GrievanceCriterion
            if data[f"rating_{c.value}"] != "" or data[f"evidence_{c.value}"]
        }


# --- Helpers -----------------------------------------------------------------------------


def _run(form: forms.Form, do: Any) -> Any:
    try:
        return do()
    except ActionError as error:
        show_on_form(form, error)
        return None


def _writable(request: HttpRequest, reference: str) -> Case:
    """The case, 404 if it may not be read, 403 if the reader may not record in it."""
    case = case_for(request, reference)
    access.require(actions.may_record(request.user, case))
    return case


def _exit_checks(case: Case, step: str) -> list[case_rules.Check]:
    """The exit criteria of the step this page belongs to, while the case stands in it."""
    if case.step != step or case.status != Case.Status.ACTIVE:
        return []
    return case_rules.exit_checks(step, case_rules.facts_of(case))


def _form_page(
    request: HttpRequest, case: Case, tab: str, form: forms.Form, title: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "engagement/cases/fieldwork/form.html",
        case_context(request, case, tab, form=form, title=title, **extra),
    )


# --- Step A: assessment ------------------------------------------------------------------


def consultation_rows(
    consultations: list[Consultation], in_group: bool, notes: dict[int, list[Any]] | None = None
) -> list[dict[str, Any]]:
    """Each consultation with its redactable fields as the reader may see them (``None``:
    hidden from this reader)."""
    groups = dict(_affected_groups())
    return [
        {
            "consultation": c,
            "groups": [groups.get(g, g) for g in c.groups],
            "locked": actions.is_locked(c),
            "notes": (notes or {}).get(c.pk, []),
            # For the group: what the case's other readers do not see of it.
            "closed": [
                str(label)
                for field, label in CONSULTATION_REDACTABLE.items()
                if not c.shows(field, in_group=False)
            ],
            **{
                field: getattr(c, field) if c.shows(field, in_group) else None
                for field in CONSULTATION_REDACTABLE
            },
        }
        for c in consultations
    ]


@login_required
@require_GET
def case_assessment(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    context = case_context(request, case, "case_assessment")
    consultations = list(
        Consultation.objects.visible_to(request.user).filter(case=case).order_by("-held_on", "-pk")
    )
    notes: dict[int, list[ConsultationNote]] = {}
    for note in (
        ConsultationNote.objects.visible_to(request.user)
        .filter(consultation__in=consultations)
        .select_related("written_by")
    ):
        notes.setdefault(note.consultation_id, []).append(note)
    context |= {
        "consultations": consultation_rows(consultations, context["standing"].in_group, notes),
        "note_form": NoteForm(),
        "exit_checks": _exit_checks(case, "A"),
        "may_record": actions.may_record(request.user, case),
        "impacts": _impacts(request, case),
    }
    return render(request, "engagement/cases/fieldwork/assessment.html", context)


def _impacts(request: HttpRequest, case: Case) -> list[dict[str, Any]]:
    """The case's themes, highest priority first: per theme the highest priority the
    reader's own funds' risks give the company and the covenant's findings on it (each
    through the risk app's own access rules, so a reader sees only what they may)."""
    from convenant.risk.models import CompanyFinding, RiskResult, Theme

    names = {t.key: str(t) for t in Theme.objects.in_force().filter(key__in=case.themes)}
    rank: dict[str, int] = {}
    label: dict[str, str] = {}
    findings: dict[str, int] = {}
    if case.issuer_id is not None:
        results = RiskResult.objects.visible_to(request.user).filter(
            issuer_id=case.issuer_id, theme__in=case.themes
        )
        for result in results.only("theme", "rank", "priority"):
            if result.rank > rank.get(result.theme, 0):
                rank[result.theme] = result.rank
                label[result.theme] = result.get_priority_display()
        for theme in (
            CompanyFinding.objects.visible_to(request.user)
            .active()
            .filter(issuer_id=case.issuer_id, theme__in=case.themes)
            .values_list("theme", flat=True)
        ):
            findings[theme] = findings.get(theme, 0) + 1
    rows = [
        {
            "theme": theme,
            "name": names.get(theme, theme),
            "priority": label.get(theme, ""),
            "findings": findings.get(theme, 0),
        }
        for theme in case.themes
    ]
    return sorted(rows, key=lambda row: -rank.get(row["theme"], 0))


@login_required
@require_http_methods(["GET", "POST"])
def consultation_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = _writable(request, reference)
    form = ConsultationForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: actions.record_consultation(by=request.user, case=case, **form.values()),
        )
        if done is not None:
            messages.success(request, _("The consultation was recorded."))
            return redirect("case_assessment", case.reference)
    return _form_page(request, case, "case_assessment", form, _("Record a consultation"))


@login_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access.get_visible_or_404(
        Consultation.objects.select_related("case"), request.user, pk=pk
    )
    case = consultation.case
    access.require(actions.may_record(request.user, case))
    if actions.is_locked(consultation):
        messages.error(request, _("This consultation is locked: it stands as recorded."))
        return redirect("case_assessment", case.reference)
    initial = {name: getattr(consultation, name) for name in actions.CONSULTATION_FIELDS} | {
        f"open_{f}": consultation.redactions.get(f) == CaseLevel.CASE
        for f in CONSULTATION_REDACTABLE
    }
    form = ConsultationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: actions.correct_consultation(
                by=request.user, consultation=consultation, **form.values()
            ),
        )
        if done is not None:
            messages.success(request, _("The consultation was corrected."))
            return redirect("case_assessment", case.reference)
    return _form_page(request, case, "case_assessment", form, _("Correct a consultation"))


@login_required
@require_POST
def consultation_note(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = access.get_visible_or_404(
        Consultation.objects.select_related("case"), request.user, pk=pk
    )
    case = consultation.case
    access.require(actions.may_record(request.user, case))
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            actions.annotate_consultation(
                by=request.user, consultation=consultation, text=form.cleaned_data["text"]
            )
        except ActionError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The note was added."))
    return redirect(
        reverse("case_assessment", args=[case.reference]) + f"#consultation-{consultation.pk}"
    )


# --- Step C: remediation -----------------------------------------------------------------


@login_required
@require_GET
def case_remediation(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    remedies = list(
        Remedy.objects.visible_to(request.user).filter(case=case).order_by("due_on", "pk")
    )
    history = actions.remedy_history(request.user, remedies)
    today = timezone.localdate()
    rows = [
        {
            "remedy": r,
            "history": history.get(r.pk, []),
            "overdue": r.due_on is not None
            and r.due_on < today
            and r.status not in (Remedy.Status.PROVIDED, Remedy.Status.REFUSED),
        }
        for r in remedies
    ]
    context = case_context(
        request,
        case,
        "case_remediation",
        remedies=[row for row in rows if row["remedy"].kind == Remedy.Kind.REMEDY],
        policy_changes=[row for row in rows if row["remedy"].kind == Remedy.Kind.POLICY_CHANGE],
        may_record=actions.may_record(request.user, case),
        exit_checks=_exit_checks(case, "C"),
    )
    return render(request, "engagement/cases/fieldwork/remediation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def remedy_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = _writable(request, reference)
    initial = {"status_on": timezone.localdate(), "kind": request.GET.get("kind", "remedy")}
    form = RemedyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            form,
            lambda: actions.record_remedy(
                by=request.user,
                case=case,
                kind=data["kind"],
                what=data["what"],
                for_whom=data["for_whom"],
                by_whom=data["by_whom"],
                status=data["status"],
                status_on=data["status_on"],
                due_on=data["due_on"],
                evidence=data["evidence"],
                level=data["level"],
            ),
        )
        if done is not None:
            messages.success(request, _("It was recorded."))
            return redirect("case_remediation", case.reference)
    return _form_page(
        request, case, "case_remediation", form, _("Record remedy or a policy change")
    )


@login_required
@require_http_methods(["GET", "POST"])
def remedy_update(request: HttpRequest, pk: int) -> HttpResponse:
    remedy = access.get_visible_or_404(Remedy.objects.select_related("case"), request.user, pk=pk)
    case = remedy.case
    access.require(actions.may_record(request.user, case))
    form = RemedyStatusForm(
        request.POST or None,
        initial={
            "status": remedy.status,
            "status_on": timezone.localdate(),
            "evidence": remedy.evidence,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            form,
            lambda: actions.update_remedy(
                by=request.user,
                remedy=remedy,
                status=data["status"],
                status_on=data["status_on"],
                evidence=data["evidence"],
                note=data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("The status was updated."))
            return redirect("case_remediation", case.reference)
    return _form_page(request, case, "case_remediation", form, _("New status"), subject=remedy.what)


# --- Step D: monitoring ------------------------------------------------------------------


def milestone_rows(milestones: list[CaseMilestone], today: datetime.date) -> list[dict[str, Any]]:
    def state(m: CaseMilestone) -> tuple[str, Any]:
        if m.reached_on is not None:
            return "reached", _("Reached")
        if m.target_on is None:
            return "undated", _("No target date")
        if m.target_on < today:
            return "overdue", _("Overdue")
        return "on_track", _("On track")

    return [{"milestone": m, "state": state(m)[0], "label": state(m)[1]} for m in milestones]


def grievance_trend(
    assessments: list[GrievanceAssessment], scores: list[GrievanceScore]
) -> dict[str, Any]:
    """The criteria × assessments table (oldest first), each cell with the rating, its
    evidence and the direction against the previous assessment; and per assessment its
    profile as bar heights for a small inline SVG."""
    by: dict[tuple[int, str], GrievanceScore] = {(s.assessment_id, s.criterion): s for s in scores}
    rows = []
    for criterion in GrievanceCriterion:
        cells = []
        previous: int | None = None
        for a in assessments:
            score = by.get((a.pk, criterion.value))
            rating = score.rating if score else None
            trend = ""
            if rating is not None and previous is not None:
                trend = "up" if rating > previous else "down" if rating < previous else "same"
            cells.append(
                {
                    "rating": rating,
                    "label": GrievanceRating(rating).label if rating is not None else "",
                    "evidence": score.evidence if score else "",
                    "trend": trend,
                    "width": round(100 * rating / 3) if rating is not None else 0,
                }
            )
            if rating is not None:
                previous = rating
        rows.append({"criterion": criterion, "cells": cells})
    columns = []
    for a in assessments:
        given = [by[(a.pk, c.value)] for c in GrievanceCriterion if (a.pk, c.value) in by]
        ratings = [s.rating for s in given]
        columns.append(
            {
                "assessment": a,
                "total": sum(ratings),
                "max": 3 * len(GrievanceCriterion),
                # Bars of the profile: x, height (of 30) per criterion.
                "evidence": [(s.get_criterion_display(), s.rating, s.evidence) for s in given],
                "bars": [
                    {"x": 2 + 10 * i, "h": 10 * r, "y": 32 - 10 * r} for i, r in enumerate(ratings)
                ],
            }
        )
    return {"rows": rows, "columns": columns}


@login_required
@require_GET
def case_monitoring(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    milestones = list(
        CaseMilestone.objects.visible_to(request.user).filter(case=case).order_by("order", "pk")
    )
    assessments = list(
        GrievanceAssessment.objects.visible_to(request.user)
        .filter(case=case)
        .order_by("assessed_on", "pk")
    )
    scores = list(
        GrievanceScore.objects.visible_to(request.user).filter(assessment__in=assessments)
    )
    rows = milestone_rows(milestones, timezone.localdate())
    context = case_context(
        request,
        case,
        "case_monitoring",
        milestones=rows,
        counts={
            state: sum(1 for r in rows if r["state"] == state)
            for state in ("reached", "on_track", "overdue", "undated")
        },
        trend=grievance_trend(assessments, scores),
        may_record=actions.may_record(request.user, case),
        exit_checks=_exit_checks(case, "D"),
    )
    return render(request, "engagement/cases/fieldwork/monitoring.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def grievance_assess(request: HttpRequest, reference: str) -> HttpResponse:
    case = _writable(request, reference)
    last = (
        GrievanceAssessment.objects.visible_to(request.user)
        .filter(case=case)
        .order_by("-assessed_on", "-pk")
        .first()
    )
    initial: dict[str, Any] = {"assessed_on": timezone.localdate()}
    if last is not None:
        initial["mechanism"] = last.mechanism
    form = GrievanceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            form,
            lambda: actions.assess_grievance_mechanism(
                by=request.user,
                case=case,
                assessed_on=data["assessed_on"],
                mechanism=data["mechanism"],
                summary=data["summary"],
                ratings=form.ratings(),
            ),
        )
        if done is not None:
            messages.success(request, _("The assessment was recorded."))
            return redirect("case_monitoring", case.reference)
    return render(
        request,
        "engagement/cases/fieldwork/grievance_form.html",
        case_context(
            request,
            case,
            "case_monitoring",
            form=form,
            title=_("Assess the grievance mechanism"),
        ),
    )
