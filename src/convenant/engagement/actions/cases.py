"""Actions of the deep track: opening a case from a selected nomination (with its
sub-working group), the group's people and their roles, the collaboration plan, and moving
a case between the steps A–E.

A case's people are the memberships of its sub-working group (governance) with a case role
on top: one action writes both, so the body's members and the case's never disagree.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.engagement import case_rules
from convenant.engagement.models import Case, CaseMember, CaseRole, Nomination
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
