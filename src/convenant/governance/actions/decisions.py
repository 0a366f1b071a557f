"""Governance actions: proposals decided one vote per seat by unanimity, proxies, and the
decision log whose entries take effect in other apps (every write in one transaction,
audited).

Who may do what: the secretariat and a body's members write its proposals; a seat's vote is
cast by a current holder or deputy of the seat who still belongs to the party they sit for,
or by the named grantee of the seat's unused proxy for the proposal (or its meeting); the
secretariat closes, records the outcome and keeps the decision log.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.governance import effects, rules
from convenant.governance.models import (
    Body,
    BodyMembership,
    Decision,
    Meeting,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
    Proxy,
    Seat,
    SeatAssignment,
    Vote,
)
from convenant.parties.models import Membership

UNSCOPED = "governance decisions: the action checks the actor"


# --- Reading the state of a proposal ------------------------------------------------------


def voting_seats(body: Body) -> list[Seat]:
    return list(Seat.objects.filter(body=body, has_vote=True).order_by("order", "pk"))


def current_version(proposal: Proposal) -> ProposalVersion:
    """The text in force: the latest version (every proposal is made with version 1)."""
    return (
        ProposalVersion.objects.unrestricted(UNSCOPED)
        .filter(proposal=proposal)
        .order_by("-number")[:1]
        .get()
    )


def current_votes(proposal: Proposal) -> dict[int, Vote]:
    votes = (
        Vote.objects.unrestricted(UNSCOPED)
        .filter(proposal=proposal, current=True)
        .select_related("version", "cast_by", "proxy")
    )
    return {v.seat_id: v for v in votes}


def tally_of(proposal: Proposal, *, closed: bool | None = None) -> rules.Tally:
    version = current_version(proposal)
    votes = current_votes(proposal)
    return rules.tally(
        [s.pk for s in voting_seats(proposal.body)],
        {seat: rules.Cast(v.choice, v.version.number) for seat, v in votes.items()},
        version.number if version else 0,
        abstention_blocks=proposal.body.abstention_blocks,
        closed=proposal.state == Proposal.State.CLOSED if closed is None else closed,
    )


def sits_in_seat(user: Any, seat: Seat, on: datetime.date | None = None) -> bool:
    """A current holder or deputy of the seat, still in the party they sit for (a holder who
    left their party leaves the seat vacant: they cannot cast its vote)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    actor = access.actor_for(user, fresh=True)
    assignments = (
        SeatAssignment.objects.unrestricted(UNSCOPED).current(on).filter(seat=seat, user=user)
    )
    return any(a.party_id is None or a.party_id in actor.party_ids for a in assignments)


def seats_of(user: Any, body: Body) -> list[Seat]:
    """The body's voting seats this person may cast the vote of, in their own right."""
    return [s for s in voting_seats(body) if sits_in_seat(user, s)]


def usable_proxy(user: Any, proposal: Proposal, seat: Seat) -> Proxy | None:
    """The seat's proxy to this person for the proposal, or for a meeting whose agenda has
    it, not revoked and not used."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    meetings = Meeting.objects.unrestricted(UNSCOPED).filter(items__proposal=proposal)
    return (
        Proxy.objects.unrestricted(UNSCOPED)
        .filter(seat=seat, grantee=user, revoked_at__isnull=True, used_at__isnull=True)
        .filter(Q(proposal=proposal) | Q(meeting__in=meetings.values("pk")))
        .order_by("pk")
        .first()
    )


def proxy_candidates(body: Body, user: Any) -> list[User]:
    """Who a seat may give its proxy to: the people sitting in the body today (their names
    are public, as the bodies are), and the colleagues of the party the giver sits for."""
    seated = SeatAssignment.objects.unrestricted(UNSCOPED).current()
    members = BodyMembership.objects.unrestricted(UNSCOPED).current()
    ids = set(seated.filter(seat__body=body).values_list("user_id", flat=True))
    ids |= set(members.filter(body=body).values_list("user_id", flat=True))
    parties = seated.filter(seat__body=body, user=user).values_list("party_id", flat=True)
    ids |= set(
        Membership.objects.unrestricted(UNSCOPED)
        .filter(party_id__in=[p for p in parties if p])
        .values_list("user_id", flat=True)
    )
    ids.discard(user.pk)
    people = User.objects.unrestricted(UNSCOPED).filter(pk__in=ids, is_active=True)
    return list(people.order_by("full_name"))


def can_write(actor: access.Actor, body: Body) -> bool:
    """Propose, amend: the secretariat and the body's members."""
    return actor.is_secretariat or body.pk in actor.body_ids


def can_see(actor: access.Actor, body: Body) -> bool:
    return actor.is_secretariat or body.pk in actor.body_ids


def _next_number(model: Any) -> int:
    """The next number of the proposals or the decision log: one writer at a time (a lock
    for the rest of the transaction), so numbers are never taken twice nor skipped."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [model._meta.label])
    top = model.objects.unrestricted("numbering").aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


def _snapshot(proposal: Proposal) -> dict[str, Any]:
    return {
        "number": proposal.number,
        "kind": proposal.kind,
        "title": proposal.title,
        "state": proposal.state,
        "outcome": proposal.outcome,
        "closes_at": proposal.closes_at.isoformat(),
        "confidential": proposal.confidential,
    }


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.unrestricted(UNSCOPED)
        .select_for_update()
        .select_related("body")
        .get(pk=proposal.pk)
    )


# --- Proposals ----------------------------------------------------------------------------


def create_proposal(
    *,
    by: User,
    body: Body,
    kind: str,
    title: str,
    text: str,
    closes_at: datetime.datetime,
    effect_params: dict[str, Any] | None = None,
    confidential: bool = False,
    open_now: bool = True,
    within_action: bool = False,
) -> Proposal:
    """The secretariat or a member of the body puts a proposal to it. Version 1 is its text;
    with ``open_now`` the seats may vote at once, otherwise it stays a draft.
    ``within_action``: a higher app's action writes the proposal together with its own
    records (a lesson put forward as a recommendation), in that action's transaction."""
    access.require(can_write(access.actor_for(by, fresh=True), body))
    if kind not in Proposal.Kind.values:
        raise ActionError(_("Choose the type of proposal."), field="kind")
    if not title.strip():
        raise ActionError(_("Give the proposal a title."), field="title")
    if not text.strip():
        raise ActionError(_("Write the text of the proposal."), field="text")
    limits.check_length(title, limits.LINE, field="title")
    limits.check_length(text, limits.TEXT, field="text")
    if closes_at <= timezone.now():
        raise ActionError(_("The closing date must be in the future."), field="closes_at")
    if not voting_seats(body):
        raise ActionError(
            _("%(body)s has no voting seats, so it cannot decide by vote.") % {"body": body}
        )
    if effects.effect_type_of(kind) and body.kind != Body.Kind.STEERING_GROUP:
        # Admitting a party, the toolkit, the cases and the reports are the steering group's.
        raise ActionError(
            _("Only the steering group decides on this type of proposal."), field="kind"
        )
    params = effect_params or {}
    effect = effects.effect_for(effects.effect_type_of(kind))
    if effect is not None and effect.check is not None:
        effect.check(params)
    with transaction.atomic(durable=not within_action):
        proposal = Proposal.objects.create(
            body=body,
            number=_next_number(Proposal),
            kind=kind,
            title=title.strip(),
            effect_params=params,
            closes_at=closes_at,
            state=Proposal.State.OPEN if open_now else Proposal.State.DRAFT,
            confidential=confidential,
            proposed_by=by,
        )
        ProposalVersion.objects.create(proposal=proposal, number=1, text=text, written_by=by)
        record_event(
            actor=by, verb="governance.create_proposal", obj=proposal, after=_snapshot(proposal)
        )
    return proposal


def _require_author(by: User, proposal: Proposal) -> access.Actor:
    actor = access.actor_for(by, fresh=True)
    access.require(
        actor.is_secretariat
        or (proposal.proposed_by_id == by.pk and proposal.body_id in actor.body_ids)
    )
    return actor


def open_proposal(*, by: User, proposal: Proposal) -> Proposal:
    """A draft opens for votes."""
    _require_author(by, proposal)
    with transaction.atomic(durable=True):
        proposal = _lock(proposal)
        if proposal.state != Proposal.State.DRAFT:
            raise ActionError(_("Only a draft can be opened for votes."), code="conflict")
        if proposal.closes_at <= timezone.now():
            raise ActionError(_("The closing date has passed; set a new one."), field="closes_at")
        before = _snapshot(proposal)
        proposal.state = Proposal.State.OPEN
        proposal.save(update_fields=["state", "updated_at"])
        record_event(
            actor=by,
            verb="governance.open_proposal",
            obj=proposal,
            before=before,
            after=_snapshot(proposal),
        )
    return proposal


def amend_proposal(
    *,
    by: User,
    proposal: Proposal,
    text: str,
    note: str,
    closes_at: datetime.datetime | None = None,
) -> ProposalVersion:
    """A new version of the text. Votes given on the old version become stale: the seats
    must vote again on the text as amended (the page lists them as not voted)."""
    _require_author(by, proposal)
    if not text.strip():
        raise ActionError(_("Write the text of the proposal."), field="text")
    if not note.strip():
        raise ActionError(_("Say what changed."), field="note")
    limits.check_length(text, limits.TEXT, field="text")
    limits.check_length(note, limits.LINE, field="note")
    if closes_at is not None and closes_at <= timezone.now():
        raise ActionError(_("The closing date must be in the future."), field="closes_at")
    close_if_due(proposal)
    with transaction.atomic(durable=True):
        proposal = _lock(proposal)
        if proposal.state not in (Proposal.State.DRAFT, Proposal.State.OPEN):
            raise ActionError(
                _("A closed or withdrawn proposal cannot be amended."), code="conflict"
            )
        previous = current_version(proposal)
        version = ProposalVersion.objects.create(
            proposal=proposal,
            number=previous.number + 1,
            text=text,
            note=note.strip()[:300],
            written_by=by,
        )
        stale = sorted(current_votes(proposal))
        before = _snapshot(proposal) | {"version": previous.number}
        if closes_at is not None:
            proposal.closes_at = closes_at
        proposal.save(update_fields=["closes_at", "updated_at"])
        record_event(
            actor=by,
            verb="governance.amend_proposal",
            obj=proposal,
            before=before,
            after=_snapshot(proposal)
            | {"version": version.number, "note": version.note, "stale_votes_of_seats": stale},
        )
    return version


def withdraw_proposal(*, by: User, proposal: Proposal, reason: str = "") -> Proposal:
    """The proposer or the secretariat withdraws a proposal before it closes; nothing is
    decided and votes can no longer be cast."""
    _require_author(by, proposal)
    with transaction.atomic(durable=True):
        proposal = _lock(proposal)
        if proposal.state not in (Proposal.State.DRAFT, Proposal.State.OPEN):
            raise ActionError(_("Only a draft or open proposal can be withdrawn."), code="conflict")
        before = _snapshot(proposal)
        proposal.state = Proposal.State.WITHDRAWN
        proposal.outcome = Proposal.Outcome.WITHDRAWN
        proposal.closed_at = timezone.now()
        if reason.strip():
            proposal.outcome_statement = reason.strip()
        proposal.save()
        record_event(
            actor=by,
            verb="governance.withdraw_proposal",
            obj=proposal,
            before=before,
            after=_snapshot(proposal),
        )
    return proposal


def add_proposal_attachment(
    *, by: User, proposal: Proposal, title: str, filename: str, data: bytes
) -> ProposalAttachment:
    """A document attached to the proposal's current version: a PDF or an office document
    (by its content), within the size limit, stored under a random name outside the web
    root, as meeting documents are."""
    import secrets

    import filetype
    from django.core.files.base import ContentFile
    from django.utils.text import get_valid_filename

    from convenant.governance.actions.bodies import (
        DOCUMENT_TYPES,
        document_storage,
        max_document_bytes,
    )

    _require_author(by, proposal)
    if proposal.state not in (Proposal.State.DRAFT, Proposal.State.OPEN):
        raise ActionError(_("A closed or withdrawn proposal cannot be amended."), code="conflict")
    if not data:
        raise ActionError(_("Choose a file."), field="file")
    if len(data) > max_document_bytes():
        raise ActionError(
            _("A document may be at most %(mb)d MB.") % {"mb": max_document_bytes() // 2**20},
            field="file",
        )
    kind = filetype.guess_mime(data)
    if kind not in DOCUMENT_TYPES:
        raise ActionError(
            _("Upload a PDF, Word, Excel, PowerPoint or OpenDocument file."), field="file"
        )
    title = title.strip()[:200] or get_valid_filename(filename)[:200] or _("Document")
    storage = document_storage()
    name = storage.save(
        f"proposals/{secrets.token_hex(16)}.{DOCUMENT_TYPES[kind]}", ContentFile(data)
    )
    try:
        with transaction.atomic(durable=True):
            version = current_version(_lock(proposal))
            attachment = ProposalAttachment.objects.create(version=version, title=title, file=name)
            record_event(
                actor=by,
                verb="governance.add_proposal_attachment",
                obj=attachment,
                after={
                    "proposal": proposal.number,
                    "version": version.number,
                    "title": title,
                    "bytes": len(data),
                    "type": kind,
                },
            )
    except BaseException:
        storage.delete(name)  # nothing recorded: no file left behind either
        raise
    return attachment


# --- Votes and proxies --------------------------------------------------------------------


def cast_vote(*, by: User, proposal: Proposal, seat: Seat, choice: str, reason: str = "") -> Vote:
    """Cast (or change) the seat's vote. The proposal's row is locked while the seat's
    current vote is swapped, so of two people casting the seat's vote at the same moment the
    second sees the first's and replaces it: one vote counts, both are kept in the history
    (and the database allows one current vote per seat regardless)."""
    if choice not in Vote.Choice.values:
        raise ActionError(_("Choose consent, objection or abstention."), field="choice")
    if choice == Vote.Choice.OBJECTION and not reason.strip():
        raise ActionError(_("An objection needs a reason."), field="reason")
    limits.check_length(reason, limits.MESSAGE, field="reason")
    close_if_due(proposal)
    if seat.body_id != proposal.body_id or not seat.has_vote:
        raise ActionError(_("That seat has no vote on this proposal."), field="seat")
    own = sits_in_seat(by, seat)
    with transaction.atomic(durable=True):
        proposal = _lock(proposal)
        proxy = None
        if not own:
            proxy = usable_proxy(by, proposal, seat)
            # Neither in the seat nor its proxy: refused (403), nothing recorded.
            access.require(proxy is not None)
            assert proxy is not None
            proxy = Proxy.objects.unrestricted(UNSCOPED).select_for_update().get(pk=proxy.pk)
            if proxy.used_at is not None or proxy.revoked_at is not None:
                raise ActionError(_("This proxy was used or revoked."), code="conflict")
        if proposal.state != Proposal.State.OPEN or proposal.closes_at <= timezone.now():
            raise ActionError(
                _("Proposal #%(n)s is not open for votes.") % {"n": proposal.number},
                code="conflict",
            )
        previous = (
            Vote.objects.unrestricted(UNSCOPED)
            .select_for_update()
            .filter(proposal=proposal, seat=seat, current=True)
            .first()
        )
        if proxy is not None and previous is not None and previous.proxy_id is None:
            # The seat has spoken itself: its own vote overrides any proxy.
            raise ActionError(
                _("%(seat)s has already voted itself; the proxy can no longer be used.")
                % {"seat": seat.label},
                code="conflict",
            )
        if previous is not None:
            previous.current = False
            previous.save(update_fields=["current", "updated_at"])
        vote = Vote.objects.create(
            proposal=proposal,
            seat=seat,
            version=current_version(proposal),
            choice=choice,
            reason=reason.strip(),
            cast_by=by,
            proxy=proxy,
        )
        if proxy is not None:
            proxy.used_at = timezone.now()
            proxy.save(update_fields=["used_at", "updated_at"])
        record_event(
            actor=by,
            verb="governance.cast_vote",
            obj=proposal,
            before=(
                {"seat": seat.label, "choice": previous.choice, "cast_by": previous.cast_by_id}
                if previous
                else None
            ),
            after={
                "seat": seat.label,
                "choice": choice,
                "version": vote.version.number,
                "proxy_of": proxy.granted_by_id if proxy else None,
            },
        )
    return vote


def grant_proxy(
    *,
    by: User,
    seat: Seat,
    grantee: User,
    proposal: Proposal | None = None,
    meeting: Meeting | None = None,
) -> Proxy:
    """A seat's holder or deputy names one person to cast the seat's vote on one proposal,
    or on the proposals of one meeting."""
    access.require(sits_in_seat(by, seat))
    if (proposal is None) == (meeting is None):
        raise ActionError(_("A proxy is for one proposal or for one meeting."))
    target = proposal or meeting
    if target is not None and target.body_id != seat.body_id:
        raise ActionError(_("That is another body's business."))
    if not seat.has_vote:
        raise ActionError(_("That seat has no vote to give."), field="seat")
    if grantee.pk == by.pk or not grantee.is_active:
        raise ActionError(_("Choose another person to give the proxy to."), field="grantee")
    with transaction.atomic(durable=True):
        if proposal is not None:
            proposal = _lock(proposal)
            if proposal.state not in (Proposal.State.DRAFT, Proposal.State.OPEN):
                raise ActionError(_("That proposal is no longer open."), code="conflict")
        open_proxies = Proxy.objects.unrestricted(UNSCOPED).filter(
            seat=seat,
            proposal=proposal,
            meeting=meeting,
            revoked_at__isnull=True,
            used_at__isnull=True,
        )
        if open_proxies.exists():
            raise ActionError(
                _("The seat already gave a proxy for this; revoke it first."), code="conflict"
            )
        proxy = Proxy.objects.create(
            seat=seat, proposal=proposal, meeting=meeting, grantee=grantee, granted_by=by
        )
        record_event(
            actor=by,
            verb="governance.grant_proxy",
            obj=proxy,
            after={
                "seat": seat.label,
                "grantee": grantee.pk,
                "proposal": proposal.number if proposal else None,
                "meeting": meeting.pk if meeting else None,
            },
        )
    return proxy


def revoke_proxy(*, by: User, proxy: Proxy) -> Proxy:
    """The seat (its holder, deputy or whoever gave it) revokes a proxy until it is used."""
    seat = proxy.seat
    actor = access.actor_for(by, fresh=True)
    access.require(sits_in_seat(by, seat) or proxy.granted_by_id == by.pk or actor.is_secretariat)
    with transaction.atomic(durable=True):
        proxy = Proxy.objects.unrestricted(UNSCOPED).select_for_update().get(pk=proxy.pk)
        if proxy.used_at is not None:
            raise ActionError(
                _("The proxy was used; it can no longer be revoked."), code="conflict"
            )
        if proxy.revoked_at is not None:
            raise ActionError(_("The proxy was already revoked."), code="conflict")
        proxy.revoked_at = timezone.now()
        proxy.save(update_fields=["revoked_at", "updated_at"])
        record_event(
            actor=by,
            verb="governance.revoke_proxy",
            obj=proxy,
            after={"seat": seat.label, "grantee": proxy.grantee_id},
        )
    return proxy


# --- Closing, the outcome and the decision log --------------------------------------------


def _close_locked(proposal: Proposal, by: User | None) -> Decision | None:
    """Close a locked, open proposal: its outcome by the rule and, if adopted, a numbered
    entry in the decision log with its effect pending until applied."""
    result = tally_of(proposal, closed=True)
    before = _snapshot(proposal)
    proposal.state = Proposal.State.CLOSED
    proposal.outcome = result.outcome
    proposal.closed_at = timezone.now()
    proposal.save(update_fields=["state", "outcome", "closed_at", "updated_at"])
    record_event(
        actor=by,
        verb="governance.close_proposal",
        obj=proposal,
        before=before,
        after=_snapshot(proposal) | {"not_voted": len(result.not_voted)},
    )
    if result.outcome != rules.ADOPTED:
        return None
    effect_type = effects.effect_type_of(proposal.kind)
    decision = Decision.objects.create(
        number=_next_number(Decision),
        body=proposal.body,
        proposal=proposal,
        title=proposal.title,
        text=current_version(proposal).text,
        decided_on=timezone.localdate(proposal.closed_at),
        confidential=proposal.confidential,
        effect_type=effect_type,
        effect_params=proposal.effect_params,
        effect_state=(Decision.EffectState.PENDING if effect_type else Decision.EffectState.NONE),
    )
    record_event(
        actor=by, verb="governance.record_decision", obj=decision, after=_decision_snap(decision)
    )
    return decision


def _decision_snap(decision: Decision) -> dict[str, Any]:
    return {
        "number": decision.number,
        "title": decision.title,
        "confidential": decision.confidential,
        "effect_type": decision.effect_type,
        "effect_state": decision.effect_state,
        "effect_object": decision.effect_object,
        "corrects": decision.corrects.number if decision.corrects else None,
    }


def close_if_due(proposal: Proposal, by: User | None = None) -> Proposal:
    """Closing happens when the deadline passes even if no scheduler runs: the pages and the
    API call this before showing a proposal. Idempotent: under the row's lock only the first
    caller closes it; everyone else finds it closed."""
    if proposal.state != Proposal.State.OPEN or proposal.closes_at > timezone.now():
        return proposal
    with transaction.atomic(durable=True):
        locked = _lock(proposal)
        decision = None
        if locked.state == Proposal.State.OPEN and locked.closes_at <= timezone.now():
            decision = _close_locked(locked, by)
    if decision is not None:
        _apply_effect(decision.pk, by)
    proposal.refresh_from_db()
    return proposal


def close_proposal(*, by: User, proposal: Proposal) -> Proposal:
    """The secretariat closes a proposal every seat has voted on, before its deadline."""
    access.require(access.actor_for(by, fresh=True).is_secretariat)
    close_if_due(proposal, by)
    with transaction.atomic(durable=True):
        proposal = _lock(proposal)
        if proposal.state != Proposal.State.OPEN:
            raise ActionError(_("The proposal is not open."), code="conflict")
        if not tally_of(proposal).everyone_voted:
            raise ActionError(
                _("Not every seat has voted yet; it closes at its deadline."), code="conflict"
            )
        decision = _close_locked(proposal, by)
    if decision is not None:
        _apply_effect(decision.pk, by)
    proposal.refresh_from_db()
    return proposal


def record_outcome_statement(
    *, by: User, proposal: Proposal, statement: str, review_on: datetime.date | None = None
) -> Proposal:
    """The secretariat writes the outcome statement (closing the proposal if every seat has
    voted), with an optional review date on which the body is reminded."""
    access.require(access.actor_for(by, fresh=True).is_secretariat)
    if not statement.strip():
        raise ActionError(_("Write the outcome statement."), field="statement")
    limits.check_length(statement, limits.MESSAGE, field="statement")
    if review_on is not None and review_on <= timezone.localdate():
        raise ActionError(_("The review date must be in the future."), field="review_on")
    if proposal.state == Proposal.State.OPEN:
        close_if_due(proposal, by)
        proposal.refresh_from_db()
        if proposal.state == Proposal.State.OPEN:
            proposal = close_proposal(by=by, proposal=proposal)
    with transaction.atomic(durable=True):
        proposal = _lock(proposal)
        if proposal.state == Proposal.State.DRAFT:
            raise ActionError(_("A draft has no outcome yet."), code="conflict")
        before = {"outcome_statement": proposal.outcome_statement, "review_on": None}
        if proposal.review_on:
            before["review_on"] = proposal.review_on.isoformat()
        proposal.outcome_statement = statement.strip()
        proposal.review_on = review_on
        proposal.save(update_fields=["outcome_statement", "review_on", "updated_at"])
        record_event(
            actor=by,
            verb="governance.record_outcome",
            obj=proposal,
            before=before,
            after={
                "outcome_statement": proposal.outcome_statement,
                "review_on": review_on.isoformat() if review_on else None,
            },
        )
    return proposal


def correct_decision(
    *, by: User, decision: Decision, title: str, text: str, confidential: bool | None = None
) -> Decision:
    """The decision log is append-only: a correction is a new numbered entry pointing at
    the one it corrects, which stays as it was."""
    access.require(access.actor_for(by, fresh=True).is_secretariat)
    if not title.strip() or not text.strip():
        raise ActionError(_("Write the corrected title and text."), field="text")
    limits.check_length(title, limits.LINE, field="title")
    limits.check_length(text, limits.TEXT, field="text")
    with transaction.atomic(durable=True):
        entry = Decision.objects.create(
            number=_next_number(Decision),
            body=decision.body,
            title=title.strip(),
            text=text,
            decided_on=timezone.localdate(),
            confidential=decision.confidential if confidential is None else confidential,
            corrects=decision,
        )
        record_event(
            actor=by, verb="governance.correct_decision", obj=entry, after=_decision_snap(entry)
        )
    return entry


def apply_decision_effect(*, by: User, decision: Decision) -> Decision:
    """Apply a decision's pending (or failed) effect, e.g. once the app it concerns has
    registered its effect type."""
    access.require(access.actor_for(by, fresh=True).is_secretariat)
    if decision.effect_state not in (Decision.EffectState.PENDING, Decision.EffectState.FAILED):
        raise ActionError(_("This decision has no effect waiting."), code="conflict")
    if effects.effect_for(decision.effect_type) is None:
        raise ActionError(
            _("Nothing in the system applies this kind of decision yet; it stays pending."),
            code="conflict",
        )
    _apply_effect(decision.pk, by)
    decision.refresh_from_db()
    return decision


def _apply_effect(decision_pk: int, by: User | None) -> None:
    """After the decision has committed: the effect runs through the concerned app's own
    action (its own transaction), then the decision records what it changed, or why it
    could not. Without a registered effect type the decision stays pending."""
    decision = (
        Decision.objects.unrestricted(UNSCOPED).select_related("body__covenant").get(pk=decision_pk)
    )
    effect = effects.effect_for(decision.effect_type)
    if effect is None or decision.effect_state == Decision.EffectState.APPLIED:
        return
    try:
        changed, note, state = effect.apply(decision, by), "", Decision.EffectState.APPLIED
    except ActionError as refused:
        changed, note, state = "", refused.messages[0], Decision.EffectState.FAILED
    with transaction.atomic(durable=True):
        decision = Decision.objects.unrestricted(UNSCOPED).select_for_update().get(pk=decision_pk)
        before = _decision_snap(decision)
        decision.effect_state = state
        decision.effect_note = note[:300]
        decision.effect_object = changed
        if state == Decision.EffectState.APPLIED:
            decision.effect_applied_at = timezone.now()
        decision.save()
        record_event(
            actor=by,
            verb="governance.apply_decision",
            obj=decision,
            before=before,
            after=_decision_snap(decision),
        )
