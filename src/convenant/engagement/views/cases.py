"""Views of the deep track: the deep-track case board by step, a case's overview with its
collaboration plan, its group's people and roles, the steps and their exit criteria, the
leverage (step B: linked engagements and the leverage map) and the timeline.

Every page finds its case through ``case_for`` (404 for whoever may not read it) and every
record through its own ``visible_to``; every write goes through ``actions/cases.py``, which
checks the person's rights in the case (``case_rules.actor_rights``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

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
from convenant.core.access import Visibility
from convenant.core.errors import ActionError, show_on_form
from convenant.engagement import case_rules
from convenant.engagement.actions import cases as actions
from convenant.engagement.models import (
    Activity,
    Case,
    CaseMember,
    CaseMilestone,
    CaseRole,
    Communication,
    Consultation,
    Engagement,
    GrievanceAssessment,
    LadderStep,
    Lesson,
    Remedy,
    Step,
    StepMove,
)
from convenant.engagement.views.case_common import case_context, case_for, standing_in
from convenant.parties.models import Membership, Party

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _set_choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


# --- Forms -------------------------------------------------------------------------------


class MemberForm(forms.Form):
    person = forms.ChoiceField(
        label=gettext_lazy("Party and person"),
        help_text=gettext_lazy(
            "The people of the parties you may see (the secretariat sees every party's)."
        ),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role in the case"), choices=CaseRole.choices)
    start = forms.DateField(label=gettext_lazy("From"), widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = (
            Membership.objects.visible_to(user)
            .filter(party__left_on__isnull=True)
            .select_related("party", "user")
            .order_by("party__name", "user__full_name")
        )
        grouped: dict[str, list[tuple[str, str]]] = {}
        for m in rows:
            grouped.setdefault(m.party.display_name, []).append(
                (f"{m.party_id}:{m.user_id}", m.user.full_name)
            )
        _set_choices(self, "person", [("", "—"), *grouped.items()])


class PlanForm(forms.Form):
    objectives = forms.CharField(
        label=gettext_lazy("Objectives"),
        widget=forms.Textarea(attrs={"rows": 5}),
        **limits.text_field(limits.TEXT),
    )
    questions = forms.CharField(
        label=gettext_lazy("Questions for the company"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.TEXT),
    )
    roles = forms.CharField(
        label=gettext_lazy("Roles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    communication = forms.CharField(
        label=gettext_lazy("Communication agreements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )


class AgreeForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Agreed on"), widget=DATE)


class PlanMilestoneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Milestone"), **limits.text_field(limits.LINE))
    target_on = forms.DateField(label=gettext_lazy("Target date"), required=False, widget=DATE)


class PlanMilestoneEditForm(PlanMilestoneForm):
    reached_on = forms.DateField(label=gettext_lazy("Reached on"), required=False, widget=DATE)
    evidence = forms.CharField(
        label=gettext_lazy("Evidence that it was reached"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )


class PublishableForm(forms.Form):
    publish = forms.MultipleChoiceField(
        label=gettext_lazy("Fields that may be published"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(case_rules.PUBLISHABLE.items()),
        help_text=gettext_lazy(
            "A public text is generated from these fields only. Naming the company is a "
            "separate approval, given by the group on the communication itself (step E)."
        ),
    )


class MoveForm(forms.Form):
    to_step = forms.ChoiceField(label=gettext_lazy("To step"), choices=Step.choices)
    reason = forms.CharField(
        label=gettext_lazy("Reason (needed to go back)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )


class LinkForm(forms.Form):
    engagement = forms.ChoiceField(label=gettext_lazy("Engagement"))

    def __init__(self, *args: Any, choices: list[Engagement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "engagement", [("", "—")] + [(str(e.pk), e.title) for e in choices])


class StartEngagementForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), **limits.text_field(limits.LINE))
    lead_party = forms.ChoiceField(label=gettext_lazy("Lead party"))
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DATE)
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        choices=Visibility.choices,
        initial=Visibility.RESTRICTED,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = access.actor_for(user)
        parties = Party.objects.visible_to(user).active()
        if not actor.is_secretariat:
            parties = parties.filter(pk__in=actor.party_ids_with(access.Role.EDITOR))
        _set_choices(
            self,
            "lead_party",
            [("", "—")] + [(str(p.pk), p.display_name) for p in parties.order_by("name")],
        )


# --- Helpers -----------------------------------------------------------------------------


def _to_case(case: Case, anchor: str = "") -> HttpResponse:
    return redirect(reverse("case_detail", args=[case.reference]) + anchor)


def _post(request: HttpRequest, form: forms.Form, do: Any, done: str) -> bool:
    """A small form on a case's page: its outcome as a message."""
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return False
    try:
        do()
    except ActionError as error:
        messages.error(request, error.messages[0])
        return False
    messages.success(request, done)
    return True


def _may(request: HttpRequest, case: Case, right: str) -> None:
    """403 for a reader of the case without the right."""
    access.require(standing_in(request, case).may(right))


def _current(member: CaseMember, today: datetime.date) -> bool:
    m = member.membership
    return m.start <= today and (m.end is None or m.end > today)


def _people(user: Any, case: Case) -> list[CaseMember]:
    return list(
        CaseMember.objects.visible_to(user)
        .filter(case=case)
        .select_related("membership__user", "membership__party")
        .order_by("membership__end", "role", "membership__start")
    )


# --- The board -----------------------------------------------------------------------------


@dataclass
class Card:
    case: Case
    lead: str
    days_in_step: int
    overdue: int
    checks_met: int
    checks: int


def _cards(user: Any, cases: list[Case]) -> list[Card]:
    today = timezone.localdate()
    leads: dict[int, str] = {}
    for member in (
        CaseMember.objects.visible_to(user)
        .filter(case__in=cases, role=CaseRole.LEAD_FUND)
        .filter(case_rules.current_membership_q("membership__"))
        .select_related("membership__party")
    ):
        leads.setdefault(member.case_id, member.membership.party.display_name)
    since: dict[int, datetime.date] = {}
    for move in StepMove.objects.visible_to(user).filter(case__in=cases).order_by("moved_at"):
        since[move.case_id] = timezone.localdate(move.moved_at)
    overdue: dict[int, int] = {}
    for m in CaseMilestone.objects.visible_to(user).filter(
        case__in=cases, reached_on__isnull=True, target_on__lt=today
    ):
        overdue[m.case_id] = overdue.get(m.case_id, 0) + 1
    running = [case for case in cases if case.status == Case.Status.ACTIVE]
    facts = case_rules.facts_of_each(running)  # one query per kind of record, not per case
    cards = []
    for case in cases:
        checks = (
            case_rules.exit_checks(case.step, facts[case.pk])
            if case.status == Case.Status.ACTIVE
            else []
        )
        cards.append(
            Card(
                case=case,
                lead=leads.get(case.pk, ""),
                days_in_step=(today - since.get(case.pk, case.selected_on)).days,
                overdue=overdue.get(case.pk, 0),
                checks_met=sum(1 for c in checks if c.met),
                checks=len(checks),
            )
        )
    return cards


@login_required
@require_GET
def case_board(request: HttpRequest) -> HttpResponse:
    """The running cases the reader may read as columns by step, the closed ones below."""
    cases = list(
        Case.objects.visible_to(request.user).select_related("issuer").order_by("reference")
    )
    cards = _cards(request.user, cases)
    columns = [
        {
            "step": value,
            "label": label,
            "cards": [c for c in cards if c.case.status == "active" and c.case.step == value],
        }
        for value, label in Step.choices
    ]
    return render(
        request,
        "engagement/cases/cases/board.html",
        {
            "columns": columns,
            "closed": [c for c in cards if c.case.status == Case.Status.CLOSED],
            "reads_any": bool(cases),
            "running": actions.running_count(),
            "maximum": case_rules.max_cases(),
        },
    )


# --- A case's overview ---------------------------------------------------------------------


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    user = request.user
    standing = standing_in(request, case)
    today = timezone.localdate()
    people = _people(user, case)
    checks = (
        case_rules.exit_checks(case.step, case_rules.facts_of(case))
        if case.status == Case.Status.ACTIVE
        else []
    )
    decision = None
    if case.decision_id:
        from convenant.governance.models import Decision

        decision = Decision.objects.visible_to(user).filter(pk=case.decision_id).first()
    return render(
        request,
        "engagement/cases/cases/detail.html",
        case_context(
            request,
            case,
            "case_detail",
            decision=decision,
            people=[{"member": m, "current": _current(m, today)} for m in people],
            rights=[
                {
                    "role": label,
                    "rights": [
                        case_rules.RIGHT_LABELS[r]
                        for r in case_rules.RIGHT_LABELS
                        if r in case_rules.RIGHTS[value]
                    ],
                }
                for value, label in CaseRole.choices
            ],
            milestones=list(CaseMilestone.objects.visible_to(user).filter(case=case)),
            checks=checks,
            may_leave=all(c.met for c in checks),
            next_step=(
                case_rules.STEPS[case_rules.STEPS.index(case.step) + 1]
                if case.step != case_rules.STEPS[-1]
                else ""
            ),
            moves=list(
                StepMove.objects.visible_to(user)
                .filter(case=case)
                .select_related("moved_by")
                .order_by("-moved_at")
            ),
            publishable=[
                (key, label, key in case.publishable)
                for key, label in case_rules.PUBLISHABLE.items()
            ],
            running=case.status == Case.Status.ACTIVE,
            member_form=MemberForm(user=user, initial={"start": today})
            if standing.may("manage_members")
            else None,
            agree_form=AgreeForm(initial={"on": today}),
            milestone_form=PlanMilestoneForm(),
            publishable_form=PublishableForm(initial={"publish": case.publishable}),
            move_form=MoveForm(),
        ),
    )


@login_required
@require_POST
def case_member_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    _may(request, case, "manage_members")
    form = MemberForm(request.POST, user=request.user)

    def add() -> Any:
        party_id, _sep, user_id = form.cleaned_data["person"].partition(":")
        membership = (
            Membership.objects.visible_to(request.user)
            .filter(party_id=party_id, user_id=user_id)
            .select_related("party", "user")
            .first()
        )
        if membership is None:
            raise ActionError(_("Choose a person of a party."), field="person")
        return actions.add_case_member(
            by=request.user,
            case=case,
            user=membership.user,
            party=membership.party,
            role=form.cleaned_data["role"],
            start=form.cleaned_data["start"],
        )

    _post(request, form, add, _("The person joined the case's group."))
    return _to_case(case, "#people")


@login_required
@require_POST
def case_member_end(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = case_for(request, reference)
    _may(request, case, "manage_members")
    member = access.get_visible_or_404(
        CaseMember.objects.select_related("case"), request.user, pk=pk, case=case
    )
    try:
        actions.end_case_member(by=request.user, member=member)
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The person left the case's group."))
    return _to_case(case, "#people")


@login_required
@require_http_methods(["GET", "POST"])
def case_plan(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    _may(request, case, "edit_plan")
    form = PlanForm(
        request.POST or None,
        initial={
            "objectives": case.plan_objectives,
            "questions": case.plan_questions,
            "roles": case.plan_roles,
            "communication": case.plan_communication,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_plan(
                by=request.user,
                case=case,
                objectives=data["objectives"],
                questions=data["questions"],
                roles=data["roles"],
                communication=data["communication"],
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The collaboration plan was saved."))
            return _to_case(case, "#plan")
    return render(
        request,
        "engagement/cases/cases/form.html",
        case_context(request, case, "case_detail", form=form, title=_("The collaboration plan")),
    )


@login_required
@require_POST
def case_plan_agree(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    _may(request, case, "edit_plan")
    form = AgreeForm(request.POST)
    _post(
        request,
        form,
        lambda: actions.agree_plan(by=request.user, case=case, on=form.cleaned_data["on"]),
        _("The plan is agreed."),
    )
    return _to_case(case, "#plan")


@login_required
@require_POST
def case_milestone_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    _may(request, case, "edit_plan")
    form = PlanMilestoneForm(request.POST)
    _post(
        request,
        form,
        lambda: actions.add_plan_milestone(
            by=request.user,
            case=case,
            title=form.cleaned_data["title"],
            target_on=form.cleaned_data["target_on"],
        ),
        _("The milestone was added to the plan."),
    )
    return _to_case(case, "#plan")


@login_required
@require_http_methods(["GET", "POST"])
def case_milestone_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = case_for(request, reference)
    _may(request, case, "edit_plan")
    milestone = access.get_visible_or_404(CaseMilestone, request.user, pk=pk, case=case)
    form = PlanMilestoneEditForm(
        request.POST or None,
        initial={
            "title": milestone.title,
            "target_on": milestone.target_on,
            "reached_on": milestone.reached_on,
            "evidence": milestone.evidence,
        },
    )
    if milestone.reached_on is not None:
        for name in ("reached_on", "evidence"):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reached = data["reached_on"] if milestone.reached_on is None else None
        try:
            actions.update_plan_milestone(
                by=request.user,
                milestone=milestone,
                title=data["title"],
                target_on=data["target_on"],
                reached_on=reached,
                evidence=data["evidence"] if reached else "",
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The milestone was saved."))
            return _to_case(case, "#plan")
    return render(
        request,
        "engagement/cases/cases/form.html",
        case_context(
            request,
            case,
            "case_detail",
            form=form,
            title=_("Plan milestone: %(title)s") % {"title": milestone.title},
        ),
    )


@login_required
@require_POST
def case_publishable(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    _may(request, case, "edit_plan")
    form = PublishableForm(request.POST)
    _post(
        request,
        form,
        lambda: actions.set_publishable(
            by=request.user, case=case, fields=form.cleaned_data["publish"]
        ),
        _("The publishable fields were saved."),
    )
    return _to_case(case, "#publishable")


@login_required
@require_POST
def case_move(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    _may(request, case, "move_step")
    form = MoveForm(request.POST)
    _post(
        request,
        form,
        lambda: actions.move_step(
            by=request.user,
            case=case,
            to_step=form.cleaned_data["to_step"],
            reason=form.cleaned_data["reason"],
        ),
        _("The case moved to another step."),
    )
    return _to_case(case, "#step")


# --- Step B: leverage ----------------------------------------------------------------------


def _reference_date(request: HttpRequest) -> datetime.date:
    raw = request.GET.get("on", "")
    try:
        return datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        messages.warning(request, _("“%(date)s” is not a date: showing today.") % {"date": raw})
        return timezone.localdate()


@login_required
@require_GET
def case_leverage(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    user = request.user
    standing = standing_in(request, case)
    engagements = list(
        Engagement.objects.visible_to(user)
        .filter(case=case)
        .select_related("lead_party", "issuer")
        .order_by("-start_date", "pk")
    )
    activities = list(
        Activity.objects.visible_to(user)
        .filter(engagement__in=engagements)
        .select_related("party", "engagement")
        .order_by("-occurred_on", "-pk")
    )
    steps = {s.key: s for s in LadderStep.objects.all()}
    today = timezone.localdate()
    levers = [
        m
        for m in _people(user, case)
        if _current(m, today)
        and m.role in (CaseRole.UNION_EXPERT, CaseRole.NGO_EXPERT, CaseRole.GOVERNMENT_EXPERT)
    ]
    linkable = (
        actions.linkable_engagements(user, case)
        if standing.may("link_engagement") and case.status == Case.Status.ACTIVE
        else []
    )
    leverage = actions.case_leverage(case, user, _reference_date(request))
    return render(
        request,
        "engagement/cases/cases/leverage.html",
        case_context(
            request,
            case,
            "case_leverage",
            engagements=engagements,
            activities=[{"activity": a, "step": steps.get(a.step)} for a in activities],
            votes=[a for a in activities if a.vote],
            levers=levers,
            leverage=leverage,
            own=[
                {"party": p, "figure": leverage.own.get(p.pk)}
                for p in leverage.fund_parties
                if p.pk in leverage.own
            ],
            link_form=LinkForm(choices=linkable) if linkable else None,
            may_link=standing.may("link_engagement") and case.status == Case.Status.ACTIVE,
        ),
    )


@login_required
@require_POST
def case_link_engagement(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    _may(request, case, "link_engagement")
    form = LinkForm(request.POST, choices=actions.linkable_engagements(request.user, case))

    def link() -> Any:
        engagement = (
            Engagement.objects.visible_to(request.user)
            .filter(pk=form.cleaned_data["engagement"])
            .first()
        )
        if engagement is None:
            raise ActionError(_("Choose an engagement you may write."), field="engagement")
        return actions.link_engagement(by=request.user, case=case, engagement=engagement)

    _post(request, form, link, _("The engagement is linked to the case."))
    return redirect("case_leverage", case.reference)


@login_required
@require_http_methods(["GET", "POST"])
def case_start_engagement(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    _may(request, case, "link_engagement")
    form = StartEngagementForm(
        request.POST or None,
        user=request.user,
        initial={"title": case.title, "start_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        party = Party.objects.visible_to(request.user).filter(pk=data["lead_party"]).first()
        try:
            if party is None:
                raise ActionError(_("Choose the lead party."), field="lead_party")
            engagement = actions.start_case_engagement(
                by=request.user,
                case=case,
                lead_party=party,
                title=data["title"],
                start_date=data["start_date"],
                visibility=data["visibility"],
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The engagement was started for the case."))
            return redirect("engagement_detail", engagement.pk)
    return render(
        request,
        "engagement/cases/cases/form.html",
        case_context(
            request,
            case,
            "case_leverage",
            form=form,
            title=_("Start an engagement for this case"),
        ),
    )


# --- The timeline ----------------------------------------------------------------------------


@dataclass
class Entry:
    on: datetime.date
    kind: str
    text: str
    url: str = ""


def timeline_of(user: Any, case: Case) -> list[Entry]:
    """Every dated record of the case the reader may read, newest first; each record read
    through its own ``visible_to`` (a group-level one only for the group)."""
    in_group = standing_for(user, case)
    entries = [
        Entry(case.selected_on, _("Selected"), _("The steering group selected the case.")),
    ]
    for move in StepMove.objects.visible_to(user).filter(case=case):
        text = _("From %(from)s to %(to)s") % {
            "from": move.get_from_step_display(),
            "to": move.get_to_step_display(),
        }
        if move.reason:
            text += f" — {move.reason}"
        entries.append(Entry(timezone.localdate(move.moved_at), _("Step moved"), text))
    if case.plan_agreed_on:
        entries.append(
            Entry(case.plan_agreed_on, _("Plan agreed"), _("The collaboration plan was agreed."))
        )
    for m in CaseMilestone.objects.visible_to(user).filter(case=case, reached_on__isnull=False):
        entries.append(Entry(cast(datetime.date, m.reached_on), _("Milestone reached"), m.title))
    for c in Consultation.objects.visible_to(user).filter(case=case):
        text = f"{c.get_kind_display()}: {c.with_whom}"
        if c.shows("findings", in_group):
            text += f" — {c.findings[:200]}"
        entries.append(Entry(c.held_on, _("Consultation"), text))
    engagements = Engagement.objects.visible_to(user).filter(case=case)
    steps = {s.key: str(s) for s in LadderStep.objects.all()}
    for a in Activity.objects.visible_to(user).filter(engagement__in=engagements):
        entries.append(
            Entry(
                a.occurred_on,
                steps.get(a.step, a.step),
                a.summary[:200],
                reverse("engagement_detail", args=[a.engagement_id]) + f"#activity-{a.pk}",
            )
        )
    for r in Remedy.objects.visible_to(user).filter(case=case):
        entries.append(
            Entry(r.status_on, r.get_kind_display(), f"{r.what[:200]} ({r.get_status_display()})")
        )
    for g in GrievanceAssessment.objects.visible_to(user).filter(case=case):
        entries.append(Entry(g.assessed_on, _("Grievance-mechanism assessment"), g.mechanism))
    for com in Communication.objects.visible_to(user).filter(case=case):
        on = com.published_on or timezone.localdate(com.created_at)
        entries.append(Entry(on, _("Communication"), f"{com.title} ({com.get_status_display()})"))
    for lesson in Lesson.objects.visible_to(user).filter(case=case):
        entries.append(
            Entry(
                timezone.localdate(lesson.created_at),
                _("Lesson"),
                f"{lesson.get_level_display()}: {lesson.text[:200]}",
            )
        )
    if case.closed_on:
        entries.append(
            Entry(
                case.closed_on,
                _("Closed"),
                f"{case.get_outcome_display()}: {case.outcome_rationale[:200]}",
            )
        )
    return sorted(entries, key=lambda e: e.on, reverse=True)


def standing_for(user: Any, case: Case) -> bool:
    from convenant.engagement.models import in_group

    return in_group(access.actor_for(user), case)


@login_required
@require_GET
def case_timeline(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    return render(
        request,
        "engagement/cases/cases/timeline.html",
        case_context(request, case, "case_timeline", entries=timeline_of(request.user, case)),
    )
