"""Governance actions: bodies and the people in them over time, meetings with their agenda,
attendance, outcomes and minutes, action items, and a person's calendar feed.

Each action checks the policy on the current state, writes in one durable transaction with
its audit event, and never deletes history: an assignment or a membership ends, it stays.
The secretariat runs the bodies; a body's members propose amendments to its draft minutes.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from convenant.core import access, uploads
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.models import User, hash_token
from convenant.governance.models import (
    ActionItem,
    AgendaDocument,
    AgendaItem,
    Attendance,
    Body,
    BodyMembership,
    CalendarFeed,
    Meeting,
    MinutesAmendment,
    Proposal,
    Seat,
    SeatAssignment,
)
from convenant.parties.models import Constituency, Membership, Party

WHY = "governance bodies: the action decides access"
ONE_DAY = datetime.timedelta(days=1)

# Meeting documents: office documents and PDFs, told by their content, not their name.
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
}


def max_document_bytes() -> int:
    return int(getattr(settings, "GOVERNANCE_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024))


def document_storage() -> FileSystemStorage:
    """Meeting documents live outside the web root, beside the holdings uploads, and are
    served only by a view that checks who asks (views.bodies.agenda_document)."""
    return FileSystemStorage(
        location=str(settings.GOVERNANCE_UPLOAD_DIR), base_url="/no-public-url/"
    )


def _secretariat(by: Any) -> access.Actor:
    actor = access.actor_for(by, fresh=True)
    access.require(actor.is_secretariat)
    return actor


def _user(pk_or_user: Any) -> User:
    if isinstance(pk_or_user, User):
        return pk_or_user
    try:
        return User.objects.unrestricted(WHY).get(pk=pk_or_user, is_active=True)
    except (User.DoesNotExist, ValueError, TypeError):
        raise ActionError(_("There is no such person."), field="user") from None


def _belongs(user: User, party: Party, on: datetime.date) -> bool:
    """The person works for the party, and the party is in the covenant on that date."""
    if party.joined_on > on or (party.left_on is not None and party.left_on <= on):
        return False
    return Membership.objects.unrestricted(WHY).filter(user=user, party=party).exists()


# --- Bodies, seats and people ------------------------------------------------------------


def create_body(
    *,
    by: Any,
    kind: str,
    name: str,
    slug: str,
    established_on: datetime.date,
    description: str = "",
    name_en: str = "",
    parent: Body | None = None,
    case_reference: str = "",
) -> Body:
    _secretariat(by)
    name, slug = name.strip(), slug.strip()
    if kind not in Body.Kind.values:
        raise ActionError(_("Choose the kind of body."), field="kind")
    if not name:
        raise ActionError(_("Give the body a name."), field="name")
    if not slug:
        raise ActionError(_("Give the body a short address (slug)."), field="slug")
    wanted_parent = {
        Body.Kind.WORKING_GROUP: Body.Kind.STEERING_GROUP,
        Body.Kind.SUB_WORKING_GROUP: Body.Kind.WORKING_GROUP,
    }.get(Body.Kind(kind))
    if kind == Body.Kind.SUB_WORKING_GROUP and parent is None:
        raise ActionError(_("A sub-working group belongs to a working group."), field="parent")
    if parent is not None and parent.kind != wanted_parent:
        raise ActionError(
            _("A %(kind)s reports to a %(parent)s.")
            % {
                "kind": Body.Kind(kind).label,
                "parent": Body.Kind(wanted_parent).label if wanted_parent else _("no body"),
            },
            field="parent",
        )
    covenant = parent.covenant if parent else _covenant()
    try:
        with transaction.atomic(durable=True):
            body = Body.objects.create(
                covenant=covenant,
                kind=kind,
                name=name,
                name_en=name_en.strip(),
                slug=slug,
                description=description.strip(),
                parent=parent,
                case_reference=case_reference.strip(),
                established_on=established_on,
            )
            record_event(
                actor=by,
                verb="governance.create_body",
                obj=body,
                after=snapshot(body, ["kind", "name", "slug", "parent", "established_on"]),
            )
    except IntegrityError:
        raise ActionError(_("Another body already has this address."), field="slug") from None
    return body


def _covenant() -> Any:
    from convenant.parties.models import Covenant

    covenant = Covenant.objects.order_by("-start_date").first()
    if covenant is None:
        raise ActionError(_("There is no covenant yet."))
    return covenant


def add_seat(
    *,
    by: Any,
    body: Body,
    label: str,
    constituency: Constituency | None = None,
    has_vote: bool = True,
) -> Seat:
    _secretariat(by)
    label = label.strip()
    if not label:
        raise ActionError(_("Name the seat."), field="label")
    if constituency is not None and constituency.covenant_id != body.covenant_id:
        raise ActionError(_("Choose a constituency of this covenant."), field="constituency")
    try:
        with transaction.atomic(durable=True):
            order = body.seats.count()
            seat = Seat.objects.create(
                body=body, label=label, constituency=constituency, has_vote=has_vote, order=order
            )
            record_event(
                actor=by,
                verb="governance.add_seat",
                obj=seat,
                after=snapshot(seat, ["body", "label", "constituency", "has_vote"]),
            )
    except IntegrityError:
        raise ActionError(_("This body already has a seat by that name."), field="label") from None
    return seat


def assign_seat(
    *,
    by: Any,
    seat: Seat,
    user: Any,
    role: str,
    start: datetime.date,
    party: Party | None = None,
) -> SeatAssignment:
    """A person takes a seat as holder or deputy, for a party they belong to (a seat of a
    constituency: one of its parties). Whoever held that role before leaves it the day
    before; their assignment stays in the history."""
    _secretariat(by)
    user = _user(user)
    if role not in SeatAssignment.Role.values:
        raise ActionError(_("Choose holder or deputy."), field="role")
    if seat.constituency_id is not None:
        if party is None:
            raise ActionError(_("Choose the party the person sits for."), field="party")
        if party.constituency_id != seat.constituency_id:
            raise ActionError(
                _("This seat is for a party of the constituency %(name)s.")
                % {"name": seat.constituency},
                field="party",
            )
    if party is not None and not _belongs(user, party, start):
        raise ActionError(
            _("%(person)s does not work for %(party)s on that date.")
            % {"person": user.full_name, "party": party.name},
            field="user",
        )
    with transaction.atomic(durable=True):
        assignments = SeatAssignment.objects.unrestricted(WHY).select_for_update()
        previous = list(assignments.filter(seat=seat, role=role).current(start))
        for old in previous:
            if old.start >= start:
                raise ActionError(
                    _("The present %(role)s took the seat on %(date)s: start after that.")
                    % {"role": old.get_role_display().lower(), "date": old.start},
                    field="start",
                )
        for old in previous:
            old.end = start - ONE_DAY if start - ONE_DAY > old.start else start
            old.save(update_fields=["end", "updated_at"])
            record_event(
                actor=by,
                verb="governance.end_assignment",
                obj=old,
                after=snapshot(old, ["seat", "user", "role", "start", "end"]),
            )
        assignment = SeatAssignment.objects.create(
            seat=seat, user=user, party=party, role=role, start=start
        )
        record_event(
            actor=by,
            verb="governance.assign_seat",
            obj=assignment,
            after=snapshot(assignment, ["seat", "user", "party", "role", "start"]),
        )
    return assignment


def _end_dated(row: Any, end: datetime.date, *, by: Any, verb: str, ended: str) -> Any:
    """End a seat assignment or a body membership (kept as history, never deleted): the
    first day the person no longer holds it, under a row lock."""
    with transaction.atomic(durable=True):
        row = type(row).objects.unrestricted(WHY).select_for_update().get(pk=row.pk)
        if row.end is not None and row.end <= timezone.localdate():
            raise ActionError(ended, code="conflict")
        if end <= row.start:
            raise ActionError(_("The end comes after the start."), field="end")
        before = snapshot(row, ["end"])
        row.end = end
        row.save(update_fields=["end", "updated_at"])
        record_event(actor=by, verb=verb, obj=row, before=before, after=snapshot(row, ["end"]))
    return row


def end_assignment(*, by: Any, assignment: SeatAssignment, end: datetime.date) -> SeatAssignment:
    """The person leaves the seat: the first day they no longer hold it."""
    _secretariat(by)
    return cast(
        SeatAssignment,
        _end_dated(
            assignment,
            end,
            by=by,
            verb="governance.end_assignment",
            ended=_("This assignment has already ended."),
        ),
    )


def add_membership(
    *,
    by: Any,
    body: Body,
    user: Any,
    start: datetime.date,
    role: str = BodyMembership.Role.MEMBER,
    party: Party | None = None,
) -> BodyMembership:
    _secretariat(by)
    user = _user(user)
    if role not in BodyMembership.Role.values:
        raise ActionError(_("Choose a role."), field="role")
    if party is not None and not _belongs(user, party, start):
        raise ActionError(
            _("%(person)s does not work for %(party)s on that date.")
            % {"person": user.full_name, "party": party.name},
            field="user",
        )
    with transaction.atomic(durable=True):
        already = (
            BodyMembership.objects.unrestricted(WHY)
            .filter(body=body, user=user)
            .current(start)
            .exists()
        )
        if already:
            raise ActionError(_("This person is already a member of the body."), field="user")
        membership = BodyMembership.objects.create(
            body=body, user=user, party=party, role=role, start=start
        )
        record_event(
            actor=by,
            verb="governance.add_membership",
            obj=membership,
            after=snapshot(membership, ["body", "user", "party", "role", "start"]),
        )
    return membership


def end_membership(*, by: Any, membership: BodyMembership, end: datetime.date) -> BodyMembership:
    _secretariat(by)
    return cast(
        BodyMembership,
        _end_dated(
            membership,
            end,
            by=by,
            verb="governance.end_membership",
            ended=_("This membership has already ended."),
        ),
    )


# --- Meetings ----------------------------------------------------------------------------

ORDER = [s.value for s in Meeting.State]


def create_meeting(
    *,
    by: Any,
    body: Body,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str = "",
    annual: bool = False,
) -> Meeting:
    """A new meeting of the body, in draft. Items left unhandled at the body's earlier
    meetings move onto its agenda."""
    _secretariat(by)
    title = title.strip()
    if not title:
        raise ActionError(_("Give the meeting a title."), field="title")
    if ends_at <= starts_at:
        raise ActionError(_("The meeting ends after it starts."), field="ends_at")
    with transaction.atomic(durable=True):
        meeting = Meeting.objects.unrestricted(WHY).create(
            body=body,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location.strip(),
            annual=annual,
        )
        record_event(
            actor=by,
            verb="governance.create_meeting",
            obj=meeting,
            after=snapshot(meeting, ["body", "title", "starts_at", "ends_at", "location"]),
        )
        _carry_unhandled(body)
    return meeting


def _carry_unhandled(body: Body) -> int:
    """Move each item not handled at a closed meeting of the body (and not moved yet) to
    the body's next meeting that has not started, keeping where it came from. Nested items
    travel with their parent; a nested item whose parent was handled moves on its own."""
    items = AgendaItem.objects.unrestricted(WHY)
    meetings = Meeting.objects.unrestricted(WHY)
    pending = list(
        items.filter(
            meeting__body=body,
            meeting__state__in=[Meeting.State.CLOSED, Meeting.State.MINUTES_APPROVED],
            handled=False,
            carried_to__isnull=True,
        )
        .select_related("meeting", "parent")
        .order_by("meeting__starts_at", "parent_id", "order", "pk")
    )
    copies: dict[int, AgendaItem] = {}
    moved = 0
    # Parents first, so children can point at their parent's copy.
    for item in sorted(pending, key=lambda i: i.parent_id is not None):
        target = (
            meetings.filter(
                body=body,
                starts_at__gt=item.meeting.starts_at,
                state__in=[Meeting.State.DRAFT, Meeting.State.AGENDA_PUBLISHED],
            )
            .order_by("starts_at")
            .first()
        )
        if target is None:
            continue
        parent = copies.get(item.parent_id) if item.parent_id else None
        last = items.filter(meeting=target).order_by("-order").values_list("order", flat=True)
        copy = items.create(
            meeting=target,
            parent=parent,
            order=(last.first() or 0) + 1,
            title=item.title,
            description=item.description,
            presenter_id=item.presenter_id,
            duration_minutes=item.duration_minutes,
            carried_from=item,
        )
        copies[item.pk] = copy
        moved += 1
    return moved


def advance_meeting(*, by: Any, meeting: Meeting, to_state: str) -> Meeting:
    """One step forward: draft → agenda published → in progress → closed (unhandled items
    move to the next meeting) → minutes approved (then the minutes are fixed)."""
    _secretariat(by)
    with transaction.atomic(durable=True):
        meeting = Meeting.objects.unrestricted(WHY).select_for_update().get(pk=meeting.pk)
        here = ORDER.index(meeting.state)
        if to_state not in ORDER or ORDER.index(to_state) != here + 1:
            raise ActionError(
                _("A meeting moves one step forward at a time; it is now: %(state)s.")
                % {"state": meeting.get_state_display()},
                code="conflict",
            )
        if to_state == Meeting.State.MINUTES_APPROVED:
            if meeting.minutes_sent_at is None or not meeting.minutes.strip():
                raise ActionError(
                    _("Draft the minutes and send them to the members first."), code="conflict"
                )
            if meeting.amendments.filter(state=MinutesAmendment.State.PROPOSED).exists():
                raise ActionError(
                    _("Answer every proposed amendment before the minutes are approved."),
                    code="conflict",
                )
            meeting.minutes_approved_at = timezone.now()
        before = snapshot(meeting, ["state"])
        meeting.state = to_state
        meeting.save()
        record_event(
            actor=by,
            verb="governance.advance_meeting",
            obj=meeting,
            before=before,
            after=snapshot(meeting, ["state"]),
        )
        if to_state == Meeting.State.CLOSED:
            _carry_unhandled(meeting.body)
    return meeting


def _open_agenda(meeting: Meeting) -> None:
    if meeting.state not in (Meeting.State.DRAFT, Meeting.State.AGENDA_PUBLISHED):
        raise ActionError(_("The agenda of a meeting that has begun is fixed."), code="conflict")


def add_agenda_item(
    *,
    by: Any,
    meeting: Meeting,
    title: str,
    duration_minutes: int = 15,
    description: str = "",
    presenter: Any = None,
    parent: AgendaItem | None = None,
) -> AgendaItem:
    _secretariat(by)
    title = title.strip()
    if not title:
        raise ActionError(_("Give the item a title."), field="title")
    if not 1 <= duration_minutes <= 600:
        raise ActionError(_("An item takes 1 to 600 minutes."), field="duration_minutes")
    if parent is not None and parent.meeting_id != meeting.pk:
        raise ActionError(_("Nest the item under an item of the same meeting."), field="parent")
    presenter = _user(presenter) if presenter not in (None, "") else None
    with transaction.atomic(durable=True):
        meeting = Meeting.objects.unrestricted(WHY).select_for_update().get(pk=meeting.pk)
        _open_agenda(meeting)
        last = (
            AgendaItem.objects.unrestricted(WHY)
            .filter(meeting=meeting, parent=parent)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
        )
        item = AgendaItem.objects.unrestricted(WHY).create(
            meeting=meeting,
            parent=parent,
            order=(last or 0) + 1,
            title=title,
            description=description.strip(),
            presenter=presenter,
            duration_minutes=duration_minutes,
        )
        record_event(
            actor=by,
            verb="governance.add_agenda_item",
            obj=item,
            after=snapshot(item, ["meeting", "parent", "title", "presenter", "duration_minutes"]),
        )
    return item


def add_agenda_document(
    *, by: Any, item: AgendaItem, title: str, filename: str, data: bytes
) -> AgendaDocument:
    """A document for an agenda item: a PDF or an office document (by its content), within
    the size limit, stored under a random name outside the web root."""
    _secretariat(by)
    if not data:
        raise ActionError(_("Choose a file."), field="file")
    kind = uploads.checked_kind(
        data,
        types=DOCUMENT_TYPES,
        max_bytes=max_document_bytes(),
        wrong_type=_("Upload a PDF, Word, Excel, PowerPoint or OpenDocument file."),
    )
    title = title.strip() or get_valid_filename(filename)[:200] or _("Document")
    storage = document_storage()
    name = uploads.store(storage, "agenda", data, kind=kind, types=DOCUMENT_TYPES)
    try:
        with transaction.atomic(durable=True):
            document = AgendaDocument.objects.unrestricted(WHY).create(
                item=item, title=title, file=name, uploaded_by=by
            )
            record_event(
                actor=by,
                verb="governance.add_agenda_document",
                obj=document,
                after={"item": item.pk, "title": title, "bytes": len(data), "type": kind},
            )
    except BaseException:
        storage.delete(name)  # nothing recorded: no file left behind either
        raise
    return document


def record_attendance(
    *, by: Any, meeting: Meeting, user: Any, presence: str, party: Party | None = None
) -> Attendance:
    _secretariat(by)
    user = _user(user)
    if presence not in Attendance.Presence.values:
        raise ActionError(_("Choose present, excused or absent."), field="presence")
    if meeting.state not in (Meeting.State.IN_PROGRESS, Meeting.State.CLOSED):
        raise ActionError(_("Attendance is recorded once the meeting has begun."), code="conflict")
    with transaction.atomic(durable=True):
        attendance, _made = Attendance.objects.unrestricted(WHY).update_or_create(
            meeting=meeting, user=user, defaults={"presence": presence, "party": party}
        )
        record_event(
            actor=by,
            verb="governance.record_attendance",
            obj=attendance,
            after=snapshot(attendance, ["meeting", "user", "presence"]),
        )
    return attendance


def record_outcome(
    *,
    by: Any,
    item: AgendaItem,
    outcome: str,
    text: str = "",
    proposal: Proposal | None = None,
    action_title: str = "",
    owner_user: Any = None,
    owner_party: Party | None = None,
    due_on: datetime.date | None = None,
) -> AgendaItem:
    """The item is handled, with what came of it: information, a decision (a proposal of
    the body), or an action (a new action item)."""
    _secretariat(by)
    if outcome not in (
        AgendaItem.Outcome.INFORMATION,
        AgendaItem.Outcome.DECISION,
        AgendaItem.Outcome.ACTION,
    ):
        raise ActionError(_("Choose information, decision or action."), field="outcome")
    # The meeting as it stands now, not as the caller last read it.
    meeting = Meeting.objects.unrestricted(WHY).select_related("body").get(pk=item.meeting_id)
    if meeting.state != Meeting.State.IN_PROGRESS:
        raise ActionError(_("Outcomes are recorded while the meeting is in progress."))
    if outcome == AgendaItem.Outcome.DECISION and (
        proposal is None or proposal.body_id != meeting.body_id
    ):
        raise ActionError(_("Choose a proposal of this body."), field="proposal")
    if outcome == AgendaItem.Outcome.ACTION:
        if not action_title.strip():
            raise ActionError(_("Say what is to be done."), field="action_title")
        if owner_user in (None, "") and owner_party is None:
            raise ActionError(_("Choose who owns the action."), field="owner_user")
        if due_on is None:
            raise ActionError(_("Give the action a due date."), field="due_on")
    with transaction.atomic(durable=True):
        # Locked as closing locks it: an outcome cannot slip in after the meeting closed.
        locked = Meeting.objects.unrestricted(WHY).select_for_update().get(pk=meeting.pk)
        if locked.state != Meeting.State.IN_PROGRESS:
            raise ActionError(_("Outcomes are recorded while the meeting is in progress."))
        item = AgendaItem.objects.unrestricted(WHY).select_for_update().get(pk=item.pk)
        item.outcome, item.outcome_text, item.handled = outcome, text.strip(), True
        item.proposal = proposal if outcome == AgendaItem.Outcome.DECISION else None
        item.save()
        record_event(
            actor=by,
            verb="governance.record_item_outcome",
            obj=item,
            after=snapshot(item, ["outcome", "outcome_text", "proposal"]),
        )
        if outcome == AgendaItem.Outcome.ACTION:
            assert due_on is not None
            _new_action(
                by=by,
                body=meeting.body,
                meeting=meeting,
                item=item,
                title=action_title,
                owner_user=_user(owner_user) if owner_user not in (None, "") else None,
                owner_party=owner_party,
                due_on=due_on,
            )
    return item


# --- Minutes -----------------------------------------------------------------------------


def _fixed(meeting: Meeting) -> None:
    if meeting.state == Meeting.State.MINUTES_APPROVED:
        raise ActionError(_("The minutes are approved and can no longer change."), code="conflict")


def save_minutes(*, by: Any, meeting: Meeting, minutes: str) -> Meeting:
    """The secretariat drafts the minutes (and works accepted amendments into them)."""
    _secretariat(by)
    with transaction.atomic(durable=True):
        meeting = Meeting.objects.unrestricted(WHY).select_for_update().get(pk=meeting.pk)
        _fixed(meeting)
        if meeting.state != Meeting.State.CLOSED:
            raise ActionError(_("Minutes are written once the meeting is closed."), code="conflict")
        meeting.minutes = minutes.strip()
        meeting.save(update_fields=["minutes", "updated_at"])
        record_event(
            actor=by,
            verb="governance.save_minutes",
            obj=meeting,
            after={"characters": len(meeting.minutes)},
        )
    return meeting


def send_minutes(*, by: Any, meeting: Meeting) -> Meeting:
    """The draft goes to the members: the amendment window opens."""
    _secretariat(by)
    with transaction.atomic(durable=True):
        meeting = Meeting.objects.unrestricted(WHY).select_for_update().get(pk=meeting.pk)
        _fixed(meeting)
        if meeting.state != Meeting.State.CLOSED or not meeting.minutes.strip():
            raise ActionError(_("Draft the minutes of the closed meeting first."), code="conflict")
        meeting.minutes_sent_at = timezone.now()
        meeting.save(update_fields=["minutes_sent_at", "updated_at"])
        record_event(
            actor=by,
            verb="governance.send_minutes",
            obj=meeting,
            after=snapshot(meeting, ["minutes_sent_at"]),
        )
    return meeting


def amendment_window_closes(meeting: Meeting) -> datetime.datetime | None:
    if meeting.minutes_sent_at is None:
        return None
    return meeting.minutes_sent_at + datetime.timedelta(days=meeting.body.amendment_window_days)


def propose_amendment(*, by: Any, meeting: Meeting, text: str) -> MinutesAmendment:
    """A member of the body proposes a change to the draft minutes, within the window."""
    actor = access.actor_for(by, fresh=True)
    if meeting.body_id not in actor.body_ids:
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ActionError(_("Write the amendment you propose."), field="text")
    with transaction.atomic(durable=True):
        meeting = Meeting.objects.unrestricted(WHY).select_for_update().get(pk=meeting.pk)
        _fixed(meeting)
        closes = amendment_window_closes(meeting)
        if closes is None:
            raise ActionError(_("The draft minutes have not been sent yet."), code="conflict")
        if timezone.now() > closes:
            raise ActionError(
                _("Amendments could be proposed until %(date)s.")
                % {"date": timezone.localtime(closes).strftime("%d-%m-%Y %H:%M")},
                code="conflict",
            )
        amendment = MinutesAmendment.objects.unrestricted(WHY).create(
            meeting=meeting, proposed_by=by, text=text
        )
        record_event(
            actor=by,
            verb="governance.propose_amendment",
            obj=amendment,
            after={"meeting": meeting.pk},
        )
    return amendment


def answer_amendment(
    *, by: Any, amendment: MinutesAmendment, accept: bool, answer: str
) -> MinutesAmendment:
    _secretariat(by)
    answer = answer.strip()
    if not answer:
        raise ActionError(_("Give the member an answer."), field="answer")
    with transaction.atomic(durable=True):
        amendment = (
            MinutesAmendment.objects.unrestricted(WHY)
            .select_for_update()
            .select_related("meeting")
            .get(pk=amendment.pk)
        )
        _fixed(amendment.meeting)
        if amendment.state != MinutesAmendment.State.PROPOSED:
            raise ActionError(_("This amendment was already answered."), code="conflict")
        amendment.state = (
            MinutesAmendment.State.ACCEPTED if accept else MinutesAmendment.State.REJECTED
        )
        amendment.answer = answer
        amendment.save(update_fields=["state", "answer", "updated_at"])
        record_event(
            actor=by,
            verb="governance.answer_amendment",
            obj=amendment,
            after=snapshot(amendment, ["state"]),
        )
    return amendment


# --- Action items ------------------------------------------------------------------------


def _new_action(
    *,
    by: Any,
    body: Body,
    title: str,
    due_on: datetime.date,
    owner_user: User | None,
    owner_party: Party | None,
    meeting: Meeting | None = None,
    item: AgendaItem | None = None,
) -> ActionItem:
    action = ActionItem.objects.unrestricted(WHY).create(
        body=body,
        meeting=meeting,
        item=item,
        title=title.strip(),
        owner_user=owner_user,
        owner_party=owner_party,
        due_on=due_on,
    )
    record_event(
        actor=by,
        verb="governance.create_action_item",
        obj=action,
        after=snapshot(action, ["body", "title", "owner_user", "owner_party", "due_on"]),
    )
    return action


def create_action_item(
    *,
    by: Any,
    body: Body,
    title: str,
    due_on: datetime.date,
    owner_user: Any = None,
    owner_party: Party | None = None,
    meeting: Meeting | None = None,
) -> ActionItem:
    _secretariat(by)
    if not title.strip():
        raise ActionError(_("Say what is to be done."), field="title")
    if owner_user in (None, "") and owner_party is None:
        raise ActionError(_("Choose who owns the action: a person or a party."), field="owner_user")
    user = _user(owner_user) if owner_user not in (None, "") else None
    with transaction.atomic(durable=True):
        return _new_action(
            by=by,
            body=body,
            title=title,
            due_on=due_on,
            owner_user=user,
            owner_party=owner_party,
            meeting=meeting,
        )


def can_complete(actor: access.Actor, action: ActionItem) -> bool:
    """The secretariat, the person who owns it, or an editor of the party that owns it."""
    return (
        actor.is_secretariat
        or (action.owner_user_id is not None and action.owner_user_id == actor.user_id)
        or actor.has_role(action.owner_party_id, access.Role.EDITOR)
    )


def complete_action_item(*, by: Any, action: ActionItem) -> ActionItem:
    actor = access.actor_for(by, fresh=True)
    access.require(can_complete(actor, action))
    with transaction.atomic(durable=True):
        action = ActionItem.objects.unrestricted(WHY).select_for_update().get(pk=action.pk)
        if action.status != ActionItem.Status.OPEN:
            raise ActionError(_("This action is no longer open."), code="conflict")
        action.status, action.done_on = ActionItem.Status.DONE, timezone.localdate()
        action.save(update_fields=["status", "done_on", "updated_at"])
        record_event(
            actor=by,
            verb="governance.complete_action_item",
            obj=action,
            after=snapshot(action, ["status", "done_on"]),
        )
    return action


# --- The calendar feed -------------------------------------------------------------------


def renew_calendar_feed(*, by: Any) -> str:
    """A new secret address for the person's calendar; the old one stops working. Returns
    the token, shown once: only its digest is kept."""
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        feed, made = CalendarFeed.objects.update_or_create(
            user=by, defaults={"token_hash": hash_token(token), "renewed_at": timezone.now()}
        )
        record_event(
            actor=by,
            verb="governance.renew_calendar_feed",
            obj=feed,
            after={"new": made},
        )
    return token


def feed_owner(token: str) -> User | None:
    feed = (
        CalendarFeed.objects.filter(token_hash=hash_token(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    return feed.user if feed else None


def people_choices() -> Any:
    """People the secretariat may place in a body: every active account."""
    return User.objects.unrestricted(WHY).filter(is_active=True).order_by("full_name")


def overdue_q(on: datetime.date | None = None) -> Q:
    return Q(status=ActionItem.Status.OPEN, due_on__lt=on or timezone.localdate())
