"""Views of the deep track: a case's yearly lessons at three levels, a lesson put to the steering
group as a recommendation for the toolkit, and the case's closure (outcome, rationale, lessons)
reported to the monitoring committee and the steering group.

One page (``case_lessons``) shows the lessons by year and level, the years still missing a
level, each recommendation with its proposal's state, and the forms the reader's rights
allow; the forms post to their own URLs and come back to the page with their errors."""

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
from django.views.decorators.http import require_GET, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.engagement.actions import closure as actions
from convenant.engagement.models import Case, Lesson
from convenant.engagement.views.case_common import case_context, case_for, standing_in
from convenant.governance.models import Proposal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LessonForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=Lesson.Level.choices)
    text = forms.CharField(
        label=gettext_lazy("Lesson"),
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = actions.lesson_years(case)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(str(y), str(y)) for y in reversed(years)]
        field.initial = str(years[-1])


class RecommendForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title of the proposal"),
        required=False,
        **limits.text_field(limits.LINE),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[("", "—"), *[(v, label) for v, label in Case.Outcome.choices if v]],
    )
    rationale = forms.CharField(
        label=gettext_lazy("Rationale"),
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.TEXT),
    )
    lesson_issue = forms.CharField(
        label=gettext_lazy("Closing lesson: the issue (what approach works)"),
        required=False,  # the action names every level still missing, in one message
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    lesson_collaboration = forms.CharField(
        label=gettext_lazy("Closing lesson: collaboration"),
        required=False,  # the action names every level still missing, in one message
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    lesson_policy = forms.CharField(
        label=gettext_lazy("Closing lesson: policy implications"),
        required=False,  # the action names every level still missing, in one message
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    closed_on = forms.DateField(label=gettext_lazy("Closed on"), widget=DATE)


def _proposals(lessons: list[Lesson], user: Any) -> dict[int, dict[str, Any]]:
    """Per recommendation: its number and state for every reader of the lesson; a link only
    for whoever reads the proposal itself (the steering group, the secretariat)."""
    proposals = actions.recommendations_of(lessons)
    if not proposals:
        return {}
    readable = set(
        Proposal.objects.visible_to(user).filter(pk__in=proposals).values_list("pk", flat=True)
    )
    found = {}
    for proposal in proposals.values():
        found[proposal.pk] = {
            "number": proposal.number,
            "state": proposal.get_state_display(),
            "outcome": proposal.get_outcome_display() if proposal.outcome else "",
            "url": reverse("proposal_detail", args=[proposal.number])
            if proposal.pk in readable
            else "",
        }
    return found


def _page(
    request: HttpRequest,
    case: Case,
    *,
    lesson_form: LessonForm | None = None,
    close_form: CloseForm | None = None,
    recommend_errors: dict[int, str] | None = None,
) -> HttpResponse:
    user = request.user
    standing = standing_in(request, case)
    lessons = list(
        Lesson.objects.visible_to(user).filter(case=case).order_by("year", "level", "pk")
    )
    proposals = _proposals(lessons, user)
    years: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for lesson in lessons:
        years.setdefault(lesson.year, {}).setdefault(lesson.level, []).append(
            {"lesson": lesson, "proposal": proposals.get(lesson.recommendation_id or 0)}
        )
    labels = dict(Lesson.Level.choices)
    by_year = [
        {
            "year": year,
            "levels": [
                {"level": level, "label": labels[level], "lessons": years[year].get(level, [])}
                for level in Lesson.Level.values
            ],
        }
        for year in sorted(years, reverse=True)
    ]
    missing = [
        {"year": year, "levels": [labels[level] for level in levels]}
        for year, levels in sorted(actions.missing_levels(case, lessons).items())
    ]
    active = case.status == Case.Status.ACTIVE
    may_close = active and standing.may("close")
    context = case_context(
        request,
        case,
        "case_lessons",
        by_year=by_year,
        missing=missing,
        may_record=active and standing.may("record"),
        may_recommend=actions.may_recommend(user, case),
        may_close=may_close,
        lesson_form=lesson_form or LessonForm(case=case),
        close_form=close_form or CloseForm(initial={"closed_on": timezone.localdate()}),
        close_refusals=actions.closure_refusals(case, Case.Outcome.SUCCESSFUL) if may_close else [],
        recommend_errors=recommend_errors or {},
    )
    return render(request, "engagement/cases/closure/lessons.html", context)


@login_required
@require_GET
def case_lessons(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, case_for(request, reference))


@login_required
@require_POST
def case_lesson_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    access.require(standing_in(request, case).may("record"))
    form = LessonForm(request.POST, case=case)
    if form.is_valid():
        try:
            actions.record_lesson(
                by=request.user,
                case=case,
                year=form.cleaned_data["year"],
                level=form.cleaned_data["level"],
                text=form.cleaned_data["text"],
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The lesson is recorded."))
            return redirect("case_lessons", case.reference)
    return _page(request, case, lesson_form=form)


@login_required
@require_POST
def case_lesson_recommend(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = case_for(request, reference)
    lesson = access.get_visible_or_404(Lesson.objects.filter(case=case), request.user, pk=pk)
    access.require(actions.may_recommend(request.user, case))
    form = RecommendForm(request.POST)
    error_text = ""
    if form.is_valid():
        try:
            proposal = actions.recommend_lesson(
                by=request.user, lesson=lesson, title=form.cleaned_data["title"]
            )
        except ActionError as error:
            error_text = error.messages[0]
        else:
            messages.success(
                request,
                _("The lesson is put to the steering group as proposal #%(n)s.")
                % {"n": proposal.number},
            )
            return redirect("case_lessons", case.reference)
    else:
        error_text = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    return _page(request, case, recommend_errors={lesson.pk: error_text})


@login_required
@require_POST
def case_close(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    access.require(standing_in(request, case).may("close"))
    form = CloseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        closed_on: datetime.date = data["closed_on"]
        try:
            actions.close_case(
                by=request.user,
                case=case,
                outcome=data["outcome"],
                rationale=data["rationale"],
                lessons={level: data[f"lesson_{level}"] for level in Lesson.Level.values},
                closed_on=closed_on,
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("The case is closed; the steering group and the monitoring committee are told."),
            )
            return redirect("case_lessons", case.reference)
    return _page(request, case, close_form=form)


# --- The dashboard ------------------------------------------------------------------------


def _anniversary(selected_on: datetime.date, year: int) -> datetime.date:
    try:
        return selected_on.replace(year=year)
    except ValueError:  # selected on 29 February
        return datetime.date(year, 2, 28)


def lessons_due_panel(request: HttpRequest, actor: access.Actor) -> dict[str, Any] | None:
    """For a lead fund's person: the running cases they lead whose lessons of this year are
    still missing a level once the case's anniversary has passed."""
    if not actor.user_id or not actor.body_ids:
        return None
    from convenant.engagement.case_rules import current_membership_q
    from convenant.engagement.models import CaseMember, CaseRole

    today = timezone.localdate()
    led = (
        CaseMember.objects.visible_to(request.user)
        .filter(
            role=CaseRole.LEAD_FUND,
            membership__user_id=actor.user_id,
            case__status=Case.Status.ACTIVE,
            case__selected_on__year__lt=today.year,
        )
        .filter(current_membership_q("membership__"))
        .select_related("case")
        .order_by("case__reference")
    )
    cases = [m.case for m in led if _anniversary(m.case.selected_on, today.year) <= today]
    if not cases:
        return None
    have: dict[int, set[str]] = {}
    for case_id, level in (
        Lesson.objects.visible_to(request.user)
        .filter(case__in=cases, year=today.year)
        .values_list("case_id", "level")
    ):
        have.setdefault(case_id, set()).add(level)
    labels = dict(Lesson.Level.choices)
    rows = [
        {
            "case": case,
            "levels": [labels[v] for v in Lesson.Level.values if v not in have.get(case.pk, set())],
        }
        for case in cases
    ]
    rows = [row for row in rows if row["levels"]]
    return {"rows": rows, "year": today.year} if rows else None
