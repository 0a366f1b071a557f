"""Permission-matrix rows for the parties app's URLs and API endpoints."""

from convenant.core.testing import FORBIDDEN, HIDDEN, LOGIN, OK, REDIRECT, Row, everyone, members

SECRETARIAT_ONLY = members(FORBIDDEN, secretariat=OK)
# Who may see a person of fund A, or one of fund A's memberships: fund A's people and the
# secretariat; everyone else must not learn that the person or membership exists.
FUND_PEOPLE = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK, secretariat=OK)
FUND_MANAGERS = members(
    HIDDEN, fund_viewer=FORBIDDEN, fund_editor=FORBIDDEN, fund_admin=OK, secretariat=OK
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
    Row("invitation_accept", everyone(OK), args=lambda w: ["matrix-invitation-token"]),
    Row("invitation_accept", everyone(HIDDEN), args=lambda w: ["not-a-real-token"]),
    Row("person_detail", FUND_PEOPLE, args=lambda w: [w.target_membership.user_id]),
    Row("api:list_parties", everyone(OK)),
    Row("api:get_party", everyone(OK), args=lambda w: [w.fund.slug]),
    Row("api:get_party", everyone(HIDDEN), args=lambda w: ["no-such-party"]),
    Row("api:list_people", members(OK)),
    Row("api:me", members(OK)),
    Row("api:get_person", FUND_PEOPLE, args=lambda w: [w.target_membership.user_id]),
]

__all__ = ["LOGIN", "ROWS"]
