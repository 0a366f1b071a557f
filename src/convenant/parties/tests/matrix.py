"""Permission-matrix rows for the parties app's URLs and API endpoints."""

import datetime
import secrets

from django.utils import timezone

from convenant.core.access import Role
from convenant.core.models import hash_token
from convenant.core.testing import (
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
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


ROWS = [
    Row("party_list", everyone(OK)),
    Row("party_list", everyone(OK), query="status=former&track=broad"),
    Row("party_detail", everyone(OK), args=lambda w: [w.fund.slug]),
    Row("party_detail", everyone(HIDDEN), args=lambda w: ["no-such-party"]),
    Row("party_create", SECRETARIAT_ONLY),
    Row("party_edit", SECRETARIAT_ONLY, args=lambda w: [w.fund.slug]),
    Row("party_departure", SECRETARIAT_ONLY, args=lambda w: [w.fund.slug]),
    Row(
        "member_invite",
        members(FORBIDDEN, fund_admin=OK, secretariat=OK),
        args=lambda w: [w.fund.slug],
    ),
    Row("membership_edit", FUND_MANAGERS, args=lambda w: [w.target_membership.pk]),
    Row(
        "membership_remove",
        {**FUND_MANAGERS, "fund_admin": REDIRECT, "secretariat": REDIRECT},
        method="post",
        args=lambda w: [w.target_membership.pk],
    ),
    Row(
        "invitation_list",
        members(FORBIDDEN, fund_admin=OK, other_fund=OK, union=OK, secretariat=OK),
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
    Row("invitation_link", everyone(HIDDEN), args=lambda w: ["not-a-real-token"]),
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
    Row("api:get_party", everyone(HIDDEN), args=lambda w: ["no-such-party"]),
    Row("api:list_people", members(OK)),
    Row("api:me", members(OK)),
    Row("api:get_person", FUND_PEOPLE, args=lambda w: [w.target_membership.user_id]),
]

__all__ = ["LOGIN", "ROWS"]
