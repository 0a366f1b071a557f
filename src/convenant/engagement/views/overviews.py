"""Engagement views: overviews — a fund's milestone funnel, success rate and escalations due;
the covenant's view (aggregates only, under the minimum-of-funds rule); the engagement panel
of the dashboard and of an issuer's page; the bulk update from a file.

Every figure counts through ``visible_to(user)``: a fund's overview is built from the
engagements its reader may read in which the fund takes part."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from convenant.core import access
from convenant.core.errors import ActionError
from convenant.engagement import rules
from convenant.engagement.models import Activity, Engagement, Milestone, Objective
from convenant.engagement.progress import progress_of
from convenant.parties.models import Party

STAGES = (0, 1, 2, 3, 4)  # 0: no milestone reached yet
SUCCESS = (Objective.Outcome.MET, Objective.Outcome.PARTLY_MET)


@dataclass
class Funnel:
    """Objectives by the highest milestone reached, those that moved this year, the success
    rate (met and partly met over closed objectives) and the escalations due."""

    stages: dict[int, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    moved_this_year: int = 0
    open: int = 0
    closed: int = 0
    succeeded: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    overdue_milestones: int = 0
    escalations_due: list[dict[str, Any]] = field(default_factory=list)
    escalations_count: int = 0
    engagements: int = 0
    funds: int = 0

    @property
    def success_rate(self) -> int | None:
        """Met and partly met, as a share of the closed objectives (None when none closed)."""
        return round(100 * self.succeeded / self.closed) if self.closed else None

    @property
    def stage_rows(self) -> list[tuple[int, str, int]]:
        labels = dict(Milestone.Number.choices)
        return [
            (n, str(labels.get(n, _("No milestone reached yet"))), self.stages[n]) for n in STAGES
        ]


def funnel_of(
    objectives: QuerySet[Objective],
    milestones: QuerySet[Milestone],
    activities: QuerySet[Activity],
    today: datetime.date,
) -> Funnel:
    """The funnel of these objectives; ``milestones`` and ``activities`` are the reader's
    (already scoped, like ``objectives``). Escalation is judged as on the engagement's page
    (``progress.progress_of``): ``rules.escalation`` on the objective's milestones and its
    own activities, from the day it was set."""
    rows = list(objectives.select_related("engagement").order_by("engagement__title", "pk"))
    funnel = Funnel(engagements=len({o.engagement_id for o in rows}))
    ids = [o.pk for o in rows]
    states: dict[int, list[rules.MilestoneState]] = {}
    for objective_id, number, target_on, reached_on in milestones.filter(
        objective_id__in=ids
    ).values_list("objective_id", "number", "target_on", "reached_on"):
        states.setdefault(objective_id, []).append(
            rules.MilestoneState(number, target_on, reached_on)
        )
    on_objective = dict(
        activities.filter(objective_id__in=ids)
        .order_by()
        .values_list("objective_id")
        .annotate(last=Max("occurred_on"))
    )
    for o in rows:
        mine = states.get(o.pk, [])
        funnel.stages[rules.stage(mine)] += 1
        if any(m.reached_on and m.reached_on.year == today.year for m in mine):
            funnel.moved_this_year += 1
        if o.outcome:
            funnel.closed += 1
            funnel.outcomes[o.outcome] = funnel.outcomes.get(o.outcome, 0) + 1
            funnel.succeeded += bool(rules.succeeded(o.outcome))
            continue
        funnel.open += 1
        overdue = [m for m in mine if rules.milestone_overdue(m.target_on, m.reached_on, today)]
        funnel.overdue_milestones += len(overdue)
        if o.engagement.status != Engagement.Status.ACTIVE:
            continue
        dates = [d for d in (on_objective.get(o.pk),) if d]
        due = rules.escalation(
            started=o.created_at.date(),
            milestones=mine,
            activity_dates=dates,
            today=today,
            stale_months=settings.ENGAGEMENT_STALE_MONTHS,
        )
        if due.due:
            why = (
                _("milestone %(numbers)s overdue")
                % {"numbers": ", ".join(str(n) for n in due.overdue)}
                if due.overdue
                else _("no movement for %(months)s months")
                % {"months": settings.ENGAGEMENT_STALE_MONTHS}
            )
            funnel.escalations_due.append({"objective": o, "engagement": o.engagement, "why": why})
    funnel.escalations_count = len(funnel.escalations_due)
    return funnel


def fund_objectives(user: Any, fund: Party) -> QuerySet[Objective]:
    """The objectives of the engagements the fund takes part in, as its reader may read them."""
    engagements = Engagement.objects.visible_to(user).filter(participants__party=fund)
    return Objective.objects.visible_to(user).filter(engagement__in=engagements)


def fund_funnel(user: Any, fund: Party, today: datetime.date | None = None) -> Funnel:
    today = today or timezone.localdate()
    funnel = funnel_of(
        fund_objectives(user, fund),
        Milestone.objects.visible_to(user),
        Activity.objects.visible_to(user),
        today,
    )
    # The step suggested next on the ladder, as the engagement's page says it.
    engagements = {d["engagement"].pk: d["engagement"] for d in funnel.escalations_due}
    progress = progress_of(engagements.values(), user, today)
    for due in funnel.escalations_due:
        due["next_step"] = progress[due["engagement"].pk].next_step
    return funnel


def can_see_covenant_view(actor: access.Actor) -> bool:
    """The covenant's view is the secretariat's and the steering group's."""
    return actor.is_secretariat or actor.is_steering_group


def covenant_funnel(user: Any, today: datetime.date | None = None) -> Funnel | None:
    """Across the covenant, as aggregates only, and only when at least
    ``AGGREGATE_MIN_FUNDS`` funds take part in engagements (else None: too few to show
    without pointing at a fund). The objectives are counted unscoped on purpose — the reader
    gets counts, never a row — so the figure does not depend on who reads it."""
    today = today or timezone.localdate()
    funds = (
        Engagement.objects.unrestricted("the covenant's aggregate engagement view, counts only")
        .filter(participants__party__type=Party.Type.PENSION_FUND)
        .values("participants__party")
        .distinct()
        .count()
    )
    if funds < settings.AGGREGATE_MIN_FUNDS:
        return None
    reason = "the covenant's aggregate engagement view, counts only"
    funnel = funnel_of(
        Objective.objects.unrestricted(reason),
        Milestone.objects.unrestricted(reason),
        Activity.objects.unrestricted(reason),
        today,
    )
    funnel.funds = funds
    funnel.escalations_due = []  # counts only: which engagement is behind is the funds' own
    return funnel


def funds_of(actor: access.Actor) -> list[Party]:
    return list(Party.objects.filter(pk__in=actor.fund_ids).order_by("name"))


def _chosen_fund(request: HttpRequest, actor: access.Actor) -> Party:
    funds = funds_of(actor)
    wanted = request.GET.get("fund", "")
    return next((f for f in funds if str(f.pk) == wanted), funds[0])


@login_required
@require_GET
def fund_overview(request: HttpRequest) -> HttpResponse:
    actor = access.actor_for(request.user)
    if not actor.fund_ids:
        if can_see_covenant_view(actor):
            return redirect("engagement_covenant_overview")
        access.require(False)
    fund = _chosen_fund(request, actor)
    today = timezone.localdate()
    return render(
        request,
        "engagement/overview.html",
        {
            "fund": fund,
            "funds": funds_of(actor),
            "funnel": fund_funnel(request.user, fund, today),
            "year": today.year,
            "outcome_labels": dict(Objective.Outcome.choices),
        },
    )


@login_required
@require_GET
def covenant_overview(request: HttpRequest) -> HttpResponse:
    actor = access.actor_for(request.user)
    access.require(can_see_covenant_view(actor))
    today = timezone.localdate()
    return render(
        request,
        "engagement/overview_covenant.html",
        {
            "funnel": covenant_funnel(request.user, today),
            "minimum": settings.AGGREGATE_MIN_FUNDS,
            "year": today.year,
            "outcome_labels": dict(Objective.Outcome.choices),
        },
    )


# --- Panels -------------------------------------------------------------------------------


def dashboard_panel(request: HttpRequest, actor: access.Actor) -> dict[str, Any] | None:
    """A fund's engagements: escalations due and milestones overdue, for each of its funds."""
    if not actor.fund_ids:
        return None
    today = timezone.localdate()
    rows = []
    for fund in funds_of(actor):
        funnel = fund_funnel(request.user, fund, today)
        if funnel.engagements:
            rows.append({"fund": fund, "funnel": funnel})
    return {"rows": rows}


def issuer_panel(request: HttpRequest, issuer: Any) -> dict[str, Any] | None:
    """The engagements on this company across the covenant that the reader may read, and
    their activities at the reader's level (``Activity.visible_to``)."""
    if not access.actor_for(request.user).is_authenticated:
        return None
    engagements = list(
        Engagement.objects.visible_to(request.user)
        .filter(Q(issuer=issuer) | Q(risks__issuer=issuer))
        .distinct()
        .select_related("lead_party")
        .order_by("-start_date", "title")[:50]
    )
    last = dict(
        Activity.objects.visible_to(request.user)
        .filter(engagement__in=[e.pk for e in engagements])
        .order_by()
        .values_list("engagement_id")
        .annotate(last=Max("occurred_on"))
    )
    rows = [{"engagement": e, "last_activity": last.get(e.pk)} for e in engagements]
    return {"engagements": rows}


# --- The bulk update ------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (XLSX or CSV)"),
        help_text=gettext_lazy("Download the template for the columns and their meaning."),
    )


def _editable_funds(actor: access.Actor) -> list[Party]:
    return [f for f in funds_of(actor) if actor.has_role(f.pk, access.Role.EDITOR)]


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    from convenant.engagement.actions.overviews import import_engagement_updates

    actor = access.actor_for(request.user)
    # Each row is checked again by its action; the page is for those who may edit one.
    access.require(bool(actor.is_secretariat or actor.party_ids_with(access.Role.EDITOR)))
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        from convenant.engagement.importing import LIMITS

        upload = form.cleaned_data["file"]
        try:
            if upload.size > LIMITS.max_bytes:  # refused before it is read into memory
                raise ActionError(
                    _("The file is %(size)s; the limit is %(limit)s.")
                    % {
                        "size": filesizeformat(upload.size),
                        "limit": filesizeformat(LIMITS.max_bytes),
                    }
                )
            result = import_engagement_updates(
                by=request.user, data=upload.read(), filename=upload.name or "upload"
            )
        except ActionError as error:
            problems = list(getattr(error, "problems", []))
            form.add_error("file", error.messages[0])
        else:
            messages.success(
                request,
                _("%(milestones)s milestones and %(activities)s activities updated.")
                % {"milestones": result.milestones, "activities": result.activities},
            )
            return redirect("engagement_import")
    return render(request, "engagement/import.html", {"form": form, "problems": problems})


@login_required
@require_GET
def import_template(request: HttpRequest, file_format: str) -> HttpResponse:
    from convenant.engagement.importing import template_file

    if file_format not in ("csv", "xlsx"):
        raise Http404
    content, content_type = template_file(file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="engagement-update-template.{file_format}"'
    )
    return response


def overview_url() -> str:
    return reverse("engagement_overview")
