"""Actions of the deep track: opening a case from a selected nomination (with its
sub-working group), the group's people and their roles, the collaboration plan, and moving
a case between the steps A–E.

A case's people are the memberships of its sub-working group (governance) with a case role
on top: one action writes both, so the body's members and the case's never disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.engagement import case_rules
from convenant.engagement.models import (
    Case,
    CaseMember,
    CaseMilestone,
    CaseRole,
    Engagement,
    Nomination,
    StepMove,
)
from convenant.governance.models import Body, BodyMembership, Decision
from convenant.parties.models import Membership, Party

WHY = "deep-track cases: the action decides access"
# Serialises case openings, so two decisions at once never run more cases than allowed.
_OPENING_LOCK = 0x6361_7365  # "case"


def deep_track_group() -> Body:
    """The working group the cases' sub-working groups report to (its slug is the setting
    ``ENGAGEMENT_DEEP_TRACK_GROUP``)."""
    body = Body.objects.filter(
        slug=settings.ENGAGEMENT_DEEP_TRACK_GROUP, kind=Body.Kind.WORKING_GROUP
    ).first()
    if body is None:
        raise ActionError(
            _(
                "The deep track's working group (%(slug)s) does not exist yet: the secretariat "
                "sets it up first."
            )
            % {"slug": settings.ENGAGEMENT_DEEP_TRACK_GROUP}
        )
    return body


def _next_reference(year: int) -> str:
    taken = set(
        Case.objects.unrestricted(WHY)
        .filter(reference__startswith=f"ds-{year}-")
        .values_list("reference", flat=True)
    )
    number = 1
    while f"ds-{year}-{number:02d}" in taken:
        number += 1
    return f"ds-{year}-{number:02d}"


def open_case(
    *,
    by: Any,
    nomination: Nomination,
    selected_on: datetime.date,
    decision: Decision | None = None,
    reference: str = "",
) -> Case:
    """Open a case for a nomination the steering group selected: the case, in step A, with
    a sub-working group under the deep track's working group. The secretariat does this
    (the selection effect acts for it); at most ``ENGAGEMENT_MAX_CASES`` run at once."""
    access.require(access.actor_for(by, fresh=True).is_secretariat)
    parent = deep_track_group()
    with transaction.atomic(durable=True):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_OPENING_LOCK])
        nomination = Nomination.objects.unrestricted(WHY).select_for_update().get(pk=nomination.pk)
        if nomination.state not in (Nomination.State.SUBMITTED, Nomination.State.NOT_SELECTED):
            raise ActionError(
                _("%(nomination)s cannot become a case: it is %(state)s.")
                % {"nomination": nomination.title, "state": nomination.get_state_display()},
                code="conflict",
            )
        running = Case.objects.unrestricted(WHY).running().count()
        if not case_rules.room_for(running, 1):
            raise ActionError(
                _("%(running)s cases run already; at most %(max)s run at once.")
                % {"running": running, "max": case_rules.max_cases()},
                code="conflict",
            )
        reference = reference.strip() or _next_reference(selected_on.year)
        if Case.objects.unrestricted(WHY).filter(reference=reference).exists():
            raise ActionError(_("Another case has this reference."), field="reference")
        body = Body.objects.create(
            covenant=parent.covenant,
            kind=Body.Kind.SUB_WORKING_GROUP,
            name=_("Sub-working group %(title)s") % {"title": nomination.title[:150]},
            slug=f"casus-{reference}",
            parent=parent,
            case_reference=reference,
            established_on=selected_on,
        )
        case = Case.objects.create(
            reference=reference,
            nomination=nomination,
            title=nomination.title,
            target=nomination.target,
            issuer=nomination.issuer,
            sector_code=nomination.sector_code,
            issue=nomination.issue,
            themes=list(nomination.themes),
            body=body,
            decision=decision,
            selected_on=selected_on,
            created_by=by,
        )
        nomination.state = Nomination.State.SELECTED
        nomination.save(update_fields=["state", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.open_case",
            obj=case,
            after=snapshot(case, ["reference", "title", "target", "selected_on", "body"]),
        )
    return case


def _belongs(user: User, party: Party, on: datetime.date) -> bool:
    if party.joined_on > on or (party.left_on is not None and party.left_on <= on):
        return False
    return Membership.objects.unrestricted(WHY).filter(user=user, party=party).exists()


def _require(by: Any, case: Case, right: str) -> None:
    access.require(right in case_rules.actor_rights(access.actor_for(by, fresh=True), case))


def add_case_member(
    *,
    by: Any,
    case: Case,
    user: User,
    party: Party,
    role: str,
    start: datetime.date | None = None,
) -> CaseMember:
    """Take a person into the case's sub-working group with a role (its lead fund, the
    secretariat's process owners). The person must work for the party."""
    _require(by, case, "manage_members")
    start = start or timezone.localdate()
    if role not in CaseRole.values:
        raise ActionError(_("Choose a role in the case."), field="role")
    if case.status == Case.Status.CLOSED:
        raise ActionError(_("This case is closed."), code="conflict")
    if not _belongs(user, party, start):
        raise ActionError(
            _("%(person)s does not work for %(party)s on that date.")
            % {"person": user.full_name, "party": party.name},
            field="user",
        )
    with transaction.atomic(durable=True):
        already = (
            BodyMembership.objects.unrestricted(WHY)
            .filter(body_id=case.body_id, user=user)
            .current(start)
            .exists()
        )
        if already:
            raise ActionError(_("This person is already in the case's group."), field="user")
        membership = BodyMembership.objects.create(
            body_id=case.body_id,
            user=user,
            party=party,
            role=BodyMembership.Role.SECRETARY
            if role == CaseRole.SECRETARY
            else BodyMembership.Role.MEMBER,
            start=start,
        )
        member = CaseMember.objects.create(case=case, membership=membership, role=role)
        record_event(
            actor=by,
            verb="engagement.add_case_member",
            obj=member,
            after={"case": case.reference, "user": user.pk, "party": party.pk, "role": role},
        )
    return member


def end_case_member(*, by: Any, member: CaseMember, end: datetime.date | None = None) -> CaseMember:
    """A person leaves the group: the membership ends, the history stays."""
    case = member.case
    _require(by, case, "manage_members")
    end = end or timezone.localdate()
    with transaction.atomic(durable=True):
        membership = (
            BodyMembership.objects.unrestricted(WHY)
            .select_for_update()
            .get(pk=member.membership_id)
        )
        if membership.end is not None:
            raise ActionError(_("This person has left the group already."), code="conflict")
        if end <= membership.start:
            raise ActionError(_("The end comes after the start."), field="end")
        membership.end = end
        membership.save(update_fields=["end", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.end_case_member",
            obj=member,
            after={"case": case.reference, "end": end.isoformat()},
        )
    return member


# --- The collaboration plan ----------------------------------------------------------------


def _open_for(by: Any, case: Case, right: str) -> None:
    """The actor holds the right in the case today, and the case still runs."""
    _require(by, case, right)
    if case.status == Case.Status.CLOSED:
        raise ActionError(_("This case is closed."), code="conflict")


def _plan_text(value: str, field: str) -> str:
    return limits.check_length((value or "").strip(), limits.TEXT, field=field)


PLAN_FIELDS = ("plan_objectives", "plan_questions", "plan_roles", "plan_communication")


def update_plan(
    *,
    by: Any,
    case: Case,
    objectives: str,
    questions: str = "",
    roles: str = "",
    communication: str = "",
) -> Case:
    """Write the collaboration plan's texts (those with ``edit_plan``). An agreed plan stays
    agreed: the audit log keeps what changed after the agreement."""
    _open_for(by, case, "edit_plan")
    values = {
        "plan_objectives": _plan_text(objectives, "objectives"),
        "plan_questions": _plan_text(questions, "questions"),
        "plan_roles": _plan_text(roles, "roles"),
        "plan_communication": _plan_text(communication, "communication"),
    }
    with transaction.atomic(durable=True):
        case = Case.objects.unrestricted(WHY).select_for_update().get(pk=case.pk)
        before = snapshot(case, list(PLAN_FIELDS))
        for name, value in values.items():
            setattr(case, name, value)
        case.save(update_fields=[*PLAN_FIELDS, "updated_at"])
        record_event(
            actor=by,
            verb="engagement.update_plan",
            obj=case,
            before=before,
            after=snapshot(case, list(PLAN_FIELDS)),
        )
    return case


def agree_plan(*, by: Any, case: Case, on: datetime.date | None = None) -> Case:
    """The group agrees the plan: it needs objectives and at least one milestone."""
    _open_for(by, case, "edit_plan")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ActionError(_("The plan cannot be agreed on a date still to come."), field="on")
    if on < case.selected_on:
        raise ActionError(_("The plan is agreed after the case was selected."), field="on")
    with transaction.atomic(durable=True):
        case = Case.objects.unrestricted(WHY).select_for_update().get(pk=case.pk)
        if not case.plan_objectives.strip():
            raise ActionError(_("Write the plan's objectives before agreeing it."), field="on")
        if not CaseMilestone.objects.unrestricted(WHY).filter(case=case).exists():
            raise ActionError(_("Give the plan a milestone before agreeing it."), field="on")
        before = snapshot(case, ["plan_agreed_on"])
        case.plan_agreed_on = on
        case.save(update_fields=["plan_agreed_on", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.agree_plan",
            obj=case,
            before=before,
            after=snapshot(case, ["plan_agreed_on"]),
        )
    return case


def add_plan_milestone(
    *, by: Any, case: Case, title: str, target_on: datetime.date | None = None
) -> CaseMilestone:
    _open_for(by, case, "edit_plan")
    title = limits.check_length((title or "").strip(), limits.LINE, field="title")
    if not title:
        raise ActionError(_("Name the milestone."), field="title")
    with transaction.atomic(durable=True):
        last = (
            CaseMilestone.objects.unrestricted(WHY)
            .filter(case=case)
            .aggregate(last=Max("order"))["last"]
        )
        milestone = CaseMilestone.objects.create(
            case=case, title=title, target_on=target_on, order=(last or 0) + 1
        )
        record_event(
            actor=by,
            verb="engagement.add_plan_milestone",
            obj=milestone,
            after=snapshot(milestone, ["case", "title", "target_on"]),
        )
    return milestone


_UNCHANGED: Any = object()


def update_plan_milestone(
    *,
    by: Any,
    milestone: CaseMilestone,
    title: str | None = None,
    target_on: Any = _UNCHANGED,
    reached_on: datetime.date | None = None,
    evidence: str = "",
) -> CaseMilestone:
    """Rename it, move its target date (``None`` clears it), or record it reached — which
    needs evidence and a date that has come. A reached milestone stays reached."""
    case = milestone.case
    _open_for(by, case, "edit_plan")
    if title is not None:
        title = limits.check_length(title.strip(), limits.LINE, field="title")
        if not title:
            raise ActionError(_("Name the milestone."), field="title")
    evidence = limits.check_length((evidence or "").strip(), limits.TEXT, field="evidence")
    if reached_on is not None:
        if reached_on > timezone.localdate():
            raise ActionError(
                _("A milestone is reached on a date that has come."), field="reached_on"
            )
        if not evidence:
            raise ActionError(_("Give the evidence that it was reached."), field="evidence")
    with transaction.atomic(durable=True):
        milestone = CaseMilestone.objects.unrestricted(WHY).select_for_update().get(pk=milestone.pk)
        fields = ["title", "target_on", "reached_on", "evidence"]
        before = snapshot(milestone, fields)
        if title is not None:
            milestone.title = title
        if target_on is not _UNCHANGED:
            milestone.target_on = target_on
        if reached_on is not None:
            if milestone.reached_on is not None:
                raise ActionError(_("This milestone was reached already."), code="conflict")
            milestone.reached_on, milestone.evidence = reached_on, evidence
        milestone.save(update_fields=[*fields, "updated_at"])
        record_event(
            actor=by,
            verb="engagement.update_plan_milestone",
            obj=milestone,
            before=before,
            after=snapshot(milestone, fields),
        )
    return milestone


def set_publishable(*, by: Any, case: Case, fields: list[str]) -> Case:
    """The fields a public communication may be generated from. Naming a company is not
    among them: the group approves that on the communication itself (step E)."""
    _open_for(by, case, "edit_plan")
    unknown = [f for f in fields if f not in case_rules.PUBLISHABLE]
    if unknown:
        raise ActionError(
            _("Not a field that can be published: %(fields)s.") % {"fields": ", ".join(unknown)},
            field="fields",
        )
    chosen = [f for f in case_rules.PUBLISHABLE if f in set(fields)]
    with transaction.atomic(durable=True):
        case = Case.objects.unrestricted(WHY).select_for_update().get(pk=case.pk)
        before = snapshot(case, ["publishable"])
        case.publishable = chosen
        case.save(update_fields=["publishable", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.set_publishable",
            obj=case,
            before=before,
            after=snapshot(case, ["publishable"]),
        )
    return case


# --- Steps --------------------------------------------------------------------------------


def move_step(*, by: Any, case: Case, to_step: str, reason: str = "") -> StepMove:
    """Move the case one step on once the exit criteria of its step hold (the checks as they
    stood are kept on the move), or back to an earlier step with a reason. A closed case
    never moves; leaving E forwards is the closure, not a move."""
    _require(by, case, "move_step")
    reason = limits.check_length((reason or "").strip(), limits.MESSAGE, field="reason")
    if to_step not in case_rules.STEPS:
        raise ActionError(_("Choose a step from A to E."), field="to_step")
    with transaction.atomic(durable=True):
        case = Case.objects.unrestricted(WHY).select_for_update().get(pk=case.pk)
        if case.status == Case.Status.CLOSED:
            raise ActionError(_("A closed case does not move."), code="conflict")
        checks: list[dict[str, Any]] = []
        if to_step == case.step:
            raise ActionError(_("The case stands at this step already."), field="to_step")
        if case_rules.is_back(case.step, to_step):
            if not reason:
                raise ActionError(_("Say why the case goes back."), field="reason")
        else:
            if not case_rules.is_next(case.step, to_step):
                raise ActionError(
                    _("A case moves forward one step at a time: next is %(step)s.")
                    % {"step": case_rules.STEPS[case_rules.STEPS.index(case.step) + 1]},
                    field="to_step",
                )
            found = case_rules.exit_checks(case.step, case_rules.facts_of(case))
            failing = [str(c.label) for c in found if not c.met]
            if failing:
                raise ActionError(
                    _("The case cannot leave step %(step)s yet: %(checks)s.")
                    % {"step": case.step, "checks": "; ".join(failing)},
                    field="to_step",
                )
            checks = [{"key": c.key, "label": str(c.label), "met": c.met} for c in found]
        move = StepMove.objects.create(
            case=case,
            from_step=case.step,
            to_step=to_step,
            moved_by=by,
            reason=reason,
            checks=checks,
        )
        case.step = to_step
        case.save(update_fields=["step", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.move_step",
            obj=case,
            before={"step": move.from_step},
            after={"step": to_step, "reason": reason, "checks": checks},
        )
    return move


# --- Step B: the case's engagements ------------------------------------------------------


def linkable_engagements(user: Any, case: Case) -> Any:
    """Engagements the person may write and link: on the case's company (for a company
    case), active, not linked to a case yet."""
    from convenant.engagement.actions.engagements import can_edit

    rows = Engagement.objects.visible_to(user).filter(
        case__isnull=True, status=Engagement.Status.ACTIVE
    )
    if case.issuer_id is not None:
        rows = rows.filter(issuer_id=case.issuer_id)
    return [e for e in rows.order_by("title", "pk")[:200] if can_edit(user, e)]


def link_engagement(*, by: Any, case: Case, engagement: Engagement) -> Engagement:
    """Link an engagement to the case (step B). Those with ``link_engagement`` in the case,
    for an engagement they may write; for a company case, it must be on that company."""
    from convenant.engagement.actions.engagements import can_edit

    _open_for(by, case, "link_engagement")
    if not can_edit(by, engagement):
        raise ActionError(
            _("Only an editor of a party taking part may link this engagement."),
            field="engagement",
        )
    if case.issuer_id is not None and engagement.issuer_id != case.issuer_id:
        raise ActionError(_("Link an engagement with the case's company."), field="engagement")
    with transaction.atomic(durable=True):
        engagement = Engagement.objects.unrestricted(WHY).select_for_update().get(pk=engagement.pk)
        if engagement.case_id == case.pk:
            raise ActionError(
                _("This engagement is linked to the case already."), field="engagement"
            )
        if engagement.case_id is not None:
            raise ActionError(
                _("This engagement belongs to another case."), field="engagement", code="conflict"
            )
        engagement.case = case
        engagement.save(update_fields=["case", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.link_case",
            obj=engagement,
            after={"case": case.reference},
        )
    return engagement


def start_case_engagement(
    *,
    by: Any,
    case: Case,
    lead_party: Party,
    title: str,
    start_date: datetime.date,
    visibility: str = "restricted",
) -> Engagement:
    """Start an engagement on the case's target and link it to the case: the engagement
    action, then the link (each its own transaction; the link's checks are made first, so
    it does not fail after the engagement was made)."""
    from convenant.engagement.actions.engagements import create_engagement

    _open_for(by, case, "link_engagement")
    engagement = create_engagement(
        by=by,
        title=title,
        target=case.target,
        lead_party=lead_party,
        start_date=start_date,
        issuer=case.issuer,
        sector_code=case.sector_code,
        issue=case.issue,
        themes=case.themes,
        visibility=visibility,
    )
    return link_engagement(by=by, case=case, engagement=engagement)


# --- Reads that decide access themselves -------------------------------------------------


def running_count() -> int:
    """How many cases run: the covenant's own fact (shown as "n of 6 running"), never which."""
    return Case.objects.unrestricted("counting the running cases").running().count()


@dataclass
class CaseLeverage:
    """The leverage map of a company case: each of the reader's funds in the group sees its
    own holding; the group's combined figure only when enough funds besides the reader's
    hold the company (the minimum-of-funds rule)."""

    reference_date: datetime.date
    applies: bool = True
    own: dict[int, tuple[datetime.date, Decimal]] = field(default_factory=dict)
    funds: int | None = None
    value: Decimal | None = None
    withheld: bool = False
    fund_parties: list[Party] = field(default_factory=list)


def case_leverage(case: Case, user: Any, on: datetime.date | None = None) -> CaseLeverage:
    from convenant.portfolios.models import Position, Snapshot

    on = on or timezone.localdate()
    result = CaseLeverage(reference_date=on)
    if case.issuer_id is None:
        result.applies = False
        return result
    why = "a case's combined leverage: totals only, under the minimum-of-funds rule"
    members = (
        CaseMember.objects.unrestricted(why)
        .filter(case=case, role__in=[CaseRole.LEAD_FUND, CaseRole.SUPPORTING_FUND])
        .filter(case_rules.current_membership_q("membership__"))
        .select_related("membership__party")
    )
    parties = {m.membership.party_id: m.membership.party for m in members}
    result.fund_parties = sorted(parties.values(), key=lambda p: p.name)
    snapshots = list(
        Snapshot.objects.unrestricted(why)
        .filter(fund_id__in=list(parties), as_of__lte=on, partial=False)
        .order_by("fund_id", "-as_of")
        .distinct("fund_id")
        .values_list("pk", flat=True)
    )
    held = Q(snapshot_id__in=snapshots, issuer_id=case.issuer_id, status=Position.Status.MATCHED)
    own = (
        Position.objects.visible_to(user)
        .filter(held)
        .order_by()
        .values("snapshot__fund_id", "snapshot__as_of")
        .annotate(value=Sum("value_eur"))
    )
    for row in own:
        result.own[row["snapshot__fund_id"]] = (row["snapshot__as_of"], row["value"])
    actor = access.actor_for(user)
    totals = (
        Position.objects.unrestricted(why)
        .filter(held)
        .aggregate(
            funds=Count("snapshot__fund", distinct=True),
            others=Count(
                "snapshot__fund", distinct=True, filter=~Q(snapshot__fund_id__in=actor.fund_ids)
            ),
            value=Sum("value_eur"),
        )
    )
    if totals["funds"] and totals["others"] >= settings.AGGREGATE_MIN_FUNDS:
        result.funds, result.value = totals["funds"], totals["value"]
    elif totals["funds"]:
        result.withheld = True
    return result
