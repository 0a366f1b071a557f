"""A new installation's first write: the covenant, its secretariat, and an invitation for the
secretariat's first administrator. There is nobody yet to act for the secretariat, so this
runs as the system (from `convenant bootstrap`, on the server) and is audited as such."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from convenant.core.access import Role
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.models import User, normalize_email
from convenant.parties.actions import _invitation_url, _issue_invitation, _party_snapshot
from convenant.parties.hooks import party_joined
from convenant.parties.models import Covenant, Invitation, Membership, Party

# Invitation.invited_by must name a person. An installation's first invitation is sent by
# convenant itself: an account that can never log in (inactive, no usable password), named
# so that the e-mail reads "convenant invites you …". The .invalid domain never receives mail.
SYSTEM_EMAIL = "system@convenant.invalid"
SYSTEM_NAME = "convenant"


@dataclass(frozen=True)
class Bootstrapped:
    covenant: Covenant
    covenant_created: bool
    secretariat: Party
    secretariat_created: bool
    invitation: Invitation
    url: str
    withdrawn: int  # earlier open invitations of the same address, withdrawn


def _system_person() -> User:
    person, created = User.objects.unrestricted("bootstrap: convenant's own account").get_or_create(
        email=SYSTEM_EMAIL, defaults={"full_name": SYSTEM_NAME, "is_active": False}
    )
    if created:
        person.set_unusable_password()
        person.save(update_fields=["password"])
    return person


def bootstrap(
    *,
    covenant_name: str,
    covenant_short_name: str,
    start_date: datetime.date,
    end_date: datetime.date | None,
    secretariat_name: str,
    secretariat_code: str,
    admin_email: str,
    admin_name: str,
    language: str = "nl",
) -> tuple[Bootstrapped, str]:
    """Create what is missing (the covenant, the secretariat) and invite the secretariat's
    first administrator. Refused, with nothing written, once the secretariat has an active
    administrator: from then on people are invited from the pages. Returns what was done and
    the one-time token (which goes out only in the e-mail and the operator's terminal)."""
    email = normalize_email(admin_email or "")
    try:
        validate_email(email)
    except ValidationError:
        raise ActionError(
            f"“{admin_email}” is not an e-mail address.", field="admin_email"
        ) from None
    if email == SYSTEM_EMAIL:
        raise ActionError(f"{SYSTEM_EMAIL} is convenant's own address.", field="admin_email")
    admin_name, secretariat_name = admin_name.strip(), secretariat_name.strip()
    covenant_name, covenant_short_name = covenant_name.strip(), covenant_short_name.strip()
    secretariat_code = secretariat_code.strip().upper()
    if not admin_name:
        raise ActionError("Give the administrator's full name.", field="admin_name")
    if not secretariat_name:
        raise ActionError("Give the secretariat's name.", field="secretariat_name")
    if not secretariat_code or len(secretariat_code) > 20:
        raise ActionError("Give the secretariat a code of 1 to 20 characters.", field="code")
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ActionError(f"No language {language!r}.", field="language")
    if end_date is None:
        end_date = start_date.replace(year=start_date.year + 5) - datetime.timedelta(days=1)
    if end_date <= start_date:
        raise ActionError("The covenant must end after it starts.", field="end_date")
    token = secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        if (
            Membership.objects.unrestricted("bootstrap: is there an administrator already")
            .filter(
                party__type=Party.Type.SECRETARIAT,
                role=Role.ADMINISTRATOR,
                user__is_active=True,
            )
            .filter(party__in=Party.objects.active())
            .exists()
        ):
            raise ActionError(
                "The secretariat already has an administrator; invite people from the "
                "secretariat's page in convenant instead.",
                code="conflict",
            )
        covenant = Covenant.objects.select_for_update().order_by("start_date").first()
        covenant_created = covenant is None
        if covenant is None:
            if not covenant_name or not covenant_short_name:
                raise ActionError("Give the covenant's name and short name.", field="covenant")
            covenant = Covenant.objects.create(
                name=covenant_name,
                short_name=covenant_short_name[:40],
                slug=slugify(covenant_short_name)[:50] or "covenant",
                start_date=start_date,
                end_date=end_date,
            )
            record_event(
                actor=None,
                verb="parties.bootstrap",
                obj=covenant,
                after=snapshot(covenant, ["name", "short_name", "start_date", "end_date"]),
            )
        today = timezone.localdate()
        secretariat = (
            Party.objects.active()
            .filter(covenant=covenant, type=Party.Type.SECRETARIAT)
            .order_by("pk")
            .first()
        )
        secretariat_created = secretariat is None
        if secretariat is None:
            if Party.objects.filter(code=secretariat_code).exists():
                raise ActionError(
                    f"Another party already uses the code {secretariat_code}.", field="code"
                )
            slug = slugify(secretariat_name)[:80] or "secretariat"
            if Party.objects.filter(slug=slug).exists():
                slug = f"{slug[:70]}-{secretariat_code.lower()}"[:80]
            secretariat = Party.objects.create(
                covenant=covenant,
                name=secretariat_name,
                code=secretariat_code,
                slug=slug,
                type=Party.Type.SECRETARIAT,
                # In the covenant from today, so that the invitation can be accepted now
                # (or from the covenant's start, when that has passed).
                joined_on=min(today, covenant.start_date),
            )
            record_event(
                actor=None,
                verb="parties.create_party",
                obj=secretariat,
                party_id=secretariat.pk,
                after=_party_snapshot(secretariat),
            )
            party_joined(secretariat)
        # Running it again before the first invitation was accepted (a lost e-mail, a
        # mistyped address) sends a new one: the old links stop working.
        withdrawn = (
            Invitation.objects.unrestricted("bootstrap: earlier invitations")
            .filter(party=secretariat, role=Role.ADMINISTRATOR)
            .open()
            .update(revoked_at=timezone.now())
        )
        invitation = _issue_invitation(
            party=secretariat,
            email=email,
            full_name=admin_name,
            role=Role.ADMINISTRATOR,
            token=token,
            invited_by=_system_person(),
            actor=None,
            language=language,
        )
    return (
        Bootstrapped(
            covenant,
            covenant_created,
            secretariat,
            secretariat_created,
            invitation,
            _invitation_url(token),
            withdrawn,
        ),
        token,
    )
