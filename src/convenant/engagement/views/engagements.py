"""Engagement views: engagements — a fund's list (status, theme, escalation due), an
engagement's page (its target, parties, linked risks and signals, objectives with their
milestones as a 1–4 track, activities newest first with notes and documents, the step
suggested next and the leverage) and a form for each action.

Every read goes through ``visible_to(user)``; every write through the actions, which check
who may (an editor of a party taking part, or the secretariat)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convenant.core import access, limits
from convenant.core.access import Visibility
from convenant.core.errors import ActionError, show_on_form
from convenant.core.http import content_type_of, extension_of, private_download
from convenant.engagement.actions import engagements as actions
from convenant.engagement.leverage import leverage_of
from convenant.engagement.models import (
    Activity,
    ActivityAttachment,
    ActivityNote,
    Case,
    Engagement,
    LadderStep,
    Milestone,
    Objective,
    Participant,
    RiskLink,
    SignalLink,
)
from convenant.engagement.progress import progress_of
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer, Position, Snapshot

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Forms -------------------------------------------------------------------------------


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def _party_choices(user: Any, *, funds_only: bool = False) -> list[tuple[str, str]]:
    actor = access.actor_for(user)
    parties = Party.objects.visible_to(user).active()
    if funds_only:
        parties = parties.funds()
    if not actor.is_secretariat:
        parties = parties.filter(pk__in=actor.party_ids_with(access.Role.EDITOR))
    return [("", "—")] + [(str(p.pk), p.display_name) for p in parties.order_by("name")]


def _held_issuers(user: Any) -> list[tuple[str, str]]:
    """The companies in the reader's funds' latest snapshots: an engagement usually starts
    on a company held."""
    latest = Snapshot.objects.visible_to(user).latest_per_fund()
    issuers = (
        Position.objects.visible_to(user)
        .filter(snapshot__in=latest, issuer__isnull=False)
        .values_list("issuer_id", "issuer__legal_name")
        .distinct()
        .order_by("issuer__legal_name")
    )
    return [("", "—")] + [(str(pk), name) for pk, name in issuers]


class EngagementForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), **limits.text_field(limits.LINE))
    target = forms.ChoiceField(label=gettext_lazy("Target"), choices=Engagement.Target.choices)
    issuer = forms.ChoiceField(label=gettext_lazy("A company you hold"), required=False)
    issuer_number = forms.IntegerField(
        label=gettext_lazy("or the company's number"), required=False, min_value=1
    )
    sector_code = forms.CharField(
        label=gettext_lazy("Sector (GICS code)"), required=False, **limits.text_field(20)
    )
    issue = forms.CharField(label=gettext_lazy("Issue"), required=False, **limits.text_field(300))
    themes = forms.CharField(
        label=gettext_lazy("Themes"),
        required=False,
        **limits.text_field(
            limits.LINE, help_text=gettext_lazy("Keys separated by commas, e.g. living-wage.")
        ),
    )
    lead_party = forms.ChoiceField(label=gettext_lazy("Lead party"))
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DATE)
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        choices=Visibility.choices,
        initial=Visibility.RESTRICTED,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _set_choices(self, "issuer", _held_issuers(user))
        _set_choices(self, "lead_party", _party_choices(user))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = data.get("issuer_number") or (int(data["issuer"]) if data.get("issuer") else 0)
        data["issuer_obj"] = None
        if number:
            data["issuer_obj"] = Issuer.objects.visible_to(self.user).filter(pk=number).first()
            if data["issuer_obj"] is None:
                self.add_error("issuer_number", _("No company with this number."))
        return data


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Objective"), **limits.text_field(limits.LINE))
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.TEXT),
    )
    theme = forms.SlugField(label=gettext_lazy("Theme"), required=False, max_length=40)
    target_1 = forms.DateField(
        label=gettext_lazy("Target: concern raised"), required=False, widget=DATE
    )
    target_2 = forms.DateField(
        label=gettext_lazy("Target: acknowledged by the company"), required=False, widget=DATE
    )
    target_3 = forms.DateField(
        label=gettext_lazy("Target: plan or policy developed"), required=False, widget=DATE
    )
    target_4 = forms.DateField(
        label=gettext_lazy("Target: implemented"), required=False, widget=DATE
    )


class MilestoneTargetForm(forms.Form):
    target_on = forms.DateField(label=gettext_lazy("Target date"), required=False, widget=DATE)


class MilestoneReachedForm(forms.Form):
    reached_on = forms.DateField(label=gettext_lazy("Reached on"), widget=DATE)
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.TEXT),
    )
    out_of_order_reason = forms.CharField(
        label=gettext_lazy("Why before an earlier milestone"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[c for c in Objective.Outcome.choices if c[0]],
    )
    rationale = forms.CharField(
        label=gettext_lazy("Rationale"),
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.MESSAGE),
    )
    closed_on = forms.DateField(label=gettext_lazy("Closed on"), widget=DATE)


class ActivityForm(forms.Form):
    step = forms.ChoiceField(label=gettext_lazy("Step on the ladder"))
    occurred_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    party = forms.ChoiceField(label=gettext_lazy("Acting party"))
    objective = forms.ChoiceField(label=gettext_lazy("Objective"), required=False)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.TEXT),
    )
    participants = forms.CharField(
        label=gettext_lazy("Participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )
    company_response = forms.CharField(
        label=gettext_lazy("The company's response"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    confidentiality = forms.ChoiceField(
        label=gettext_lazy("Confidentiality"),
        choices=Visibility.choices,
        initial=Visibility.RESTRICTED,
    )
    agm_item = forms.CharField(
        label=gettext_lazy("AGM item"), required=False, **limits.text_field(limits.LINE)
    )
    vote = forms.ChoiceField(
        label=gettext_lazy("The fund's vote"), required=False, choices=Activity.Vote.choices
    )
    vote_rationale = forms.CharField(
        label=gettext_lazy("Rationale of the vote"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )

    def __init__(self, *args: Any, user: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self, "step", [(s.key, str(s)) for s in LadderStep.objects.in_force().order_by("order")]
        )
        taking_part = {p.party_id for p in actions.current_participants(engagement)}
        _set_choices(
            self, "party", [c for c in _party_choices(user) if not c[0] or int(c[0]) in taking_part]
        )
        _set_choices(
            self,
            "objective",
            [("", "—")]
            + [
                (str(o.pk), o.title)
                for o in Objective.objects.visible_to(user).filter(engagement=engagement)
            ],
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.MESSAGE),
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), required=False, **limits.text_field(200))
    file = forms.FileField(label=gettext_lazy("Document"))


class ParticipantForm(forms.Form):
    party = forms.ChoiceField(label=gettext_lazy("Party"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Participant.Role.choices[1:])
    start = forms.DateField(label=gettext_lazy("From"), widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "party",
            [("", "—")]
            + [(str(p.pk), p.display_name) for p in Party.objects.active().order_by("name")],
        )


class CloseForm(forms.Form):
    """Close an engagement: a date and a note, and an outcome for each objective still open
    (an engagement never closes with an objective left open)."""

    closed_on = forms.DateField(label=gettext_lazy("Closed on"), widget=DATE)
    note = forms.CharField(
        label=gettext_lazy("Closing note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.MESSAGE),
    )

    def __init__(self, *args: Any, open_objectives: list[Objective], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_objectives = open_objectives
        if open_objectives:
            self.fields["closed_on"].help_text = _(
                "Each objective still open gets its outcome on this date."
            )
        outcomes = [("", "—")] + [c for c in Objective.Outcome.choices if c[0]]
        for o in open_objectives:
            self.fields[f"outcome_{o.pk}"] = forms.ChoiceField(
                label=_("Outcome: %(objective)s") % {"objective": o.title}, choices=outcomes
            )
            self.fields[f"rationale_{o.pk}"] = forms.CharField(
                label=_("Rationale: %(objective)s") % {"objective": o.title},
                widget=forms.Textarea(attrs={"rows": 2}),
                **limits.text_field(limits.MESSAGE),
            )

    def outcomes(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            o.pk: (data[f"outcome_{o.pk}"], data[f"rationale_{o.pk}"]) for o in self.open_objectives
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is reopened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.MESSAGE),
    )


class ParticipantEndForm(forms.Form):
    end = forms.DateField(label=gettext_lazy("Until"), required=False, widget=DATE)


class RiskLinkForm(forms.Form):
    theme = forms.SlugField(label=gettext_lazy("Theme of the risk"), max_length=40)


class SignalLinkForm(forms.Form):
    signal = forms.CharField(label=gettext_lazy("Signal reference"), **limits.text_field(40))


# --- Helpers -----------------------------------------------------------------------------


def _engagement(request: HttpRequest, pk: int) -> Engagement:
    return access.get_visible_or_404(
        Engagement.objects.select_related("issuer", "lead_party"), request.user, pk=pk
    )


def _editable(request: HttpRequest, pk: int) -> Engagement:
    """The engagement, 404 if it may not be read, 403 if it may be read but not written."""
    engagement = _engagement(request, pk)
    access.require(actions.can_edit(request.user, engagement))
    return engagement


def _form_page(
    request: HttpRequest,
    engagement: Engagement,
    form: forms.Form,
    title: str,
    *,
    multipart: bool = False,
) -> HttpResponse:
    return render(
        request,
        "engagement/engagement_form.html",
        {"engagement": engagement, "form": form, "title": title, "multipart": multipart},
    )


def _run(form: forms.Form, do: Any) -> Any:
    try:
        return do()
    except ActionError as error:
        show_on_form(form, error)
        return None


def _party(pk: Any) -> Any:
    return Party.objects.filter(pk=int(pk)).first() if pk else None


# --- The list ----------------------------------------------------------------------------


@login_required
@require_GET
def engagement_list(request: HttpRequest) -> HttpResponse:
    """The engagements the reader may read, their own party's first; filtered by status,
    theme and escalation due."""
    actor = access.actor_for(request.user)
    engagements = Engagement.objects.visible_to(request.user).select_related("issuer", "lead_party")
    status = request.GET.get("status", "active")
    if status in Engagement.Status.values:
        engagements = engagements.filter(status=status)
    else:
        status = ""
    theme = request.GET.get("theme", "").strip()[:40]
    if theme:
        engagements = engagements.filter(themes__contains=[theme])
    # The deep-track cases the reader may read name themselves in the filter and the rows;
    # an engagement on a case the reader may not read shows no case.
    cases = {c.pk: c for c in Case.objects.visible_to(request.user).order_by("reference")}
    case = request.GET.get("case", "").strip()[:40]
    if case == "none":
        engagements = engagements.filter(case__isnull=True)
    elif case == "any":
        engagements = engagements.filter(case__isnull=False)
    elif case:
        chosen = [pk for pk, c in cases.items() if c.reference == case]
        engagements = engagements.filter(case_id__in=chosen)
    mine = request.GET.get("mine", "1" if actor.party_ids else "") == "1"
    if mine:
        engagements = engagements.filter(participants__party_id__in=actor.party_ids).distinct()
    rows = list(engagements.order_by("-start_date", "title")[:500])
    progress = progress_of(rows, request.user)
    due_only = request.GET.get("due") == "1"
    listed = [
        {"engagement": e, "progress": progress[e.pk], "case": cases.get(e.case_id or 0)}
        for e in rows
        if not due_only or progress[e.pk].due
    ]
    themes = sorted({t for e in rows for t in e.themes})
    return render(
        request,
        "engagement/engagement_list.html",
        {
            "rows": listed,
            "status": status,
            "theme": theme,
            "themes": themes,
            "due_only": due_only,
            "mine": mine,
            "case": case,
            "cases": list(cases.values()),
            "statuses": Engagement.Status.choices,
            "can_start": actor.is_secretariat or bool(actor.party_ids_with(access.Role.EDITOR)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def engagement_add(request: HttpRequest) -> HttpResponse:
    actor = access.actor_for(request.user)
    access.require(actor.is_secretariat or bool(actor.party_ids_with(access.Role.EDITOR)))
    form = EngagementForm(
        request.POST or None,
        user=request.user,
        initial={"start_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        engagement = _run(
            form,
            lambda: actions.create_engagement(
                by=request.user,
                title=data["title"],
                target=data["target"],
                issuer=data["issuer_obj"],
                sector_code=data["sector_code"],
                issue=data["issue"],
                themes=data["themes"].split(","),
                lead_party=_party(data["lead_party"]),
                start_date=data["start_date"],
                visibility=data["visibility"],
            ),
        )
        if engagement is not None:
            messages.success(request, _("The engagement was started."))
            return redirect("engagement_detail", engagement.pk)
    return render(
        request,
        "engagement/engagement_form.html",
        {"engagement": None, "form": form, "title": _("Start an engagement")},
    )


# --- An engagement's page ----------------------------------------------------------------


def _reference_date(request: HttpRequest) -> datetime.date:
    raw = request.GET.get("on", "")
    try:
        return datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        messages.warning(request, _("“%(date)s” is not a date: showing today.") % {"date": raw})
        return timezone.localdate()


@login_required
@require_GET
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    user = request.user
    progress = progress_of([engagement], user)[engagement.pk]
    objectives = list(Objective.objects.visible_to(user).filter(engagement=engagement))
    milestones: dict[int, list[Milestone]] = {o.pk: [] for o in objectives}
    for m in Milestone.objects.visible_to(user).filter(objective__engagement=engagement):
        milestones[m.objective_id].append(m)
    activities = list(
        Activity.objects.visible_to(user)
        .filter(engagement=engagement)
        .select_related("party", "objective")
        .order_by("-occurred_on", "-pk")
    )
    notes: dict[int, list[ActivityNote]] = {a.pk: [] for a in activities}
    for n in ActivityNote.objects.visible_to(user).filter(activity__engagement=engagement):
        notes[n.activity_id].append(n)
    documents: dict[int, list[ActivityAttachment]] = {a.pk: [] for a in activities}
    for d in ActivityAttachment.objects.visible_to(user).filter(activity__engagement=engagement):
        documents[d.activity_id].append(d)
    steps = {s.key: s for s in LadderStep.objects.all()}
    can_edit = actions.can_edit(user, engagement) and engagement.status == "active"
    case = None
    if engagement.case_id is not None:
        case = Case.objects.visible_to(user).filter(pk=engagement.case_id).first()
    return render(
        request,
        "engagement/engagement_detail.html",
        {
            "engagement": engagement,
            "participants": Participant.objects.visible_to(user)
            .filter(engagement=engagement)
            .select_related("party")
            .order_by("end", "role", "start"),
            "risks": RiskLink.objects.visible_to(user)
            .filter(engagement=engagement)
            .select_related("issuer"),
            "signals": _readable_signals(engagement, user),
            "objectives": [
                {
                    "objective": o,
                    "milestones": milestones[o.pk],
                    "escalation": progress.escalation.get(o.pk),
                }
                for o in objectives
            ],
            "activities": [
                {
                    "activity": a,
                    "step": steps.get(a.step),
                    "notes": notes[a.pk],
                    "documents": documents[a.pk],
                    "locked": actions.is_locked(a),
                }
                for a in activities
            ],
            "progress": progress,
            "leverage": leverage_of(engagement, user, _reference_date(request)),
            "can_edit": can_edit,
            "can_close": actions.can_close(user, engagement),
            "case": case,
            "case_url": _case_url(case),
            "note_form": NoteForm(),
            "attachment_form": AttachmentForm(),
            "participant_form": ParticipantForm(user=user, initial={"start": timezone.localdate()}),
            "risk_form": RiskLinkForm(),
            "signal_form": SignalLinkForm(),
        },
    )


def _case_url(case: Case | None) -> str:
    """The case's page, once the deep track has one (its URL name ``case_detail``)."""
    if case is None:
        return ""
    try:
        return reverse("case_detail", args=[case.reference])
    except NoReverseMatch:
        return ""


def _readable_signals(engagement: Engagement, user: Any) -> list[Any]:
    """The linked signals this reader may read; the others are not named."""
    from convenant.signals.models import Signal

    ids = SignalLink.objects.visible_to(user).filter(engagement=engagement).values("signal_id")
    return list(Signal.objects.visible_to(user).filter(pk__in=ids))


# --- Forms for each action ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _editable(request, pk)
    form = ObjectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        objective = _run(
            form,
            lambda: actions.add_objective(
                by=request.user,
                engagement=engagement,
                title=data["title"],
                description=data["description"],
                theme=data["theme"],
                targets={n: data[f"target_{n}"] for n in (1, 2, 3, 4) if data[f"target_{n}"]},
            ),
        )
        if objective is not None:
            messages.success(request, _("The objective was added."))
            return redirect("engagement_detail", engagement.pk)
    return _form_page(request, engagement, form, _("Add an objective"))


def _open_objective(request: HttpRequest, pk: int) -> Objective:
    objective = access.get_visible_or_404(
        Objective.objects.select_related("engagement"), request.user, pk=pk
    )
    access.require(actions.can_edit(request.user, objective.engagement))
    return objective


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an objective: its title, description, theme and the target dates of the
    milestones not yet reached."""
    objective = _open_objective(request, pk)
    engagement = objective.engagement
    back = reverse("engagement_detail", args=[engagement.pk]) + f"#objective-{objective.pk}"
    if objective.outcome:
        messages.error(request, _("This objective is closed."))
        return redirect(back)
    milestones = {
        m.number: m for m in Milestone.objects.visible_to(request.user).filter(objective=objective)
    }
    initial: dict[str, Any] = {
        "title": objective.title,
        "description": objective.description,
        "theme": objective.theme,
    }
    form = ObjectiveForm(request.POST or None, initial=initial)
    for n, m in milestones.items():
        form.fields[f"target_{n}"].initial = m.target_on
        if m.reached_on is not None:
            # A reached milestone keeps its dates: shown, not sent.
            form.fields[f"target_{n}"].disabled = True
            form.fields[f"target_{n}"].help_text = _("Reached on %(date)s.") % {
                "date": date_format(m.reached_on)
            }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        targets = {
            n: data[f"target_{n}"]
            for n in (1, 2, 3, 4)
            if n in milestones and milestones[n].reached_on is None
        }
        done = _run(
            form,
            lambda: actions.update_objective(
                by=request.user,
                objective=objective,
                title=data["title"],
                description=data["description"],
                theme=data["theme"],
                targets=targets,
            ),
        )
        if done is not None:
            messages.success(request, _("The objective was corrected."))
            return redirect(back)
    return _form_page(
        request, engagement, form, _("Correct: %(objective)s") % {"objective": objective.title}
    )


@login_required
@require_http_methods(["GET", "POST"])
def engagement_close(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    access.require(actions.can_close(request.user, engagement))
    if engagement.status == Engagement.Status.CLOSED:
        messages.error(request, _("This engagement is closed."))
        return _back_to(engagement)
    open_objectives = list(
        Objective.objects.visible_to(request.user)
        .filter(engagement=engagement, outcome="")
        .order_by("pk")
    )
    form = CloseForm(
        request.POST or None,
        open_objectives=open_objectives,
        initial={"closed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: actions.close_engagement(
                by=request.user,
                engagement=engagement,
                closed_on=form.cleaned_data["closed_on"],
                note=form.cleaned_data["note"],
                outcomes=form.outcomes(),
            ),
        )
        if done is not None:
            messages.success(request, _("The engagement was closed."))
            return _back_to(engagement)
    return _form_page(request, engagement, form, _("Close the engagement"))


@login_required
@require_http_methods(["GET", "POST"])
def engagement_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    access.require(actions.can_close(request.user, engagement))
    if engagement.status != Engagement.Status.CLOSED:
        messages.error(request, _("This engagement is not closed."))
        return _back_to(engagement)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: actions.reopen_engagement(
                by=request.user, engagement=engagement, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("The engagement was reopened."))
            return _back_to(engagement)
    return _form_page(request, engagement, form, _("Reopen the engagement"))


def _milestone(request: HttpRequest, pk: int) -> Milestone:
    milestone = access.get_visible_or_404(
        Milestone.objects.select_related("objective__engagement"), request.user, pk=pk
    )
    access.require(actions.can_edit(request.user, milestone.objective.engagement))
    return milestone


@login_required
@require_http_methods(["GET", "POST"])
def milestone_target(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    engagement = milestone.objective.engagement
    form = MilestoneTargetForm(request.POST or None, initial={"target_on": milestone.target_on})
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: actions.set_milestone_target(
                by=request.user, milestone=milestone, target_on=form.cleaned_data["target_on"]
            ),
        )
        if done is not None:
            messages.success(request, _("The target date was saved."))
            return redirect("engagement_detail", engagement.pk)
    title = _("Target date: %(milestone)s") % {"milestone": milestone.get_number_display()}
    return _form_page(request, engagement, form, title)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_reach(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    engagement = milestone.objective.engagement
    form = MilestoneReachedForm(request.POST or None, initial={"reached_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            form,
            lambda: actions.reach_milestone(
                by=request.user,
                milestone=milestone,
                reached_on=data["reached_on"],
                evidence=data["evidence"],
                out_of_order_reason=data["out_of_order_reason"],
            ),
        )
        if done is not None:
            messages.success(request, _("The milestone was reached."))
            return redirect("engagement_detail", engagement.pk)
    title = _("Milestone reached: %(milestone)s") % {"milestone": milestone.get_number_display()}
    return _form_page(request, engagement, form, title)


@login_required
@require_http_methods(["GET", "POST"])
def objective_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    objective = access.get_visible_or_404(
        Objective.objects.select_related("engagement"), request.user, pk=pk
    )
    engagement = objective.engagement
    access.require(actions.can_edit(request.user, engagement))
    form = OutcomeForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _run(
            form,
            lambda: actions.record_outcome(
                by=request.user,
                objective=objective,
                outcome=data["outcome"],
                rationale=data["rationale"],
                closed_on=data["closed_on"],
            ),
        )
        if done is not None:
            messages.success(request, _("The outcome was recorded."))
            return redirect("engagement_detail", engagement.pk)
    return _form_page(
        request, engagement, form, _("Outcome: %(objective)s") % {"objective": objective.title}
    )


def _activity_values(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    objective = None
    if data["objective"]:
        objective = Objective.objects.visible_to(request.user).filter(pk=data["objective"]).first()
    return {
        "step": data["step"],
        "occurred_on": data["occurred_on"],
        "objective": objective,
        "summary": data["summary"],
        "participants": data["participants"],
        "company_response": data["company_response"],
        "confidentiality": data["confidentiality"],
        "agm_item": data["agm_item"],
        "vote": data["vote"],
        "vote_rationale": data["vote_rationale"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _editable(request, pk)
    initial: dict[str, Any] = {"occurred_on": timezone.localdate()}
    suggested = progress_of([engagement], request.user)[engagement.pk].next_step
    if suggested is not None:
        initial["step"] = suggested.key
    form = ActivityForm(
        request.POST or None, user=request.user, engagement=engagement, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        values = _activity_values(request, form.cleaned_data)
        party = _party(form.cleaned_data["party"])
        activity = _run(
            form,
            lambda: actions.log_activity(
                by=request.user, engagement=engagement, party=party, **values
            ),
        )
        if activity is not None:
            messages.success(request, _("The activity was logged."))
            return redirect(reverse("engagement_detail", args=[engagement.pk]) + "#activities")
    return _form_page(request, engagement, form, _("Log an activity"))


def _activity(request: HttpRequest, pk: int) -> Activity:
    activity = access.get_visible_or_404(
        Activity.objects.select_related("engagement", "party"), request.user, pk=pk
    )
    access.require(actions.can_edit(request.user, activity.engagement))
    return activity


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    engagement = activity.engagement
    if actions.is_locked(activity):
        messages.error(request, _("This activity is locked: add a note instead."))
        return redirect(reverse("engagement_detail", args=[engagement.pk]) + "#activities")
    initial = {
        name: getattr(activity, name)
        for name in (
            "step",
            "occurred_on",
            "summary",
            "participants",
            "company_response",
            "confidentiality",
            "agm_item",
            "vote",
            "vote_rationale",
        )
    }
    initial["party"] = str(activity.party_id)
    initial["objective"] = str(activity.objective_id or "")
    form = ActivityForm(
        request.POST or None, user=request.user, engagement=engagement, initial=initial
    )
    form.fields["party"].disabled = True
    _set_choices(form, "party", [(str(activity.party_id), activity.party.display_name)])
    if request.method == "POST" and form.is_valid():
        values = _activity_values(request, form.cleaned_data)
        done = _run(
            form, lambda: actions.update_activity(by=request.user, activity=activity, **values)
        )
        if done is not None:
            messages.success(request, _("The activity was corrected."))
            return redirect(reverse("engagement_detail", args=[engagement.pk]) + "#activities")
    return _form_page(request, engagement, form, _("Correct an activity"))


def _back_to(engagement: Engagement, anchor: str = "") -> HttpResponse:
    return redirect(reverse("engagement_detail", args=[engagement.pk]) + anchor)


def _post(request: HttpRequest, form: forms.Form, do: Any, done: str) -> None:
    """A small form on the engagement's page: its outcome as a message."""
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return
    try:
        do()
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)


@login_required
@require_POST
def activity_note(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    form = NoteForm(request.POST)
    _post(
        request,
        form,
        lambda: actions.annotate_activity(
            by=request.user, activity=activity, text=form.cleaned_data["text"]
        ),
        _("The note was added."),
    )
    return _back_to(activity.engagement, f"#activity-{activity.pk}")


@login_required
@require_POST
def activity_attach(request: HttpRequest, pk: int) -> HttpResponse:
    from convenant.governance.actions.bodies import max_document_bytes

    activity = _activity(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["file"].size > max_document_bytes():
        messages.error(
            request,
            _("A document may be at most %(mb)d MB.") % {"mb": max_document_bytes() // 2**20},
        )
        return _back_to(activity.engagement, f"#activity-{activity.pk}")
    _post(
        request,
        form,
        lambda: actions.add_attachment(
            by=request.user,
            activity=activity,
            title=form.cleaned_data["title"],
            filename=form.cleaned_data["file"].name,
            data=form.cleaned_data["file"].read(),
        ),
        _("The document was added."),
    )
    return _back_to(activity.engagement, f"#activity-{activity.pk}")


@login_required
@require_GET
def activity_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An activity's document, to whoever may read the activity; always as a download."""
    from convenant.governance.actions.bodies import DOCUMENT_TYPES

    attachment = access.get_visible_or_404(ActivityAttachment, request.user, pk=pk)
    name = attachment.file.name
    return private_download(
        actions.attachment_storage(),
        name,
        filename=f"{attachment.title}.{extension_of(name)}",
        content_type=content_type_of(name, DOCUMENT_TYPES),
    )


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _editable(request, pk)
    form = ParticipantForm(request.POST, user=request.user)
    _post(
        request,
        form,
        lambda: actions.add_participant(
            by=request.user,
            engagement=engagement,
            party=_party(form.cleaned_data["party"]),
            role=form.cleaned_data["role"],
            start=form.cleaned_data["start"],
        ),
        _("The party takes part."),
    )
    return _back_to(engagement, "#parties")


@login_required
@require_POST
def participant_end(request: HttpRequest, pk: int) -> HttpResponse:
    participant = access.get_visible_or_404(
        Participant.objects.select_related("engagement"), request.user, pk=pk
    )
    engagement = participant.engagement
    access.require(actions.can_edit(request.user, engagement))
    form = ParticipantEndForm(request.POST)
    _post(
        request,
        form,
        # The row stays with its end date: who took part when is kept.
        lambda: actions.end_participation(
            by=request.user, participant=participant, end=form.cleaned_data["end"]
        ),
        _("The party's participation ended."),
    )
    return _back_to(engagement, "#parties")


@login_required
@require_POST
def risk_link(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _editable(request, pk)
    form = RiskLinkForm(request.POST)
    if engagement.issuer is None:
        messages.error(request, _("Only an engagement with a company links its risks."))
        return _back_to(engagement)
    _post(
        request,
        form,
        lambda: actions.link_risk(
            by=request.user,
            engagement=engagement,
            issuer=engagement.issuer,
            theme=form.cleaned_data["theme"],
        ),
        _("The risk was linked."),
    )
    return _back_to(engagement, "#links")


@login_required
@require_POST
def signal_link(request: HttpRequest, pk: int) -> HttpResponse:
    from convenant.signals.models import Signal

    engagement = _editable(request, pk)
    form = SignalLinkForm(request.POST)
    if form.is_valid():
        signal = (
            Signal.objects.visible_to(request.user)
            .filter(reference=form.cleaned_data["signal"].strip())
            .first()
        )
        if signal is None:
            messages.error(request, _("Choose a signal you may read."))
            return _back_to(engagement, "#links")
    _post(
        request,
        form,
        lambda: actions.link_signal(by=request.user, engagement=engagement, signal=signal),
        _("The signal was linked."),
    )
    return _back_to(engagement, "#links")
