"""Permission-matrix rows for the parties app's URLs and API endpoints."""

import datetime
import secrets
from typing import Any

from django.utils import timezone

from convenant.core.access import Role
from convenant.core.models import hash_token
from convenant.core.testing import (
    ACTORS,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    OTHER_FUND_MARKER,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
    other_funds_data,
)
from convenant.parties.models import Invitation

SECRETARIAT_ONLY = members(FORBIDDEN, secretariat=OK)
# Who may see a person of fund A, or one of fund A's memberships: fund A's people and the
# secretariat; everyone else must not learn that the person or membership exists.
FUND_PEOPLE = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK, secretariat=OK)
FUND_MANAGERS = members(
    HIDDEN, fund_viewer=FORBIDDEN, fund_editor=FORBIDDEN, fund_admin=OK, secretariat=OK
)

REFUSED = 400  # nothing was done; the page says why


def expired_invitation(world: World) -> Invitation:
    """A fresh expired invitation to fund A for each cell (a renewal makes one pending)."""
    key = secrets.token_hex(4)
    return Invitation.objects.create(
        party=world.fund,
        email=f"expired-{key}@example.org",
        full_name="Expired Invitee",
        role=Role.VIEWER,
        token_hash=hash_token(f"expired-{key}"),
        invited_by=world.users["fund_admin"],
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )


def party_form(world: World, **values: str) -> dict[str, Any]:
    """The party form, filled in as the secretariat would."""
    return {
        "type": "pension_fund",
        "constituency": world.fund.constituency_id,
        "tracks": [t.pk for t in world.fund.tracks.all()],
        "joined_on": "2019-01-01",
        **values,
    }


def extend_world(world: World) -> None:
    """A person of the other fund and an invitation it sent: who works for a party is known
    to that party and the secretariat only."""
    from convenant.core.models import User
    from convenant.parties.models import Membership

    person = User.objects.create_user(
        "bea@example.org", f"Bea {OTHER_FUND_MARKER}", "pw-test-12345"
    )
    Membership.objects.create(user=person, party=world.other_fund, role=Role.VIEWER)
    Invitation.objects.create(
        party=world.other_fund,
        email=f"{OTHER_FUND_MARKER.lower()}@example.org",
        full_name=f"Cas {OTHER_FUND_MARKER}",
        role=Role.VIEWER,
        token_hash=hash_token("matrix-other-invitation"),
        invited_by=world.users["other_fund"],
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )


# Who must not learn who works for the other fund (its own people and the secretariat do).
NOT_ITS_PEOPLE = tuple(a for a in ACTORS if a not in ("other_fund", "secretariat"))

ROWS = [
    Row("party_list", everyone(OK)),
    Row("party_list", everyone(OK), query="status=former&track=broad"),
    Row(
        "party_detail",
        everyone(OK),
        args=lambda w: [w.fund.slug],
        absent=other_funds_data,
        absent_for=ACTORS,
    ),
    Row(
        "party_detail",
        everyone(OK),
        args=lambda w: [w.other_fund.slug],
        absent=other_funds_data,
        absent_for=NOT_ITS_PEOPLE,
        present=lambda w: [f"Bea {OTHER_FUND_MARKER}"],
        present_for=("other_fund", "secretariat"),
    ),
    Row("party_detail", everyone(HIDDEN), args=lambda w: ["no-such-party"], missing=True),
    Row("party_create", SECRETARIAT_ONLY),
    Row(
        "party_create",
        members(FORBIDDEN, secretariat=REDIRECT),
        method="post",
        data=lambda w: party_form(w, name="Pensioenfonds Delta", code="FD"),
    ),
    Row("party_edit", SECRETARIAT_ONLY, args=lambda w: [w.fund.slug]),
    Row(
        "party_edit",
        members(FORBIDDEN, secretariat=REDIRECT),
        method="post",
        args=lambda w: [w.fund.slug],
        data=lambda w: party_form(w, name="Pensioenfonds Alfa Nieuw", code="FA"),
    ),
    Row("party_departure", SECRETARIAT_ONLY, args=lambda w: [w.fund.slug]),
    Row(
        "party_departure",
        members(FORBIDDEN, secretariat=REDIRECT),
        method="post",
        args=lambda w: [w.fund.slug],
        data=lambda w: {"departure": "left", "left_on": "2024-12-31", "reason": "Fusie"},
    ),
    Row(
        "member_invite",
        members(FORBIDDEN, fund_admin=OK, secretariat=OK),
        args=lambda w: [w.fund.slug],
    ),
    Row(
        "member_invite",
        members(FORBIDDEN, fund_admin=REDIRECT, secretariat=REDIRECT),
        method="post",
        args=lambda w: [w.fund.slug],
        data=lambda w: {
            "full_name": "Nieuwe Collega",
            "email": "nieuw@example.org",
            "role": "viewer",
            "language": "nl",
        },
    ),
    Row("membership_edit", FUND_MANAGERS, args=lambda w: [w.target_membership.pk]),
    Row(
        "membership_edit",
        {**FUND_MANAGERS, "fund_admin": REDIRECT, "secretariat": REDIRECT},
        method="post",
        args=lambda w: [w.target_membership.pk],
        data=lambda w: {"role": "editor"},
    ),
    Row(
        "membership_remove",
        {**FUND_MANAGERS, "fund_admin": REDIRECT, "secretariat": REDIRECT},
        method="post",
        args=lambda w: [w.target_membership.pk],
    ),
    Row(
        "invitation_list",
        members(FORBIDDEN, fund_admin=OK, other_fund=OK, union=OK, secretariat=OK),
        absent=other_funds_data,
        absent_for=NOT_ITS_PEOPLE,
        present=other_funds_data,
        present_for=("other_fund", "secretariat"),
    ),
    Row(
        "invitation_revoke",
        members(HIDDEN, fund_admin=REDIRECT, secretariat=REDIRECT),
        method="post",
        args=lambda w: [w.invitation.pk],
    ),
    Row(
        "invitation_renew",
        members(HIDDEN, fund_admin=OK, secretariat=OK),
        args=lambda w: [expired_invitation(w).pk],
    ),
    Row(
        "invitation_renew",
        members(HIDDEN, fund_admin=REDIRECT, secretariat=REDIRECT),
        method="post",
        args=lambda w: [expired_invitation(w).pk],
        data=lambda w: {"language": "en"},
    ),
    # The e-mailed link keeps its token in the session and sends everyone on to /invite/.
    Row("invitation_link", everyone(REDIRECT), args=lambda w: ["matrix-invitation-token"]),
    Row("invitation_link", everyone(HIDDEN), args=lambda w: ["not-a-real-token"], missing=True),
    # Without a link opened in this session there is nothing to accept.
    Row("invitation_accept", everyone(OK)),
    Row(
        "invitation_accept",
        everyone(REFUSED),
        method="post",
        data=lambda w: {
            "full_name": "Intruder",
            "password1": "a-good-long-passphrase",
            "password2": "a-good-long-passphrase",
        },
    ),
    Row("person_detail", FUND_PEOPLE, args=lambda w: [w.target_membership.user_id]),
    Row("api:list_parties", everyone(OK)),
    Row("api:get_party", everyone(OK), args=lambda w: [w.fund.slug]),
    Row("api:get_party", everyone(HIDDEN), args=lambda w: ["no-such-party"], missing=True),
    Row(
        "api:list_people",
        members(OK),
        absent=other_funds_data,
        absent_for=NOT_ITS_PEOPLE,
        present=lambda w: [f"Bea {OTHER_FUND_MARKER}"],
        present_for=("other_fund", "secretariat"),
    ),
    Row("api:me", members(OK)),
    Row("api:get_person", FUND_PEOPLE, args=lambda w: [w.target_membership.user_id]),
]

__all__ = ["LOGIN", "ROWS"]
