"""API of engagement's engagements: engagements, objectives, milestones and activities,
readable and writable through the same actions as the pages, so a fund can keep them in
step with its own stewardship system.

Reads answer what the caller may read (404 for the rest, as if it did not exist); writes
need an editor of a party taking part or the secretariat (403 otherwise). A refused change
answers 400 with the field, or 409 when the record is locked.

Sync: a fund's stewardship system sends its own key as ``external_id`` with an engagement
(unique per lead party) or an activity (unique per acting party). Sending the same key twice
answers 409 naming the record made the first time, so a retried call never makes a copy;
``GET /engagements?external_id=…`` and ``GET /engagements/{id}/activities?external_id=…``
find a record again by that key."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from convenant.core import access, limits
from convenant.core.errors import ActionError
from convenant.engagement.actions import engagements as actions
from convenant.engagement.models import (
    Activity,
    Engagement,
    Milestone,
    Objective,
    Participant,
    RiskLink,
)
from convenant.engagement.progress import progress_of
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer

router = Router(tags=["engagement"])

Line = Annotated[str, Field(max_length=limits.LINE)]
Message = Annotated[str, Field(max_length=limits.MESSAGE)]
Text = Annotated[str, Field(max_length=limits.TEXT)]
Key = Annotated[str, Field(max_length=40)]


class FieldError(Schema):
    detail: str
    field: str = ""


class Error(Schema):
    detail: str


# --- Schemas -----------------------------------------------------------------------------


class ParticipantOut(Schema):
    id: int
    party: str  # the party's code
    role: str
    start: datetime.date
    end: datetime.date | None


class MilestoneOut(Schema):
    id: int
    number: int
    target_on: datetime.date | None
    reached_on: datetime.date | None
    evidence: str
    overdue: bool


class ObjectiveOut(Schema):
    id: int
    engagement: int
    title: str
    description: str
    theme: str
    outcome: str
    outcome_rationale: str
    closed_on: datetime.date | None
    escalation_due: bool
    milestones: list[MilestoneOut]


class EngagementOut(Schema):
    id: int
    title: str
    target: str
    issuer: int | None
    sector_code: str
    issue: str
    themes: list[str]
    lead_party: str
    visibility: str
    start_date: datetime.date
    status: str
    closed_on: datetime.date | None
    closing_note: str
    case: str | None  # the deep-track case's reference, when the caller may read the case
    external_id: str
    escalation_due: bool
    next_step: str | None


class EngagementRiskOut(Schema):
    issuer: int
    theme: str


class EngagementDetailOut(EngagementOut):
    participants: list[ParticipantOut]
    risks: list[EngagementRiskOut]
    objectives: list[ObjectiveOut]


class ParticipantIn(Schema):
    party: Key  # a party's code
    role: Key = "supporting"


class EngagementIn(Schema):
    title: Line
    target: Key  # issuer, sector or issue
    lead_party: Key  # the lead party's code
    start_date: datetime.date
    issuer: int | None = None
    sector_code: Annotated[str, Field(max_length=20)] = ""
    issue: Line = ""
    themes: list[Key] = Field(default=[], max_length=20)
    visibility: Key = "restricted"
    participants: list[ParticipantIn] = Field(default=[], max_length=50)
    external_id: Annotated[str, Field(max_length=100)] = ""


class ParticipantAdd(Schema):
    party: Key  # a party's code
    role: Key = "supporting"  # co_lead or supporting
    start: datetime.date | None = None  # today when left out


class ParticipantEnd(Schema):
    end: datetime.date | None = None  # today when left out


class ObjectiveOutcomeIn(Schema):
    objective: int
    outcome: Key  # met, partly_met, not_met or divested
    rationale: Message


class CloseIn(Schema):
    """Close an engagement. Every objective still open needs its outcome in ``outcomes``
    (recorded on ``closed_on``, in the same step); otherwise nothing is closed (400)."""

    note: Message
    closed_on: datetime.date | None = None
    outcomes: list[ObjectiveOutcomeIn] = Field(default=[], max_length=200)


class ReopenIn(Schema):
    reason: Message


class NoteIn(Schema):
    text: Message


class MilestoneTargets(Schema):
    """Target dates by milestone number, "1" to "4"; any other key is refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    raised: datetime.date | None = Field(None, alias="1")
    acknowledged: datetime.date | None = Field(None, alias="2")
    plan: datetime.date | None = Field(None, alias="3")
    implemented: datetime.date | None = Field(None, alias="4")

    def sent(self) -> dict[int, datetime.date | None]:
        """The targets sent, by number: a null among them clears that target."""
        names = ("raised", "acknowledged", "plan", "implemented")
        return {
            n: getattr(self, name)
            for n, name in enumerate(names, start=1)
            if name in self.model_fields_set
        }

    def by_number(self) -> dict[int, datetime.date]:
        dates = (self.raised, self.acknowledged, self.plan, self.implemented)
        return {n: d for n, d in enumerate(dates, start=1) if d is not None}


class ObjectiveIn(Schema):
    title: Line
    description: Text = ""
    theme: Key = ""
    targets: MilestoneTargets | None = None


class ObjectivePatch(Schema):
    """Only the fields sent change; ``targets`` changes the milestones named in it (a date,
    or null to clear it); a milestone already reached keeps its dates."""

    title: Line | None = None
    description: Text | None = None
    theme: Key | None = None
    targets: MilestoneTargets | None = None


class OutcomeIn(Schema):
    outcome: Key  # met, partly_met, not_met or divested
    rationale: Message
    closed_on: datetime.date | None = None


class MilestoneIn(Schema):
    """Set the target date, or record that it was reached (with evidence), or both."""

    target_on: datetime.date | None = None
    reached_on: datetime.date | None = None
    evidence: Text = ""
    out_of_order_reason: Message = ""


class ActivityOut(Schema):
    id: int
    engagement: int
    objective: int | None
    step: str
    ladder_edition: str
    occurred_on: datetime.date
    party: str
    participants: str
    company_response: str
    summary: str
    confidentiality: str
    agm_item: str
    vote: str
    vote_rationale: str
    external_id: str
    locked: bool
    notes: list[str]


class ActivityIn(Schema):
    step: Key
    occurred_on: datetime.date
    party: Key  # the acting party's code
    summary: Text
    objective: int | None = None
    participants: Message = ""
    company_response: Text = ""
    confidentiality: Key = "restricted"
    agm_item: Line = ""
    vote: Key = ""
    vote_rationale: Message = ""
    external_id: Annotated[str, Field(max_length=100)] = ""


class ActivityPatch(Schema):
    step: Key | None = None
    occurred_on: datetime.date | None = None
    summary: Text | None = None
    objective: int | None = None
    participants: Message | None = None
    company_response: Text | None = None
    confidentiality: Key | None = None
    agm_item: Line | None = None
    vote: Key | None = None
    vote_rationale: Message | None = None


# --- Helpers -----------------------------------------------------------------------------


def _refused(error: ActionError) -> Status:
    if error.code == "conflict":
        return Status(409, {"detail": error.messages[0]})
    return Status(400, {"detail": error.messages[0], "field": error.field or ""})


def _party(code: str, field: str) -> Party:
    party = Party.objects.filter(code=code).first()
    if party is None:
        raise ActionError(f"No party with code {code!r}.", field=field)
    return party


def _readable_cases(request: HttpRequest, engagements: list[Engagement]) -> dict[int, str]:
    """The references of the linked cases the caller may read: another case stays unnamed."""
    from convenant.engagement.models import Case

    ids = {e.case_id for e in engagements if e.case_id is not None}
    if not ids:
        return {}
    return dict(
        Case.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", "reference")
    )


def _participant_out(p: Participant) -> dict[str, Any]:
    return {"id": p.pk, "party": p.party.code, "role": p.role, "start": p.start, "end": p.end}


def _engagement_out(e: Engagement, progress: Any, cases: dict[int, str]) -> dict[str, Any]:
    return {
        "id": e.pk,
        "title": e.title,
        "target": e.target,
        "issuer": e.issuer_id,
        "sector_code": e.sector_code,
        "issue": e.issue,
        "themes": list(e.themes),
        "lead_party": e.lead_party.code,
        "visibility": e.visibility,
        "start_date": e.start_date,
        "status": e.status,
        "closed_on": e.closed_on,
        "closing_note": e.closing_note,
        "case": cases.get(e.case_id or 0),
        "external_id": e.external_id,
        "escalation_due": progress.due,
        "next_step": progress.next_step.key if progress.next_step else None,
    }


def _objectives_out(request: HttpRequest, objectives: list[Objective], progress: Any) -> list[Any]:
    milestones: dict[int, list[Milestone]] = {o.pk: [] for o in objectives}
    for m in Milestone.objects.visible_to(request.user).filter(objective__in=objectives):
        milestones[m.objective_id].append(m)
    out = []
    for o in objectives:
        esc = progress.escalation.get(o.pk)
        out.append(
            {
                "id": o.pk,
                "engagement": o.engagement_id,
                "title": o.title,
                "description": o.description,
                "theme": o.theme,
                "outcome": o.outcome,
                "outcome_rationale": o.outcome_rationale,
                "closed_on": o.closed_on,
                "escalation_due": bool(esc and esc.due),
                "milestones": [
                    {
                        "id": m.pk,
                        "number": m.number,
                        "target_on": m.target_on,
                        "reached_on": m.reached_on,
                        "evidence": m.evidence,
                        "overdue": m.overdue,
                    }
                    for m in sorted(milestones[o.pk], key=lambda m: m.number)
                ],
            }
        )
    return out


def _activity_out(request: HttpRequest, activities: list[Activity]) -> list[dict[str, Any]]:
    from convenant.engagement.models import ActivityNote

    notes: dict[int, list[str]] = {a.pk: [] for a in activities}
    for n in ActivityNote.objects.visible_to(request.user).filter(activity__in=activities):
        notes[n.activity_id].append(n.text)
    return [
        {
            "id": a.pk,
            "engagement": a.engagement_id,
            "objective": a.objective_id,
            "step": a.step,
            "ladder_edition": a.ladder_edition,
            "occurred_on": a.occurred_on,
            "party": a.party.code,
            "participants": a.participants,
            "company_response": a.company_response,
            "summary": a.summary,
            "confidentiality": a.confidentiality,
            "agm_item": a.agm_item,
            "vote": a.vote,
            "vote_rationale": a.vote_rationale,
            "external_id": a.external_id,
            "locked": actions.is_locked(a),
            "notes": notes[a.pk],
        }
        for a in activities
    ]


def _visible(request: HttpRequest, pk: int) -> Engagement:
    return access.get_visible_or_404(
        Engagement.objects.select_related("lead_party"), request.user, pk=pk
    )


def _objective_of(request: HttpRequest, engagement: Engagement, pk: int | None) -> Any:
    if pk is None:
        return None
    objective = Objective.objects.visible_to(request.user).filter(pk=pk).first()
    if objective is None or objective.engagement_id != engagement.pk:
        raise ActionError("Choose an objective of this engagement.", field="objective")
    return objective


# --- Engagements -------------------------------------------------------------------------


@router.get("/engagements", response=list[EngagementOut], summary="List engagements")
@paginate
def list_engagements(
    request: HttpRequest,
    status: Key = "",
    external_id: Annotated[str, Field(max_length=100)] = "",
) -> Any:
    """The engagements the caller may read, newest first (``status``: active or closed;
    ``external_id``: the one a stewardship system knows by its own key)."""
    rows = Engagement.objects.visible_to(request.user).select_related("lead_party")
    if status:
        rows = rows.filter(status=status)
    if external_id:
        rows = rows.filter(external_id=external_id)
    engagements = list(rows.order_by("-start_date", "pk"))
    progress = progress_of(engagements, request.user)
    cases = _readable_cases(request, engagements)
    return [_engagement_out(e, progress[e.pk], cases) for e in engagements]


@router.post(
    "/engagements",
    response={201: EngagementOut, 400: FieldError, 403: Error, 409: Error},
    summary="Start an engagement",
)
def create_engagement(request: HttpRequest, body: EngagementIn) -> Status:
    """As an editor of the lead party (or the secretariat). ``participants`` are other
    parties with their role (co_lead or supporting); the lead takes part as lead."""
    try:
        issuer = None
        if body.issuer is not None:
            issuer = Issuer.objects.visible_to(request.user).filter(pk=body.issuer).first()
            if issuer is None:
                raise ActionError(f"No company with number {body.issuer}.", field="issuer")
        engagement = actions.create_engagement(
            by=request.user,
            title=body.title,
            target=body.target,
            lead_party=_party(body.lead_party, "lead_party"),
            start_date=body.start_date,
            issuer=issuer,
            sector_code=body.sector_code,
            issue=body.issue,
            themes=body.themes,
            visibility=body.visibility,
            participants=[(_party(p.party, "participants"), p.role) for p in body.participants],
            external_id=body.external_id,
        )
    except ActionError as error:
        if error.code == "forbidden":
            return Status(403, {"detail": error.messages[0]})
        return _refused(error)
    progress = progress_of([engagement], request.user)[engagement.pk]
    return Status(201, _engagement_out(engagement, progress, {}))


@router.get(
    "/engagements/{pk}",
    response={200: EngagementDetailOut, 404: Error},
    summary="An engagement with its parties, risks and objectives",
)
def get_engagement(request: HttpRequest, pk: int) -> Any:
    engagement = _visible(request, pk)
    progress = progress_of([engagement], request.user)[engagement.pk]
    objectives = list(
        Objective.objects.visible_to(request.user).filter(engagement=engagement).order_by("pk")
    )
    participants = (
        Participant.objects.visible_to(request.user)
        .filter(engagement=engagement)
        .select_related("party")
        .order_by("start", "pk")
    )
    return _engagement_out(engagement, progress, _readable_cases(request, [engagement])) | {
        "participants": [_participant_out(p) for p in participants],
        "risks": [
            {"issuer": r.issuer_id, "theme": r.theme}
            for r in RiskLink.objects.visible_to(request.user).filter(engagement=engagement)
        ],
        "objectives": _objectives_out(request, objectives, progress),
    }


# --- Objectives and milestones -----------------------------------------------------------


@router.post(
    "/engagements/{pk}/objectives",
    response={201: ObjectiveOut, 400: FieldError, 403: Error, 404: Error},
    summary="Add an objective (with its four milestones)",
)
def add_objective(request: HttpRequest, pk: int, body: ObjectiveIn) -> Status:
    engagement = _visible(request, pk)
    if not actions.can_edit(request.user, engagement):
        return Status(403, {"detail": "Only an editor of a party taking part may add one."})
    try:
        objective = actions.add_objective(
            by=request.user,
            engagement=engagement,
            title=body.title,
            description=body.description,
            theme=body.theme,
            targets=body.targets.by_number() if body.targets else {},
        )
    except ActionError as error:
        return _refused(error)
    progress = progress_of([engagement], request.user)[engagement.pk]
    return Status(201, _objectives_out(request, [objective], progress)[0])


@router.get(
    "/objectives/{pk}",
    response={200: ObjectiveOut, 404: Error},
    summary="An objective with its milestones",
)
def get_objective(request: HttpRequest, pk: int) -> Any:
    objective = access.get_visible_or_404(Objective, request.user, pk=pk)
    progress = progress_of([objective.engagement], request.user)[objective.engagement_id]
    return _objectives_out(request, [objective], progress)[0]


@router.patch(
    "/objectives/{pk}",
    response={200: ObjectiveOut, 400: FieldError, 403: Error, 404: Error},
    summary="Correct an objective: title, description, theme, milestone target dates",
)
def update_objective(request: HttpRequest, pk: int, body: ObjectivePatch) -> Any:
    """Only the fields sent change. A closed objective is not changed (400)."""
    objective = access.get_visible_or_404(
        Objective.objects.select_related("engagement"), request.user, pk=pk
    )
    if not actions.can_edit(request.user, objective.engagement):
        return Status(403, {"detail": "Only an editor of a party taking part may correct it."})
    sent = body.model_fields_set
    targets = body.targets.sent() if body.targets is not None else {}
    try:
        values = {name: getattr(objective, name) for name in ("title", "description", "theme")}
        for name in values:
            if name in sent:
                value = getattr(body, name)
                if value is None:
                    raise ActionError(f"{name} cannot be null.", field=name)
                values[name] = value
        objective = actions.update_objective(
            by=request.user,
            objective=objective,
            **values,
            targets=targets,
        )
    except ActionError as error:
        return _refused(error)
    progress = progress_of([objective.engagement], request.user)[objective.engagement_id]
    return _objectives_out(request, [objective], progress)[0]


@router.post(
    "/objectives/{pk}/outcome",
    response={200: ObjectiveOut, 400: FieldError, 403: Error, 404: Error},
    summary="Record an objective's outcome",
)
def record_objective_outcome(request: HttpRequest, pk: int, body: OutcomeIn) -> Any:
    objective = access.get_visible_or_404(Objective, request.user, pk=pk)
    if not actions.can_edit(request.user, objective.engagement):
        return Status(403, {"detail": "Only an editor of a party taking part may close it."})
    try:
        objective = actions.record_outcome(
            by=request.user,
            objective=objective,
            outcome=body.outcome,
            rationale=body.rationale,
            closed_on=body.closed_on,
        )
    except ActionError as error:
        return _refused(error)
    progress = progress_of([objective.engagement], request.user)[objective.engagement_id]
    return _objectives_out(request, [objective], progress)[0]


@router.patch(
    "/milestones/{pk}",
    response={200: MilestoneOut, 400: FieldError, 403: Error, 404: Error},
    summary="Set a milestone's target date or record that it was reached",
)
def update_milestone(request: HttpRequest, pk: int, body: MilestoneIn) -> Any:
    """``target_on`` sets the target date (when sent); ``reached_on`` with ``evidence``
    records it reached — in order, or with ``out_of_order_reason``."""
    milestone = access.get_visible_or_404(
        Milestone.objects.select_related("objective__engagement"), request.user, pk=pk
    )
    if not actions.can_edit(request.user, milestone.objective.engagement):
        return Status(403, {"detail": "Only an editor of a party taking part may change it."})
    sent = body.model_fields_set
    if not sent & {"target_on", "reached_on"}:
        return Status(400, {"detail": "Send target_on or reached_on.", "field": "target_on"})
    try:
        if "target_on" in sent:
            milestone = actions.set_milestone_target(
                by=request.user, milestone=milestone, target_on=body.target_on
            )
        if body.reached_on is not None:
            milestone = actions.reach_milestone(
                by=request.user,
                milestone=milestone,
                reached_on=body.reached_on,
                evidence=body.evidence,
                out_of_order_reason=body.out_of_order_reason,
            )
    except ActionError as error:
        return _refused(error)
    return {
        "id": milestone.pk,
        "number": milestone.number,
        "target_on": milestone.target_on,
        "reached_on": milestone.reached_on,
        "evidence": milestone.evidence,
        "overdue": milestone.overdue,
    }


# --- Activities --------------------------------------------------------------------------


@router.get(
    "/engagements/{pk}/activities",
    response={200: list[ActivityOut], 404: Error},
    summary="An engagement's activities, newest first",
)
def list_activities(
    request: HttpRequest, pk: int, external_id: Annotated[str, Field(max_length=100)] = ""
) -> Any:
    """The activities the caller may read: a restricted one only for the parties taking
    part and the secretariat, whatever the engagement's level (``external_id``: the one a
    stewardship system knows by its own key)."""
    engagement = _visible(request, pk)
    rows = Activity.objects.visible_to(request.user).filter(engagement=engagement)
    if external_id:
        rows = rows.filter(external_id=external_id)
    activities = list(rows.select_related("party").order_by("-occurred_on", "-pk")[:1000])
    return _activity_out(request, activities)


@router.post(
    "/engagements/{pk}/activities",
    response={201: ActivityOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Log an activity on the escalation ladder",
)
def log_activity(request: HttpRequest, pk: int, body: ActivityIn) -> Status:
    """``step`` is a key of the ladder in force; an AGM vote (``agm-vote``) needs
    ``agm_item``, ``vote`` (for, against, abstain) and ``vote_rationale`` and is the acting
    fund's own."""
    engagement = _visible(request, pk)
    if not actions.can_edit(request.user, engagement):
        return Status(403, {"detail": "Only an editor of a party taking part may log one."})
    try:
        activity = actions.log_activity(
            by=request.user,
            engagement=engagement,
            step=body.step,
            occurred_on=body.occurred_on,
            party=_party(body.party, "party"),
            summary=body.summary,
            objective=_objective_of(request, engagement, body.objective),
            participants=body.participants,
            company_response=body.company_response,
            confidentiality=body.confidentiality,
            agm_item=body.agm_item,
            vote=body.vote,
            vote_rationale=body.vote_rationale,
            external_id=body.external_id,
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _activity_out(request, [activity])[0])


@router.patch(
    "/activities/{pk}",
    response={200: ActivityOut, 400: FieldError, 403: Error, 404: Error, 409: Error},
    summary="Correct an activity (within the lock period)",
)
def update_activity(request: HttpRequest, pk: int, body: ActivityPatch) -> Any:
    """Only the fields sent change. After the lock period the activity is locked (409)."""
    activity = access.get_visible_or_404(
        Activity.objects.select_related("engagement", "party"), request.user, pk=pk
    )
    if not actions.can_edit(request.user, activity.engagement):
        return Status(403, {"detail": "Only an editor of a party taking part may correct it."})
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    try:
        if "objective" in changes:
            changes["objective"] = _objective_of(request, activity.engagement, changes["objective"])
        for name in ("summary", "step", "occurred_on", "confidentiality"):
            if name in changes and changes[name] is None:
                raise ActionError(f"{name} cannot be empty.", field=name)
        changes = {k: ("" if v is None else v) for k, v in changes.items()} | {
            k: changes[k] for k in ("objective",) if k in changes
        }
        activity = actions.update_activity(by=request.user, activity=activity, **changes)
    except ActionError as error:
        return _refused(error)
    return _activity_out(request, [activity])[0]


@router.get(
    "/activities/{pk}",
    response={200: ActivityOut, 404: Error},
    summary="An activity with its notes",
)
def get_activity(request: HttpRequest, pk: int) -> Any:
    activity = access.get_visible_or_404(
        Activity.objects.select_related("party"), request.user, pk=pk
    )
    return _activity_out(request, [activity])[0]


@router.post(
    "/activities/{pk}/notes",
    response={201: ActivityOut, 400: FieldError, 403: Error, 404: Error},
    summary="Annotate an activity (also once it is locked)",
)
def annotate_activity(request: HttpRequest, pk: int, body: NoteIn) -> Status:
    activity = access.get_visible_or_404(
        Activity.objects.select_related("engagement", "party"), request.user, pk=pk
    )
    if not actions.can_edit(request.user, activity.engagement):
        return Status(403, {"detail": "Only an editor of a party taking part may annotate it."})
    try:
        actions.annotate_activity(by=request.user, activity=activity, text=body.text)
    except ActionError as error:
        return _refused(error)
    return Status(201, _activity_out(request, [activity])[0])


# --- Closing, reopening and the parties --------------------------------------------------


@router.post(
    "/engagements/{pk}/close",
    response={200: EngagementOut, 400: FieldError, 403: Error, 404: Error},
    summary="Close an engagement (with an outcome for each open objective)",
)
def close_engagement(request: HttpRequest, pk: int, body: CloseIn) -> Any:
    """As an editor of the lead party or the secretariat. Refused (400, the field names
    the objective: ``outcome_<id>``) while an open objective has no outcome in ``outcomes``."""
    engagement = _visible(request, pk)
    if not actions.can_close(request.user, engagement):
        return Status(403, {"detail": "Only an editor of the lead party may close it."})
    try:
        outcomes: dict[int, tuple[str, str]] = {}
        for given in body.outcomes:
            if given.objective in outcomes:
                raise ActionError(f"Objective {given.objective} is given twice.", field="outcomes")
            outcomes[given.objective] = (given.outcome, given.rationale)
        engagement = actions.close_engagement(
            by=request.user,
            engagement=engagement,
            closed_on=body.closed_on,
            note=body.note,
            outcomes=outcomes,
        )
    except ActionError as error:
        return _refused(error)
    progress = progress_of([engagement], request.user)[engagement.pk]
    return _engagement_out(engagement, progress, _readable_cases(request, [engagement]))


@router.post(
    "/engagements/{pk}/reopen",
    response={200: EngagementOut, 400: FieldError, 403: Error, 404: Error},
    summary="Reopen a closed engagement, with a reason",
)
def reopen_engagement(request: HttpRequest, pk: int, body: ReopenIn) -> Any:
    engagement = _visible(request, pk)
    if not actions.can_close(request.user, engagement):
        return Status(403, {"detail": "Only an editor of the lead party may reopen it."})
    try:
        engagement = actions.reopen_engagement(
            by=request.user, engagement=engagement, reason=body.reason
        )
    except ActionError as error:
        return _refused(error)
    progress = progress_of([engagement], request.user)[engagement.pk]
    return _engagement_out(engagement, progress, _readable_cases(request, [engagement]))


@router.post(
    "/engagements/{pk}/participants",
    response={201: ParticipantOut, 400: FieldError, 403: Error, 404: Error},
    summary="A party takes part, with a role, from a date",
)
def add_participant(request: HttpRequest, pk: int, body: ParticipantAdd) -> Status:
    engagement = _visible(request, pk)
    if not actions.can_edit(request.user, engagement):
        return Status(403, {"detail": "Only an editor of a party taking part may add one."})
    try:
        participant = actions.add_participant(
            by=request.user,
            engagement=engagement,
            party=_party(body.party, "party"),
            role=body.role,
            start=body.start,
        )
    except ActionError as error:
        return _refused(error)
    return Status(201, _participant_out(participant))


@router.post(
    "/participants/{pk}/end",
    response={200: ParticipantOut, 400: FieldError, 403: Error, 404: Error},
    summary="End a party's participation (the row stays, with its end date)",
)
def end_participation(request: HttpRequest, pk: int, body: ParticipantEnd) -> Any:
    participant = access.get_visible_or_404(
        Participant.objects.select_related("engagement", "party"), request.user, pk=pk
    )
    if not actions.can_edit(request.user, participant.engagement):
        return Status(403, {"detail": "Only an editor of a party taking part may end it."})
    try:
        participant = actions.end_participation(
            by=request.user, participant=participant, end=body.end
        )
    except ActionError as error:
        return _refused(error)
    return _participant_out(participant)
