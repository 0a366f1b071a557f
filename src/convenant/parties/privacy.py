"""What the parties app holds about a person, for their export and erasure (core.privacy):
their memberships and roles, the invitations addressed to them; on erasure their memberships
end and the invitations' copies of their name and address are replaced."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from convenant.core import privacy
from convenant.core.access import Role
from convenant.core.models import User
from convenant.parties.models import Invitation, Membership, Party


def _memberships(person: User) -> Any:
    return Membership.objects.unrestricted("a person's own memberships (privacy)").filter(
        user_id=person.pk
    )


def _invitations_to(person: User) -> Any:
    """Invitations addressed to the person (by address, or accepted by them). Not the ones
    they sent: those carry other people's names and addresses."""
    return Invitation.objects.unrestricted("invitations to a person (privacy)").filter(
        Q(email__iexact=person.email) | Q(accepted_by_id=person.pk)
    )


def export(person: User) -> dict[str, Any]:
    return {
        "memberships": [
            {
                "party": m.party.name,
                "party_code": m.party.code,
                "role": m.role,
                "since": privacy.json_safe(m.created_at),
            }
            for m in _memberships(person).select_related("party").order_by("created_at")
        ],
        "invitations": [
            {
                "party": i.party.name,
                "email": i.email,
                "full_name": i.full_name,
                "role": i.role,
                "sent_at": privacy.json_safe(i.created_at),
                "accepted_at": privacy.json_safe(i.accepted_at),
                "revoked_at": privacy.json_safe(i.revoked_at),
            }
            for i in _invitations_to(person).select_related("party").order_by("created_at")
        ],
    }


def refuse(person: User) -> list[str]:
    """A party in the covenant keeps an administrator, and the secretariat a member."""
    reasons = []
    others = (
        Membership.objects.unrestricted("who else administers a party (privacy)")
        .exclude(user_id=person.pk)
        .filter(user__is_active=True)
    )
    active = Party.objects.active()
    for m in _memberships(person).filter(party__in=active).select_related("party"):
        if (
            m.role == Role.ADMINISTRATOR
            and not others.filter(party_id=m.party_id, role=Role.ADMINISTRATOR).exists()
        ):
            reasons.append(
                _(
                    "%(person)s is the last administrator of %(party)s. Make someone else "
                    "administrator first."
                )
                % {"person": person, "party": m.party.name}
            )
    secretariat = active.filter(type=Party.Type.SECRETARIAT)
    if (
        _memberships(person).filter(party__in=secretariat).exists()
        and not others.filter(party__in=secretariat).exists()
    ):
        reasons.append(
            _("%(person)s is the last member of the secretariat. Invite someone else first.")
            % {"person": person}
        )
    return reasons


def erase(person: User, erasure: privacy.Erasure) -> None:
    """The person's memberships end; invitations to them keep the party, role and dates
    but carry the placeholder address and the pseudonym."""
    invitations = Invitation.objects.unrestricted("invitations to an erased person").filter(
        Q(email__iexact=erasure.email) | Q(accepted_by_id=person.pk)
    )
    erasure.counts["invitations"] = invitations.update(
        email=erasure.address, full_name=erasure.pseudonym
    )
    erasure.counts["memberships"] = _memberships(person).delete()[0]
    privacy.scrub(Invitation, ["full_name", "email"], erasure)


def party_names(ids: Iterable[int] | None) -> dict[int, str]:
    """The parties' names, for the audit log's party filter (public facts: who signed)."""
    parties = Party.objects.all() if ids is None else Party.objects.filter(pk__in=list(ids))
    return dict(parties.order_by("name").values_list("pk", "name"))


def register() -> None:
    from convenant.core.audit_views import register_party_names

    privacy.register("parties", exporter=export, eraser=erase, refuser=refuse)
    register_party_names(party_names)
