"""Engagement actions: engagements, their parties, objectives and milestones, activities on
the escalation ladder and the risks and signals they answer (every write in one transaction,
audited).

Who may do what: an editor of the lead party (or the secretariat) starts an engagement; an
editor of a party taking part today (or the secretariat) writes in it. An activity is logged
for a participating party the person edits for; an AGM vote is that fund's own (the platform
never pools or casts votes).

Milestones are reached in order (1 concern raised … 4 implemented). A company sometimes skips
a step (it publishes a policy without ever acknowledging the letter): a later milestone may
then be reached before an earlier one, but only with ``out_of_order_reason``, which is kept
with the evidence.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access, limits, uploads
from convenant.core.access import Visibility
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.engagement.models import (
    Activity,
    ActivityNote,
    Engagement,
    LadderStep,
    Milestone,
    Objective,
    Participant,
    RiskLink,
    SignalLink,
)
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer

UNSCOPED = "engagement actions: the action checks the actor"

ACTIVITY_FIELDS = (
    "step",
    "occurred_on",
    "participants",
    "company_response",
    "summary",
    "confidentiality",
    "agm_item",
    "vote",
    "vote_rationale",
    "objective",
)


# --- Who may -----------------------------------------------------------------------------


def current_participants(engagement: Engagement, on: datetime.date | None = None) -> list[Any]:
    on = on or timezone.localdate()
    rows = Participant.objects.unrestricted(UNSCOPED).filter(engagement=engagement)
    return [p for p in rows if p.start <= on and (p.end is None or p.end > on)]


def can_edit(user: Any, engagement: Engagement) -> bool:
    """The secretariat, or an editor of a party taking part today."""
    actor = access.actor_for(user)
    if actor.is_secretariat:
        return True
    editing = actor.party_ids_with(access.Role.EDITOR)
    return any(p.party_id in editing for p in current_participants(engagement))


def _require_edit(user: Any, engagement: Engagement) -> None:
    if not can_edit(user, engagement):
        raise ActionError(_("Only an editor of a party taking part may change this engagement."))
    if engagement.status == Engagement.Status.CLOSED:
        raise ActionError(_("This engagement is closed."))


def _text(value: str, limit: int, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("This field is required."), field=field)
    return limits.check_length(value, limit, field=field)


def _visibility(value: Any, field: str) -> str:
    if value not in Visibility.values:
        raise ActionError(_("Choose a confidentiality level."), field=field)
    return str(value)


def _role(value: Any) -> str:
    if value not in Participant.Role.values:
        raise ActionError(_("Choose a role: lead, co-lead or supporting."), field="role")
    return str(value)


def _external_id(value: str, same_owner: Any) -> str:
    """A sync client's own key: once per owner, so sending the same record twice is refused
    (409, naming the record it already made) instead of making a copy."""
    value = _text(value, 100, "external_id")
    if value:
        existing = same_owner.filter(external_id=value).values_list("pk", flat=True).first()
        if existing is not None:
            raise ActionError(
                _("This external reference is already used (record %(pk)s).") % {"pk": existing},
                field="external_id",
                code="conflict",
            )
    return value


def _themes(themes: Iterable[str]) -> list[str]:
    cleaned = sorted({str(t).strip().lower() for t in themes if str(t).strip()})
    for theme in cleaned:
        if len(theme) > 40 or not theme.replace("-", "").replace("_", "").isalnum():
            raise ActionError(_("A theme is a short key such as labour-rights."), field="themes")
    return cleaned


# --- Engagements and their parties -------------------------------------------------------


@transaction.atomic(durable=True)
def create_engagement(
    *,
    by: Any,
    title: str,
    target: str,
    lead_party: Party,
    start_date: datetime.date,
    issuer: Issuer | None = None,
    sector_code: str = "",
    issue: str = "",
    themes: Iterable[str] = (),
    visibility: str = Visibility.RESTRICTED,
    participants: Sequence[tuple[Party, str]] = (),
    external_id: str = "",
) -> Engagement:
    actor = access.actor_for(by)
    if not (actor.is_secretariat or actor.has_role(lead_party.pk, access.Role.EDITOR)):
        raise ActionError(
            _("Only an editor of the lead party may start its engagement."),
            field="lead_party",
            code="forbidden",
        )
    if not lead_party.is_active(start_date) and not lead_party.is_active():
        raise ActionError(_("The lead party is not in the covenant."), field="lead_party")
    title = _text(title, limits.LINE, "title", required=True)
    if target not in Engagement.Target.values:
        raise ActionError(_("Choose a target: a company, a sector or an issue."), field="target")
    sector_code = _text(sector_code, 20, "sector_code")
    issue = _text(issue, limits.LINE, "issue")
    if target == Engagement.Target.ISSUER and issuer is None:
        raise ActionError(_("Name the company engaged with."), field="issuer")
    if target == Engagement.Target.SECTOR and not sector_code:
        raise ActionError(_("Name the sector engaged with."), field="sector_code")
    if target == Engagement.Target.ISSUE and not issue:
        raise ActionError(_("Name the issue engaged on."), field="issue")
    if start_date is None:
        raise ActionError(_("Give the start date."), field="start_date")
    external_id = _external_id(
        external_id, Engagement.objects.unrestricted(UNSCOPED).filter(lead_party=lead_party)
    )
    engagement = Engagement.objects.create(
        title=title,
        target=target,
        issuer=issuer if target == Engagement.Target.ISSUER else None,
        sector_code=sector_code if target == Engagement.Target.SECTOR else "",
        issue=issue if target == Engagement.Target.ISSUE else "",
        themes=_themes(themes),
        lead_party=lead_party,
        visibility=_visibility(visibility, "visibility"),
        start_date=start_date,
        external_id=external_id,
        created_by=by,
    )
    Participant.objects.create(
        engagement=engagement, party=lead_party, role=Participant.Role.LEAD, start=start_date
    )
    seen = {lead_party.pk}
    for party, role in participants:
        if party.pk in seen:
            continue
        seen.add(party.pk)
        if not party.is_active():
            raise ActionError(
                _("%(party)s is not in the covenant.") % {"party": party.display_name},
                field="participants",
            )
        Participant.objects.create(
            engagement=engagement, party=party, role=_role(role), start=start_date
        )
    record_event(
        actor=by,
        verb="engagement.create",
        obj=engagement,
        party_id=lead_party.pk,
        after=snapshot(engagement, ["title", "target", "issuer", "themes", "visibility"]),
    )
    return engagement


@transaction.atomic(durable=True)
def add_participant(
    *,
    by: Any,
    engagement: Engagement,
    party: Party,
    role: str,
    start: datetime.date | None = None,
) -> Participant:
    _require_edit(by, engagement)
    role = _role(role)
    start = start or timezone.localdate()
    if not party.is_active():
        raise ActionError(_("This party is not in the covenant."), field="party")
    if any(p.party_id == party.pk for p in current_participants(engagement, start)):
        raise ActionError(_("This party already takes part."), field="party")
    participant = Participant.objects.create(
        engagement=engagement, party=party, role=role, start=start
    )
    record_event(
        actor=by,
        verb="engagement.add_participant",
        obj=engagement,
        party_id=party.pk,
        after={"party": party.pk, "role": role, "start": start.isoformat()},
    )
    return participant


@transaction.atomic(durable=True)
def end_participation(
    *, by: Any, participant: Participant, end: datetime.date | None = None
) -> Participant:
    engagement = participant.engagement
    _require_edit(by, engagement)
    end = end or timezone.localdate()
    if participant.end is not None:
        raise ActionError(_("This participation has already ended."))
    if end < participant.start:
        raise ActionError(_("The end cannot be before the start."), field="end")
    if participant.role == Participant.Role.LEAD:
        raise ActionError(_("The lead party stays while the engagement runs."), field="party")
    participant.end = end
    participant.save(update_fields=["end", "updated_at"])
    record_event(
        actor=by,
        verb="engagement.end_participation",
        obj=engagement,
        party_id=participant.party_id,
        after={"party": participant.party_id, "end": end.isoformat()},
    )
    return participant


def can_close(user: Any, engagement: Engagement) -> bool:
    """Closing and reopening are the lead's call: an editor of the lead party, or the
    secretariat (the other parties end their own participation instead)."""
    actor = access.actor_for(user)
    return actor.is_secretariat or actor.has_role(engagement.lead_party_id, access.Role.EDITOR)


@transaction.atomic(durable=True)
def close_engagement(
    *,
    by: Any,
    engagement: Engagement,
    closed_on: datetime.date | None = None,
    note: str = "",
    outcomes: Mapping[int, tuple[str, str]] | None = None,
) -> Engagement:
    """Close an engagement on ``closed_on`` with a closing note. An engagement never closes
    with an objective left open: each open objective gets its outcome (outcome, rationale)
    in ``outcomes``, keyed by the objective's id, recorded on the same date in the same
    step, or nothing is closed. Its parties' participations stay as they were (history)."""
    engagement = Engagement.objects.unrestricted(UNSCOPED).select_for_update().get(pk=engagement.pk)
    if not can_close(by, engagement):
        raise ActionError(_("Only an editor of the lead party may close this engagement."))
    if engagement.status == Engagement.Status.CLOSED:
        raise ActionError(_("This engagement is closed."))
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        raise ActionError(_("An engagement cannot be closed in the future."), field="closed_on")
    if closed_on < engagement.start_date:
        raise ActionError(_("An engagement cannot be closed before it started."), field="closed_on")
    note = _text(note, limits.MESSAGE, "note", required=True)
    outcomes = dict(outcomes or {})
    open_objectives = list(
        Objective.objects.unrestricted(UNSCOPED)
        .select_for_update()
        .filter(engagement=engagement, outcome="")
        .order_by("pk")
    )
    strangers = set(outcomes) - {o.pk for o in open_objectives}
    if strangers:
        raise ActionError(
            _("Give outcomes only for this engagement's open objectives."), field="outcomes"
        )
    for objective in open_objectives:
        if objective.pk not in outcomes:
            raise ActionError(
                _("“%(objective)s” is still open: give its outcome to close the engagement.")
                % {"objective": objective.title},
                field=f"outcome_{objective.pk}",
            )
        outcome, rationale = outcomes[objective.pk]
        objective.engagement = engagement
        _set_outcome(by, objective, outcome, rationale, closed_on, field=f"_{objective.pk}")
    before = snapshot(engagement, ["status", "closed_on", "closing_note"])
    engagement.status = Engagement.Status.CLOSED
    engagement.closed_on = closed_on
    engagement.closing_note = note
    engagement.save(update_fields=["status", "closed_on", "closing_note", "updated_at"])
    record_event(
        actor=by,
        verb="engagement.close",
        obj=engagement,
        party_id=engagement.lead_party_id,
        before=before,
        after=snapshot(engagement, ["status", "closed_on", "closing_note"])
        | {"objectives_closed": [o.pk for o in open_objectives]},
    )
    return engagement


@transaction.atomic(durable=True)
def reopen_engagement(*, by: Any, engagement: Engagement, reason: str) -> Engagement:
    """Open a closed engagement again, with a reason (kept in the audit trail with the
    closing date and note it had). The objectives keep their recorded outcomes: new work
    goes into a new objective."""
    engagement = Engagement.objects.unrestricted(UNSCOPED).select_for_update().get(pk=engagement.pk)
    if not can_close(by, engagement):
        raise ActionError(_("Only an editor of the lead party may reopen this engagement."))
    if engagement.status != Engagement.Status.CLOSED:
        raise ActionError(_("This engagement is not closed."))
    reason = _text(reason, limits.MESSAGE, "reason", required=True)
    before = snapshot(engagement, ["status", "closed_on", "closing_note"])
    engagement.status = Engagement.Status.ACTIVE
    engagement.closed_on = None
    engagement.closing_note = ""
    engagement.save(update_fields=["status", "closed_on", "closing_note", "updated_at"])
    record_event(
        actor=by,
        verb="engagement.reopen",
        obj=engagement,
        party_id=engagement.lead_party_id,
        before=before,
        after={"status": engagement.status, "reason": reason},
    )
    return engagement


# --- Objectives and milestones -----------------------------------------------------------


def _target_dates(targets: dict[Any, Any] | None) -> dict[int, datetime.date | None]:
    dates: dict[int, datetime.date | None] = dict.fromkeys(Milestone.Number.values)
    for key, value in (targets or {}).items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            number = 0
        if number not in dates:
            raise ActionError(_("Milestones are numbered 1 to 4."), field="targets")
        if value is not None and not isinstance(value, datetime.date):
            raise ActionError(_("Give a target as a date."), field="targets")
        dates[number] = value
    return dates


@transaction.atomic(durable=True)
def add_objective(
    *,
    by: Any,
    engagement: Engagement,
    title: str,
    description: str = "",
    theme: str = "",
    targets: dict[Any, Any] | None = None,
) -> Objective:
    _require_edit(by, engagement)
    title = _text(title, limits.LINE, "title", required=True)
    description = _text(description, limits.TEXT, "description")
    theme = (_themes([theme]) or [""])[0]
    dates = _target_dates(targets)
    objective = Objective.objects.create(
        engagement=engagement, title=title, description=description, theme=theme
    )
    Milestone.objects.bulk_create(
        Milestone(objective=objective, number=n, target_on=dates[n]) for n in sorted(dates)
    )
    record_event(
        actor=by,
        verb="engagement.add_objective",
        obj=objective,
        party_id=engagement.lead_party_id,
        after={"title": title, "theme": theme},
    )
    return objective


@transaction.atomic(durable=True)
def update_objective(
    *,
    by: Any,
    objective: Objective,
    title: str,
    description: str = "",
    theme: str = "",
    targets: dict[Any, Any] | None = None,
) -> Objective:
    """Correct an open objective: its title, description and theme, and the target dates
    of the milestones named in ``targets`` (a date, or None to clear it). A milestone
    already reached keeps the dates it had; a closed objective is not changed."""
    objective = Objective.objects.unrestricted(UNSCOPED).select_for_update().get(pk=objective.pk)
    _require_edit(by, objective.engagement)
    if objective.outcome:
        raise ActionError(_("This objective is closed."))
    fields = ["title", "description", "theme"]
    before = snapshot(objective, fields)
    objective.title = _text(title, limits.LINE, "title", required=True)
    objective.description = _text(description, limits.TEXT, "description")
    objective.theme = (_themes([theme]) or [""])[0]
    dates = _target_dates(targets)  # refuses a key other than 1 to 4
    named = {int(k) for k in (targets or {})}
    milestones = list(
        Milestone.objects.unrestricted(UNSCOPED)
        .select_for_update()
        .filter(objective=objective, number__in=named)
    )
    moved = {}
    for milestone in milestones:
        if milestone.reached_on is None and milestone.target_on != dates[milestone.number]:
            moved[milestone.number] = [milestone.target_on, dates[milestone.number]]
            milestone.target_on = dates[milestone.number]
            milestone.save(update_fields=["target_on", "updated_at"])
    objective.save(update_fields=[*fields, "updated_at"])
    record_event(
        actor=by,
        verb="engagement.update_objective",
        obj=objective,
        party_id=objective.engagement.lead_party_id,
        before=before,
        after=snapshot(objective, fields)
        | {"targets": {str(n): [str(d) if d else None for d in v] for n, v in moved.items()}},
    )
    return objective


def set_milestone_target(
    *, by: Any, milestone: Milestone, target_on: datetime.date | None, within_action: bool = False
) -> Milestone:
    """``within_action``: a higher action (the bulk update from a file) writes this in its
    own transaction, so one refused row leaves everything as it was (as governance's
    ``create_proposal``)."""
    with transaction.atomic(durable=not within_action):
        return _set_milestone_target(by=by, milestone=milestone, target_on=target_on)


def _set_milestone_target(
    *, by: Any, milestone: Milestone, target_on: datetime.date | None
) -> Milestone:
    # Read again under a lock: the caller's copy may be older than the objective's outcome.
    milestone = Milestone.objects.unrestricted(UNSCOPED).select_for_update().get(pk=milestone.pk)
    objective = Objective.objects.unrestricted(UNSCOPED).get(pk=milestone.objective_id)
    _require_edit(by, objective.engagement)
    if objective.outcome:
        raise ActionError(_("This objective is closed."))
    before = snapshot(milestone, ["target_on"])
    milestone.target_on = target_on
    milestone.save(update_fields=["target_on", "updated_at"])
    record_event(
        actor=by,
        verb="engagement.set_milestone_target",
        obj=milestone,
        party_id=objective.engagement.lead_party_id,
        before=before,
        after=snapshot(milestone, ["target_on"]),
    )
    return milestone


def reach_milestone(
    *,
    by: Any,
    milestone: Milestone,
    reached_on: datetime.date,
    evidence: str,
    out_of_order_reason: str = "",
    within_action: bool = False,
) -> Milestone:
    """``within_action``: a higher action (the bulk update from a file) writes this in its
    own transaction, so one refused row leaves everything as it was (as governance's
    ``create_proposal``)."""
    with transaction.atomic(durable=not within_action):
        return _reach_milestone(
            by=by,
            milestone=milestone,
            reached_on=reached_on,
            evidence=evidence,
            out_of_order_reason=out_of_order_reason,
        )


def _reach_milestone(
    *,
    by: Any,
    milestone: Milestone,
    reached_on: datetime.date,
    evidence: str,
    out_of_order_reason: str = "",
) -> Milestone:
    # Read again under a lock: the caller's copy may be older than the objective's outcome.
    milestone = Milestone.objects.unrestricted(UNSCOPED).select_for_update().get(pk=milestone.pk)
    objective = Objective.objects.unrestricted(UNSCOPED).get(pk=milestone.objective_id)
    _require_edit(by, objective.engagement)
    if objective.outcome:
        raise ActionError(_("This objective is closed."))
    if milestone.reached_on is not None:
        raise ActionError(_("This milestone has already been reached."))
    evidence = _text(evidence, limits.TEXT, "evidence", required=True)
    reason = _text(out_of_order_reason, limits.MESSAGE, "out_of_order_reason")
    if reached_on is None:
        raise ActionError(_("Give the date it was reached."), field="reached_on")
    if reached_on > timezone.localdate():
        raise ActionError(_("A milestone cannot be reached in the future."), field="reached_on")
    if reached_on < objective.engagement.start_date:
        raise ActionError(
            _("A milestone cannot be reached before the engagement started."), field="reached_on"
        )
    earlier_open = (
        Milestone.objects.unrestricted(UNSCOPED)
        .filter(objective=objective, number__lt=milestone.number, reached_on__isnull=True)
        .exists()
    )
    if earlier_open and not reason:
        raise ActionError(
            _(
                "An earlier milestone has not been reached: say why this one comes first "
                "(for instance, the company published a policy without acknowledging)."
            ),
            field="out_of_order_reason",
        )
    if reason:
        evidence = limits.check_length(
            f"{evidence}\n\n{_('Reached out of order')}: {reason}", limits.TEXT, field="evidence"
        )
    milestone.reached_on = reached_on
    milestone.evidence = evidence
    milestone.save(update_fields=["reached_on", "evidence", "updated_at"])
    record_event(
        actor=by,
        verb="engagement.reach_milestone",
        obj=milestone,
        party_id=objective.engagement.lead_party_id,
        after=snapshot(milestone, ["number", "reached_on"]),
    )
    return milestone


@transaction.atomic(durable=True)
def record_outcome(
    *,
    by: Any,
    objective: Objective,
    outcome: str,
    rationale: str,
    closed_on: datetime.date | None = None,
) -> Objective:
    objective = Objective.objects.unrestricted(UNSCOPED).select_for_update().get(pk=objective.pk)
    _require_edit(by, objective.engagement)
    return _set_outcome(by, objective, outcome, rationale, closed_on)


def _set_outcome(
    by: Any,
    objective: Objective,
    outcome: str,
    rationale: str,
    closed_on: datetime.date | None,
    *,
    field: str = "",
) -> Objective:
    """Record an objective's outcome (inside the caller's transaction, the objective locked);
    ``field`` suffixes the fields named in a refusal when several objectives are closed at
    once."""
    if objective.outcome:
        raise ActionError(_("This objective's outcome has already been recorded."))
    if outcome not in Objective.Outcome.values or not outcome:
        raise ActionError(
            _("Choose an outcome: met, partly met, not met or ended by divestment."),
            field=f"outcome{field}",
        )
    rationale = _text(rationale, limits.MESSAGE, f"rationale{field}", required=True)
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        raise ActionError(
            _("An objective cannot be closed in the future."), field=f"closed_on{field}"
        )
    if closed_on < objective.engagement.start_date:
        raise ActionError(
            _("An objective cannot be closed before the engagement started."),
            field=f"closed_on{field}",
        )
    objective.outcome = outcome
    objective.outcome_rationale = rationale
    objective.closed_on = closed_on
    objective.save(update_fields=["outcome", "outcome_rationale", "closed_on", "updated_at"])
    record_event(
        actor=by,
        verb="engagement.record_outcome",
        obj=objective,
        party_id=objective.engagement.lead_party_id,
        after=snapshot(objective, ["outcome", "closed_on"]),
    )
    return objective


# --- Activities --------------------------------------------------------------------------


def ladder_in_force() -> list[LadderStep]:
    return list(LadderStep.objects.in_force().order_by("order"))


def _step(key: str) -> LadderStep:
    steps = {s.key: s for s in ladder_in_force()}
    if not steps:
        raise ActionError(_("The escalation ladder has not been loaded."), field="step")
    if key not in steps:
        raise ActionError(_("Choose a step of the escalation ladder."), field="step")
    return steps[key]


def _check_activity(
    by: Any,
    engagement: Engagement,
    *,
    step: LadderStep,
    party: Party,
    occurred_on: datetime.date,
    objective: Objective | None,
    agm_item: str,
    vote: str,
    vote_rationale: str,
) -> None:
    actor = access.actor_for(by)
    participating = {p.party_id for p in current_participants(engagement)}
    if party.pk not in participating:
        raise ActionError(_("The acting party must take part in the engagement."), field="party")
    if not (actor.is_secretariat or actor.has_role(party.pk, access.Role.EDITOR)):
        raise ActionError(_("You may log activities only for your own party."), field="party")
    if occurred_on is None or occurred_on > timezone.localdate():
        raise ActionError(_("An activity's date cannot be in the future."), field="occurred_on")
    if occurred_on < engagement.start_date:
        raise ActionError(
            _("An activity cannot be before the engagement started."), field="occurred_on"
        )
    if objective is not None and objective.engagement_id != engagement.pk:
        raise ActionError(_("Choose an objective of this engagement."), field="objective")
    if step.is_vote:
        if not party.is_fund:
            raise ActionError(_("An AGM vote is a fund's own vote."), field="party")
        if not agm_item:
            raise ActionError(_("Name the AGM item voted on."), field="agm_item")
        if vote not in (Activity.Vote.FOR, Activity.Vote.AGAINST, Activity.Vote.ABSTAIN):
            raise ActionError(_("Choose the fund's vote: for, against or abstain."), field="vote")
        if not vote_rationale:
            raise ActionError(_("Give the rationale of the vote."), field="vote_rationale")
    elif vote or agm_item or vote_rationale:
        raise ActionError(_("Only an AGM vote records an item and a vote."), field="vote")


def log_activity(
    *,
    by: Any,
    engagement: Engagement,
    step: str,
    occurred_on: datetime.date,
    party: Party,
    summary: str,
    objective: Objective | None = None,
    participants: str = "",
    company_response: str = "",
    confidentiality: str = Visibility.RESTRICTED,
    agm_item: str = "",
    vote: str = "",
    vote_rationale: str = "",
    external_id: str = "",
    within_action: bool = False,
) -> Activity:
    """``within_action``: a higher action (the bulk update from a file) writes this in its
    own transaction, so one refused row leaves everything as it was (as governance's
    ``create_proposal``)."""
    with transaction.atomic(durable=not within_action):
        return _log_activity(
            by=by,
            engagement=engagement,
            step=step,
            occurred_on=occurred_on,
            party=party,
            summary=summary,
            objective=objective,
            participants=participants,
            company_response=company_response,
            confidentiality=confidentiality,
            agm_item=agm_item,
            vote=vote,
            vote_rationale=vote_rationale,
            external_id=external_id,
        )


def _log_activity(
    *,
    by: Any,
    engagement: Engagement,
    step: str,
    occurred_on: datetime.date,
    party: Party,
    summary: str,
    objective: Objective | None = None,
    participants: str = "",
    company_response: str = "",
    confidentiality: str = Visibility.RESTRICTED,
    agm_item: str = "",
    vote: str = "",
    vote_rationale: str = "",
    external_id: str = "",
) -> Activity:
    _require_edit(by, engagement)
    rung = _step(step)
    summary = _text(summary, limits.TEXT, "summary", required=True)
    participants = _text(participants, limits.MESSAGE, "participants")
    company_response = _text(company_response, limits.TEXT, "company_response")
    agm_item = _text(agm_item, limits.LINE, "agm_item")
    vote_rationale = _text(vote_rationale, limits.MESSAGE, "vote_rationale")
    vote = vote or ""
    _check_activity(
        by,
        engagement,
        step=rung,
        party=party,
        occurred_on=occurred_on,
        objective=objective,
        agm_item=agm_item,
        vote=vote,
        vote_rationale=vote_rationale,
    )
    external_id = _external_id(
        external_id, Activity.objects.unrestricted(UNSCOPED).filter(party=party)
    )
    activity = Activity.objects.create(
        engagement=engagement,
        objective=objective,
        step=rung.key,
        ladder_edition=rung.edition,
        occurred_on=occurred_on,
        party=party,
        participants=participants,
        company_response=company_response,
        summary=summary,
        confidentiality=_visibility(confidentiality, "confidentiality"),
        agm_item=agm_item,
        vote=vote,
        vote_rationale=vote_rationale,
        external_id=external_id,
        recorded_by=by,
    )
    record_event(
        actor=by,
        verb="engagement.log_activity",
        obj=activity,
        party_id=party.pk,
        after=snapshot(activity, ["step", "ladder_edition", "occurred_on", "vote"]),
    )
    return activity


def is_locked(activity: Activity, now: datetime.datetime | None = None) -> bool:
    """Past the lock period after it was recorded: annotate, never edit."""
    now = now or timezone.now()
    return (
        activity.created_at + datetime.timedelta(days=settings.ENGAGEMENT_ACTIVITY_LOCK_DAYS) < now
    )


@transaction.atomic(durable=True)
def update_activity(*, by: Any, activity: Activity, **changes: Any) -> Activity:
    activity = Activity.objects.unrestricted(UNSCOPED).select_for_update().get(pk=activity.pk)
    engagement = activity.engagement
    _require_edit(by, engagement)
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ActionError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    if is_locked(activity):
        raise ActionError(
            _("This activity is locked after %(days)s days: add a note instead.")
            % {"days": settings.ENGAGEMENT_ACTIVITY_LOCK_DAYS},
            code="conflict",
        )
    before = snapshot(activity, ACTIVITY_FIELDS)
    step_key = changes.get("step", activity.step)
    # An unchanged step keeps the edition it was logged under; a new one is of the ladder
    # in force.
    kept = LadderStep.objects.filter(edition=activity.ladder_edition, key=step_key).first()
    rung = kept if kept is not None and step_key == activity.step else _step(step_key)
    values = {name: changes.get(name, getattr(activity, name)) for name in ACTIVITY_FIELDS}
    values["summary"] = _text(values["summary"], limits.TEXT, "summary", required=True)
    values["participants"] = _text(values["participants"], limits.MESSAGE, "participants")
    values["company_response"] = _text(values["company_response"], limits.TEXT, "company_response")
    values["agm_item"] = _text(values["agm_item"], limits.LINE, "agm_item")
    values["vote_rationale"] = _text(values["vote_rationale"], limits.MESSAGE, "vote_rationale")
    values["vote"] = values["vote"] or ""
    values["confidentiality"] = _visibility(values["confidentiality"], "confidentiality")
    _check_activity(
        by,
        engagement,
        step=rung,
        party=activity.party,
        occurred_on=values["occurred_on"],
        objective=values["objective"],
        agm_item=values["agm_item"],
        vote=values["vote"],
        vote_rationale=values["vote_rationale"],
    )
    for name, value in values.items():
        setattr(activity, name, value)
    activity.ladder_edition = rung.edition
    activity.save()
    record_event(
        actor=by,
        verb="engagement.update_activity",
        obj=activity,
        party_id=activity.party_id,
        before=before,
        after=snapshot(activity, ACTIVITY_FIELDS),
    )
    return activity


@transaction.atomic(durable=True)
def annotate_activity(*, by: Any, activity: Activity, text: str) -> ActivityNote:
    _require_edit(by, activity.engagement)
    text = _text(text, limits.MESSAGE, "text", required=True)
    note = ActivityNote.objects.create(activity=activity, text=text, written_by=by)
    record_event(
        actor=by,
        verb="engagement.annotate_activity",
        obj=activity,
        party_id=activity.party_id,
        after={"note": note.pk},
    )
    return note


# --- Risks and signals it answers --------------------------------------------------------


@transaction.atomic(durable=True)
def link_risk(*, by: Any, engagement: Engagement, issuer: Issuer, theme: str) -> RiskLink:
    _require_edit(by, engagement)
    key = (_themes([theme]) or [""])[0]
    if not key:
        raise ActionError(_("Name the theme of the risk."), field="theme")
    if (
        RiskLink.objects.unrestricted(UNSCOPED)
        .filter(engagement=engagement, issuer=issuer, theme=key)
        .exists()
    ):
        raise ActionError(_("This risk is already linked."), field="theme")
    link = RiskLink.objects.create(engagement=engagement, issuer=issuer, theme=key)
    record_event(
        actor=by,
        verb="engagement.link_risk",
        obj=engagement,
        party_id=engagement.lead_party_id,
        after={"issuer": issuer.pk, "theme": key},
    )
    return link


@transaction.atomic(durable=True)
def link_signal(*, by: Any, engagement: Engagement, signal: Any) -> SignalLink:
    from convenant.signals.models import Signal

    _require_edit(by, engagement)
    if not Signal.objects.visible_to(by).filter(pk=signal.pk).exists():
        raise ActionError(_("Choose a signal you may read."), field="signal")
    if (
        SignalLink.objects.unrestricted(UNSCOPED)
        .filter(engagement=engagement, signal=signal)
        .exists()
    ):
        raise ActionError(_("This signal is already linked."), field="signal")
    link = SignalLink.objects.create(engagement=engagement, signal=signal)
    record_event(
        actor=by,
        verb="engagement.link_signal",
        obj=engagement,
        party_id=engagement.lead_party_id,
        after={"signal": signal.pk},
    )
    return link


# --- Attachments -------------------------------------------------------------------------


def attachment_storage() -> Any:
    """Activity documents live outside the web root, beside governance's documents, and are
    served only by a view that checks who may read the activity."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(
        location=str(settings.ENGAGEMENT_UPLOAD_DIR), base_url="/no-public-url/"
    )


def add_attachment(*, by: Any, activity: Activity, title: str, filename: str, data: bytes) -> Any:
    """A document attached to an activity: a PDF or an office document (judged by its
    content, as governance's documents are), within the size limit, under a random name."""
    from django.utils.text import get_valid_filename

    from convenant.engagement.models import ActivityAttachment
    from convenant.governance.actions.bodies import DOCUMENT_TYPES, max_document_bytes

    _require_edit(by, activity.engagement)
    if not data:
        raise ActionError(_("Choose a file."), field="file")
    kind = uploads.checked_kind(
        data,
        types=DOCUMENT_TYPES,
        max_bytes=max_document_bytes(),
        wrong_type=_("Upload a PDF, Word, Excel, PowerPoint or OpenDocument file."),
    )
    title = limits.check_length(title.strip(), 200, field="title")
    title = title or get_valid_filename(filename)[:200] or _("Document")
    storage = attachment_storage()
    name = uploads.store(storage, "activities", data, kind=kind, types=DOCUMENT_TYPES)
    try:
        with transaction.atomic(durable=True):
            attachment = ActivityAttachment.objects.create(
                activity=activity, title=title, file=name, uploaded_by=by
            )
            record_event(
                actor=by,
                verb="engagement.add_attachment",
                obj=activity,
                party_id=activity.party_id,
                after={"title": title, "bytes": len(data), "type": kind},
            )
    except BaseException:
        storage.delete(name)  # nothing recorded: no file left behind either
        raise
    return attachment
