"""Writes of the parties app. Each action checks the access policy against the current state
of the database, changes what it must in one transaction, writes its audit event inside it,
and sends e-mail only after the commit."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from convenant.core import access
from convenant.core.access import Role
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.mail import send_email_later
from convenant.core.models import User, hash_token, normalize_email
from convenant.parties.hooks import party_joined
from convenant.parties.models import Constituency, Covenant, Invitation, Membership, Party, Track

PARTY_FIELDS = [
    "name",
    "short_name",
    "code",
    "type",
    "constituency",
    "website",
    "description",
    "invested_assets_eur",
    "invested_assets_as_of",
    "joined_on",
    "left_on",
    "departure",
    "departure_reason",
]


def _party_snapshot(party: Party) -> dict[str, Any]:
    data = snapshot(party, PARTY_FIELDS)
    data["tracks"] = sorted(party.tracks.values_list("code", flat=True))
    return data


def _check_party_fields(
    covenant: Covenant,
    party_type: str,
    constituency: Constituency | None,
    invested_assets_eur: Decimal | None,
    joined_on: datetime.date,
) -> None:
    if party_type in Party.NEUTRAL_TYPES:
        if constituency is not None:
            raise ActionError(
                _("The secretariat and the monitoring committee belong to no constituency."),
                field="constituency",
            )
    elif constituency is None:
        raise ActionError(_("Choose the party's constituency."), field="constituency")
    elif constituency.covenant_id != covenant.pk:
        raise ActionError(_("That constituency belongs to another covenant."), field="constituency")
    if invested_assets_eur is not None and invested_assets_eur < 0:
        raise ActionError(_("Invested assets cannot be negative."), field="invested_assets_eur")
    if joined_on > covenant.end_date:
        raise ActionError(
            _("A party cannot join after the covenant ends (%(date)s).")
            % {"date": covenant.end_date.isoformat()},
            field="joined_on",
        )


def create_party(
    *,
    by: User,
    covenant: Covenant,
    name: str,
    code: str,
    slug: str,
    type: str,
    constituency: Constituency | None,
    joined_on: datetime.date,
    tracks: list[Track],
    short_name: str = "",
    website: str = "",
    description: str = "",
    invested_assets_eur: Decimal | None = None,
    invested_assets_as_of: datetime.date | None = None,
) -> Party:
    """The secretariat registers a party that signed the covenant."""
    access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))
    _check_party_fields(covenant, type, constituency, invested_assets_eur, joined_on)
    if any(t.covenant_id != covenant.pk for t in tracks):
        raise ActionError(_("A track of another covenant was chosen."), field="tracks")
    try:
        with transaction.atomic(durable=True):
            party = Party.objects.create(
                covenant=covenant,
                name=name.strip(),
                code=code.strip().upper(),
                slug=slug,
                type=type,
                constituency=constituency,
                joined_on=joined_on,
                short_name=short_name.strip(),
                website=website,
                description=description,
                invested_assets_eur=invested_assets_eur,
                invested_assets_as_of=invested_assets_as_of,
            )
            party.tracks.set(tracks)
            record_event(
                actor=by,
                verb="parties.create_party",
                obj=party,
                party_id=party.pk,
                after=_party_snapshot(party),
            )
            party_joined(party)
    except IntegrityError:
        raise ActionError(
            _("Another party already uses this code or address (slug)."), field="code"
        ) from None
    return party


def update_party(*, by: User, party: Party, changes: dict[str, Any]) -> Party:
    """The secretariat corrects a party's details. ``changes`` holds fields of PARTY_FIELDS
    (departure excepted: see record_departure) and optionally ``tracks``."""
    access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))
    unknown = set(changes) - (set(PARTY_FIELDS) - {"left_on", "departure", "departure_reason"})
    unknown -= {"tracks"}
    if unknown:
        raise ActionError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    try:
        with transaction.atomic(durable=True):
            party = Party.objects.select_for_update().get(pk=party.pk)
            before = _party_snapshot(party)
            tracks = changes.pop("tracks", None)
            for name, value in changes.items():
                setattr(party, name, value)
            _check_party_fields(
                party.covenant,
                party.type,
                party.constituency,
                party.invested_assets_eur,
                party.joined_on,
            )
            if party.left_on is not None and party.left_on < party.joined_on:
                raise ActionError(_("A party cannot leave before it joined."), field="joined_on")
            party.save()
            if tracks is not None:
                party.tracks.set(tracks)
            record_event(
                actor=by,
                verb="parties.update_party",
                obj=party,
                party_id=party.pk,
                before=before,
                after=_party_snapshot(party),
            )
    except IntegrityError:
        raise ActionError(
            _("Another party already uses this code or address (slug)."), field="code"
        ) from None
    return party


def record_departure(
    *, by: User, party: Party, left_on: datetime.date, departure: str, reason: str
) -> Party:
    """A party leaves the covenant, or is expelled as a last resort. Its people keep their
    accounts, but from that date their membership no longer opens the covenant's data."""
    access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))
    if departure not in Party.Departure.values:
        raise ActionError(_("Say whether the party left or was expelled."), field="departure")
    if not reason.strip():
        raise ActionError(_("Record the reason; it is kept with the decision."), field="reason")
    with transaction.atomic(durable=True):
        party = Party.objects.select_for_update().get(pk=party.pk)
        if party.left_on is not None:
            raise ActionError(
                _("%(party)s already left the covenant on %(date)s.")
                % {"party": party.name, "date": party.left_on.isoformat()},
                code="conflict",
            )
        if left_on < party.joined_on:
            raise ActionError(_("A party cannot leave before it joined."), field="left_on")
        before = _party_snapshot(party)
        party.left_on, party.departure, party.departure_reason = left_on, departure, reason.strip()
        party.save(update_fields=["left_on", "departure", "departure_reason", "updated_at"])
        # Nobody can still accept an invitation to a party that is gone.
        Invitation.objects.unrestricted("record departure: the action decides access").filter(
            party=party
        ).open().update(revoked_at=timezone.now())
        record_event(
            actor=by,
            verb="parties.record_departure",
            obj=party,
            party_id=party.pk,
            before=before,
            after=_party_snapshot(party),
        )
    return party


# --- By a decision of the covenant's steering group -----------------------------------------
# Governance applies an adopted decision through these: the decision is the authority, so no
# person's role is checked here; ``decision`` names it ("governance.decision:12") in the
# audit trail. ``by`` is whoever closed the vote (or None: the system at the deadline).


def admit_party(
    *,
    by: User | None,
    decision: str,
    covenant: Covenant,
    name: str,
    code: str,
    type: str,
    constituency: Constituency | None,
    joined_on: datetime.date,
    short_name: str = "",
    website: str = "",
    description: str = "",
) -> Party:
    """A party the steering group decided to admit joins the covenant."""
    from django.utils.text import slugify

    _check_party_fields(covenant, type, constituency, None, joined_on)
    if not name.strip() or not code.strip():
        raise ActionError(_("A party needs a name and a code."), field="name")
    slug = slugify(name)[:70] or code.lower()
    try:
        with transaction.atomic(durable=True):
            if Party.objects.filter(slug=slug).exists():
                slug = f"{slug[:60]}-{code.strip().lower()}"[:80]
            party = Party.objects.create(
                covenant=covenant,
                name=name.strip(),
                code=code.strip().upper(),
                slug=slug,
                type=type,
                constituency=constituency,
                joined_on=joined_on,
                short_name=short_name.strip(),
                website=website,
                description=description,
            )
            party.tracks.set(covenant.tracks.filter(code="broad"))
            record_event(
                actor=by,
                verb="parties.admit_party",
                obj=party,
                party_id=party.pk,
                after={**_party_snapshot(party), "decision": decision},
            )
            party_joined(party)
    except IntegrityError:
        raise ActionError(
            _("Another party already uses this code or address (slug)."), field="code"
        ) from None
    return party


def expel_party(
    *, by: User | None, decision: str, party: Party, left_on: datetime.date, reason: str
) -> Party:
    """A party the steering group decided to expel leaves the covenant, as in
    record_departure."""
    with transaction.atomic(durable=True):
        party = Party.objects.select_for_update().get(pk=party.pk)
        if party.left_on is not None:
            raise ActionError(
                _("%(party)s already left the covenant on %(date)s.")
                % {"party": party.name, "date": party.left_on.isoformat()},
                code="conflict",
            )
        left_on = max(left_on, party.joined_on)
        before = _party_snapshot(party)
        party.left_on, party.departure = left_on, Party.Departure.EXPELLED
        party.departure_reason = reason.strip() or decision
        party.save(update_fields=["left_on", "departure", "departure_reason", "updated_at"])
        Invitation.objects.unrestricted("expel by decision: the decision decides").filter(
            party=party
        ).open().update(revoked_at=timezone.now())
        record_event(
            actor=by,
            verb="parties.expel_party",
            obj=party,
            party_id=party.pk,
            before=before,
            after={**_party_snapshot(party), "decision": decision},
        )
    return party


# --- People ------------------------------------------------------------------------------


def _invitation_url(token: str) -> str:
    return settings.BASE_URL + reverse("invitation_link", args=[token])


def _send_invitation(invitation: Invitation, token: str, language: str) -> None:
    """Queue the invitation e-mail as a job, inside the action's transaction: it is sent
    once the invitation has committed, and tried again if the mail server is away."""
    with translation.override(language):
        context = {
            "invitation": invitation,
            "url": _invitation_url(token),
            "valid_days": settings.INVITATION_VALID_DAYS,
        }
        send_email_later(
            to=invitation.email,
            subject=_("Invitation to work for %(party)s in convenant")
            % {"party": invitation.party.display_name},
            body=render_to_string("parties/email/invitation.txt", context),
            purpose="parties.invitation",
            language=language,
        )


def _check_party_takes(party: Party, email: str, *, field: str | None = None) -> None:
    """A party that left the covenant gets no new people, and a person who already works
    for it needs no invitation (inviting and renewing alike)."""
    if not party.is_active():
        raise ActionError(
            _("%(party)s is not in the covenant (left on %(date)s); it cannot get new people.")
            % {
                "party": party.name,
                "date": party.left_on.isoformat() if party.left_on else "–",
            },
            code="conflict",
        )
    if (
        Membership.objects.unrestricted("inviting: the action decides access")
        .filter(party=party, user__email__iexact=email)
        .exists()
    ):
        raise ActionError(
            _("%(email)s already works for %(party)s.") % {"email": email, "party": party.name},
            field=field,
            code="conflict",
        )


def invite_person(
    *, by: User, party: Party, email: str, full_name: str, role: str, language: str = "nl"
) -> tuple[Invitation, str]:
    """Invite someone by e-mail to work for a party. Returns the invitation and the one-time
    token (which goes out only in the e-mail; the database keeps its hash)."""
    actor = access.actor_for(by, fresh=True)
    access.require(access.can_manage_members(actor, party.pk))
    email = normalize_email(email)
    full_name = full_name.strip()
    if role not in Role.values:
        raise ActionError(_("Choose a role."), field="role")
    if (
        role == Role.ADMINISTRATOR
        and not actor.is_secretariat
        and not actor.has_role(party.pk, Role.ADMINISTRATOR)
    ):
        raise PermissionDenied
    if not full_name:
        raise ActionError(_("Enter the person's full name."), field="full_name")
    token = secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        party = Party.objects.select_for_update().get(pk=party.pk)
        _check_party_takes(party, email, field="email")
        open_invitations = (
            Invitation.objects.unrestricted("invite person: the action decides access")
            .filter(party=party, email__iexact=email)
            .open()
        )
        if open_invitations.filter(expires_at__gt=timezone.now()).exists():
            raise ActionError(
                _(
                    "%(email)s already has a pending invitation to %(party)s. "
                    "Withdraw it to send a new one."
                )
                % {"email": email, "party": party.name},
                field="email",
                code="conflict",
            )
        open_invitations.update(revoked_at=timezone.now())  # expired ones make way
        invitation = _issue_invitation(
            party=party,
            email=email,
            full_name=full_name,
            role=role,
            token=token,
            invited_by=by,
            actor=by,
            language=language,
        )
    return invitation, token


def _issue_invitation(
    *,
    party: Party,
    email: str,
    full_name: str,
    role: str,
    token: str,
    invited_by: User,
    actor: User | None,
    language: str,
) -> Invitation:
    """Write an invitation, its audit event, and queue its e-mail (inside the caller's
    transaction; the caller has checked who may invite whom)."""
    invitation = Invitation.objects.create(
        party=party,
        email=email,
        full_name=full_name,
        role=role,
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    record_event(
        actor=actor,
        verb="parties.invite_person",
        obj=invitation,
        party_id=party.pk,
        after=snapshot(invitation, ["email", "full_name", "role", "expires_at"]),
    )
    _send_invitation(invitation, token, language)
    return invitation


def unknown_invitation_message() -> str:
    return _(
        "This invitation link is not valid. Check that you copied the whole link from the "
        "e-mail. If you received a newer invitation e-mail, use the link in that one."
    )


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its state (the page explains)."""
    return (
        Invitation.objects.unrestricted("find invitation: the action decides access")
        .select_related("party")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invited_address_has_account(invitation: Invitation) -> bool:
    """Whether the invited address has an account already: the page then asks its holder to
    log in rather than to create one. The link's holder may learn this of its own address."""
    return (
        User.objects.unrestricted("the invitation's own address, for its link's holder")
        .filter(email__iexact=invitation.email)
        .exists()
    )


def check_invitation_usable(invitation: Invitation) -> None:
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        raise ActionError(
            _(
                "This invitation has already been used. Log in with your e-mail "
                "address and password, or reset your password."
            ),
            code="used",
        )
    if status == Invitation.Status.REVOKED:
        raise ActionError(
            _(
                "This invitation was withdrawn. Ask the secretariat or your "
                "party's administrator for a new one."
            ),
            code="revoked",
        )
    if status == Invitation.Status.EXPIRED:
        raise ActionError(
            _(
                "This invitation has expired. Ask the secretariat or your party's "
                "administrator for a new one."
            ),
            code="expired",
        )
    if not invitation.party.is_active():
        raise ActionError(
            _("%(party)s is no longer in the covenant, so the invitation cannot be accepted.")
            % {"party": invitation.party.name},
            code="party_left",
        )


def accept_invitation(
    *, token: str, user: User | None = None, full_name: str = "", password: str = ""
) -> Membership:
    """Accept an invitation: a new person sets a name and password; a person who already has
    an account (logged in as the invited address) only confirms. One use only."""
    with transaction.atomic(durable=True):
        invitation = (
            Invitation.objects.unrestricted("accept invitation: the action decides access")
            .select_for_update()
            .select_related("party")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if invitation is None:
            raise ActionError(
                unknown_invitation_message(),
                code="unknown",
            )
        check_invitation_usable(invitation)
        if user is not None and normalize_email(user.email) != invitation.email:
            # Joining under another account than the invited address would hand the
            # invitation to whoever happens to be logged in on that browser.
            raise ActionError(
                _(
                    "You are logged in as %(current)s, but this invitation is for %(email)s. "
                    "Log out first."
                )
                % {"current": user.email, "email": invitation.email},
                code="other_user",
            )
        existing = (
            User.objects.unrestricted("accept invitation: the action decides access")
            .filter(email__iexact=invitation.email)
            .first()
        )
        if existing is not None:
            if user is None or user.pk != existing.pk:
                raise ActionError(
                    _(
                        "An account for %(email)s already exists. Log in with it first, then "
                        "open the link again."
                    )
                    % {"email": invitation.email},
                    code="login_required",
                )
            person = existing
        else:
            full_name = full_name.strip() or invitation.full_name
            candidate = User(email=invitation.email, full_name=full_name)
            try:
                validate_password(password, user=candidate)
            except ValidationError as error:
                raise ActionError(" ".join(error.messages), field="password1") from None
            candidate.set_password(password)
            candidate.save()
            person = candidate
            record_event(
                actor=person,
                verb="core.create_person",
                obj=person,
                party_id=invitation.party_id,
                after=snapshot(person, ["email", "full_name"]),
            )
        if (
            Membership.objects.unrestricted("accept invitation: the action decides access")
            .filter(user=person, party=invitation.party)
            .exists()
        ):
            raise ActionError(
                _("You already work for %(party)s.") % {"party": invitation.party.name},
                code="conflict",
            )
        membership = Membership.objects.create(
            user=person, party=invitation.party, role=invitation.role
        )
        invitation.accepted_at, invitation.accepted_by = timezone.now(), person
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        record_event(
            actor=person,
            verb="parties.accept_invitation",
            obj=membership,
            party_id=invitation.party_id,
            after=snapshot(membership, ["role"]),
        )
    return membership


def revoke_invitation(*, by: User, invitation: Invitation) -> Invitation:
    access.require(access.can_manage_members(access.actor_for(by, fresh=True), invitation.party_id))
    with transaction.atomic(durable=True):
        invitation = (
            Invitation.objects.unrestricted("revoke invitation: the action decides access")
            .select_for_update()
            .get(pk=invitation.pk)
        )
        if invitation.status != Invitation.Status.PENDING:
            raise ActionError(_("Only a pending invitation can be withdrawn."), code="conflict")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        record_event(
            actor=by,
            verb="parties.revoke_invitation",
            obj=invitation,
            party_id=invitation.party_id,
            after=snapshot(invitation, ["revoked_at"]),
        )
    return invitation


def renew_invitation(
    *, by: User, invitation: Invitation, language: str = "nl"
) -> tuple[Invitation, str]:
    """Give an expired invitation a new link and a new validity, and mail it again. The old
    link stops working (its hash is replaced). Returns the invitation and the new token."""
    access.require(access.can_manage_members(access.actor_for(by, fresh=True), invitation.party_id))
    if language not in dict(settings.LANGUAGES):
        raise ActionError(_("Choose the language of the e-mail."), field="language")
    token = secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        # The party first, as invite_person locks it: a departure cannot slip in between.
        party = Party.objects.select_for_update().get(pk=invitation.party_id)
        invitation = (
            Invitation.objects.unrestricted("renew invitation: the action decides access")
            .select_for_update()
            .get(pk=invitation.pk)
        )
        status = invitation.status
        if status == Invitation.Status.PENDING:
            raise ActionError(
                _("The invitation to %(email)s is still valid until %(date)s; it needs no renewal.")
                % {
                    "email": invitation.email,
                    "date": formats.date_format(
                        timezone.localtime(invitation.expires_at), "SHORT_DATE_FORMAT"
                    ),
                },
                code="conflict",
            )
        if status == Invitation.Status.ACCEPTED:
            raise ActionError(
                _("The invitation to %(email)s was already accepted; it cannot be renewed.")
                % {"email": invitation.email},
                code="conflict",
            )
        if status == Invitation.Status.REVOKED:
            raise ActionError(
                _("The invitation to %(email)s was withdrawn; send a new invitation instead.")
                % {"email": invitation.email},
                code="conflict",
            )
        _check_party_takes(party, invitation.email)
        before = snapshot(invitation, ["expires_at", "invited_by"])
        invitation.token_hash = hash_token(token)
        invitation.expires_at = timezone.now() + datetime.timedelta(
            days=settings.INVITATION_VALID_DAYS
        )
        invitation.invited_by = by  # the e-mail names who sent it this time
        invitation.save(update_fields=["token_hash", "expires_at", "invited_by", "updated_at"])
        record_event(
            actor=by,
            verb="parties.renew_invitation",
            obj=invitation,
            party_id=invitation.party_id,
            before=before,
            after=snapshot(invitation, ["expires_at", "invited_by"]),
        )
        _send_invitation(invitation, token, language)
    return invitation, token


def _check_not_last_administrator(membership: Membership) -> None:
    others = (
        Membership.objects.unrestricted("check not last administrator: the action decides access")
        .filter(party_id=membership.party_id, role=Role.ADMINISTRATOR)
        .exclude(pk=membership.pk)
    )
    if membership.role == Role.ADMINISTRATOR and not others.exists():
        raise ActionError(
            _(
                "%(person)s is the last administrator of %(party)s. Make someone else "
                "administrator first."
            )
            % {"person": membership.user, "party": membership.party.name},
            code="conflict",
        )


def change_role(*, by: User, membership: Membership, role: str) -> Membership:
    access.require(access.can_manage_members(access.actor_for(by, fresh=True), membership.party_id))
    if role not in Role.values:
        raise ActionError(_("Choose a role."), field="role")
    with transaction.atomic(durable=True):
        membership = (
            Membership.objects.unrestricted("change role: the action decides access")
            .select_for_update()
            .select_related("user", "party")
            .get(pk=membership.pk)
        )
        if membership.role == role:
            return membership
        if role != Role.ADMINISTRATOR:
            _check_not_last_administrator(membership)
        before = snapshot(membership, ["role"])
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        record_event(
            actor=by,
            verb="parties.change_role",
            obj=membership,
            party_id=membership.party_id,
            before=before,
            after=snapshot(membership, ["role"]),
        )
    return membership


def remove_member(*, by: User, membership: Membership) -> None:
    """Take a person off a party. They lose access at their next request; the account stays
    (they may work for other parties) and the audit log keeps what they did."""
    access.require(access.can_manage_members(access.actor_for(by, fresh=True), membership.party_id))
    with transaction.atomic(durable=True):
        membership = (
            Membership.objects.unrestricted("remove member: the action decides access")
            .select_for_update()
            .select_related("user", "party")
            .get(pk=membership.pk)
        )
        _check_not_last_administrator(membership)
        before = snapshot(membership, ["user", "party", "role"])
        record_event(
            actor=by,
            verb="parties.remove_member",
            obj=membership,
            party_id=membership.party_id,
            before=before,
        )
        membership.delete()
