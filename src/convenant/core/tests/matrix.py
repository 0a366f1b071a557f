"""Permission-matrix rows for the core app's URLs."""

from convenant.core.testing import (
    ACTORS,
    FORBIDDEN,
    FORM_ERROR,
    HIDDEN,
    LOGIN,
    OK,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
    other_funds_data,
)

FUND_A = ("fund_viewer", "fund_editor", "fund_admin")


def extend_world(world: World) -> None:
    """Jobs: one the fund's editor queued, one of the fund's that failed, and a failed
    e-mail (no party: the secretariat follows it)."""
    from convenant.core.models import Job

    asked = {"created_by": world.users["fund_editor"], "party_id": world.fund.pk}
    world.extra["queued_job"] = Job.objects.create(kind="core.send_email", **asked)
    world.extra["failed_job"] = Job.objects.create(
        kind="core.send_email", state=Job.State.FAILED, **asked
    )
    world.extra["failed_email"] = Job.objects.create(
        kind="core.send_email", state=Job.State.FAILED, params={"to": "x@example.org"}
    )
    # The person the secretariat resets two-factor authentication for has an app to reset.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.target_membership.user, name="app", confirmed=True)


def fund_a_counts(world: World) -> list[str]:
    """Fund A's figures on the dashboard (in Dutch, the language the page answers in)."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("nl"):
        return [  # "1 " and not "1": not the start of "12"
            f"{gettext('Positions waiting for review')} 1 ",
            f"{gettext('Unread alerts for your fund')} 1 ",
        ]


def _in_dutch(message: str) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("nl"):
        return gettext(message)


# A fund's job: its people follow it, its editors (and who asked) act on it.
FUND_JOB = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK)
FUND_JOB_ACT = members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=REDIRECT, fund_admin=REDIRECT)
FUND_JOB_API_ACT = members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=OK, fund_admin=OK)

ROWS = [
    Row("home", everyone(REDIRECT, anonymous=OK)),
    # Health: public, the same for everyone, and saying nothing about anyone.
    Row("healthz", everyone(OK), absent=lambda w: ["@", "password"], absent_for=ACTORS),
    Row("readyz", everyone(OK), absent=lambda w: ["@", "password"], absent_for=ACTORS),
    # Counts and lists of the dashboard, search: never the other fund's confidential data
    # (the marker is in its proposed issuer, holdings, import, risks, alert and people).
    Row(
        "dashboard",
        members(OK),
        absent=other_funds_data,
        present=fund_a_counts,  # the other fund's position in review and alert not counted
        present_for=("fund_viewer", "fund_editor", "fund_admin"),
    ),
    Row("search", everyone(OK), query="q=Alfa"),
    Row(
        "search",
        everyone(OK),
        query="q=Beta",  # finds the other fund's proposal and people by words the page repeats
        absent=other_funds_data,
        absent_for=tuple(a for a in ACTORS if a not in ("other_fund", "secretariat")),
    ),
    Row(
        "search",
        everyone(OK),
        query="q=haven",  # finds the signal the other fund filed, still in triage
        absent=lambda w: ["Kraanvogel"],
        absent_for=("anonymous", "fund_viewer", "fund_editor", "fund_admin", "former"),
    ),
    Row("account", members(OK)),
    Row(
        "account",
        members(OK),
        method="post",
        data=lambda w: {"save_profile": "1", "full_name": "Nieuwe Naam", "language": "nl"},
    ),
    Row(
        "account",
        members(OK),
        method="post",
        data=lambda w: {
            "create_token": "1",
            "name": "Nachtelijke upload",
            "access": "write",
            "apps": ["portfolios"],
            "valid_days": "30",
        },
    ),
    # A token is revoked by its owner, or by the secretariat (a stolen laptop), which also
    # lists a person's tokens (never the secret); the owner's colleagues see the person only.
    Row(
        "token_revoke",
        members(HIDDEN, fund_viewer=REDIRECT, secretariat=REDIRECT),
        method="post",
        args=lambda w: [w.token.pk],
    ),
    Row(
        "token_revoke",
        members(HIDDEN, fund_viewer=REDIRECT, secretariat=REDIRECT),
        method="post",
        args=lambda w: [w.token.pk],
        data=lambda w: {"reason": "Laptop gestolen"},
    ),
    Row(
        "person_tokens",
        members(HIDDEN, secretariat=OK, **dict.fromkeys(FUND_A, FORBIDDEN)),
        args=lambda w: [w.token.user_id],
        present=lambda w: ["cvn_matr"],
    ),
    # Two-factor authentication. Nobody in the matrix world has an app (and the suite does
    # not require one), so the code step sends everyone on, and the steps that need an app
    # send them to set one up; core/tests/test_two_factor.py walks the writes themselves.
    Row("two_factor_verify", members(REDIRECT)),
    Row(
        "two_factor_verify",
        members(REDIRECT),
        method="post",
        data=lambda w: {"code": "000000"},
        writes=False,
    ),
    Row("two_factor_enrol", members(OK)),
    Row(
        "two_factor_enrol",
        members(FORM_ERROR),
        method="post",
        data=lambda w: {"code": "not-a-code"},
    ),
    Row("two_factor_codes", members(REDIRECT), method="post", writes=False),
    Row("two_factor_turn_off", members(REDIRECT), method="post", writes=False),
    # The secretariat resets someone else's (here: a fund's viewer with an app); the viewer's
    # colleagues see the person, not the reset.
    Row(
        "two_factor_reset",
        members(HIDDEN, secretariat=OK, **dict.fromkeys(FUND_A, FORBIDDEN)),
        args=lambda w: [w.target_membership.user_id],
    ),
    Row(
        "two_factor_reset",
        members(HIDDEN, secretariat=REDIRECT, **dict.fromkeys(FUND_A, FORBIDDEN)),
        method="post",
        args=lambda w: [w.target_membership.user_id],
        data=lambda w: {"reason": "Telefoon verloren"},
    ),
    # The secretariat reads the whole log, a party's administrators their party's events.
    # The other fund's judgement reason is its own: the secretariat sees that it happened.
    Row(
        "audit_log",
        members(FORBIDDEN, secretariat=OK, fund_admin=OK, other_fund=OK, union=OK),
        absent=other_funds_data,
        present=other_funds_data,
        present_for=("other_fund",),  # its own events, with their content
    ),
    # Searching the log keeps its policy: the other fund's judgement is not found by its
    # words for anyone but its own administrators, and a bad date is a message, not a 500.
    Row(
        "audit_log",
        members(FORBIDDEN, secretariat=OK, fund_admin=OK, other_fund=OK, union=OK),
        query="q=forced-labour",  # finds the other fund's risk judgement, for its own eyes
        absent=other_funds_data,
        present=other_funds_data,
        present_for=("other_fund",),
    ),
    Row(
        "audit_log",
        members(FORBIDDEN, secretariat=OK, fund_admin=OK, other_fund=OK, union=OK),
        query="since=not-a-date&who=nobody%40example.org",
        present=lambda w: [_in_dutch("Enter a valid date.")],
    ),
    Row(
        "audit_export",
        members(FORBIDDEN, secretariat=OK, fund_admin=OK, other_fund=OK, union=OK),
        method="post",
        data=lambda w: {"format": "csv"},
        absent=other_funds_data,
        present=other_funds_data,
        present_for=("other_fund",),
    ),
    Row(
        "audit_export",
        members(FORBIDDEN, secretariat=OK, fund_admin=OK, other_fund=OK, union=OK),
        method="post",
        data=lambda w: {"format": "xlsx", "q": "forced-labour"},
        absent=other_funds_data,
        present=other_funds_data,
        present_for=("other_fund",),
    ),
    # A person's data: their own from the account page; anyone's by the secretariat, with a
    # reason, from the person's page (the fund's people see the person, not these).
    # What a person did and wrote is theirs (core.privacy): in this world the fund's editor,
    # the secretariat and the committee wrote some of the other fund's records, so theirs
    # carry its marker; nobody else's export may.
    Row(
        "account_data_export",
        members(OK),
        method="post",
        absent=other_funds_data,
        absent_for=("anonymous", "fund_viewer", "fund_admin", "union", "former"),
        present=lambda w: ['"format": "convenant personal data export"'],
    ),
    Row(
        "person_data_export",
        members(HIDDEN, secretariat=OK, **dict.fromkeys(FUND_A, FORBIDDEN)),
        args=lambda w: [w.target_membership.user_id],
    ),
    Row(
        "person_data_export",
        members(HIDDEN, secretariat=OK, **dict.fromkeys(FUND_A, FORBIDDEN)),
        method="post",
        args=lambda w: [w.target_membership.user_id],
        data=lambda w: {"reason": "request for access of 3 May"},
        present=lambda w: ["target@example.org"],
    ),
    Row(
        "person_erase",
        members(HIDDEN, secretariat=OK, **dict.fromkeys(FUND_A, FORBIDDEN)),
        args=lambda w: [w.target_membership.user_id],
    ),
    Row(
        "person_erase",
        members(HIDDEN, secretariat=REDIRECT, **dict.fromkeys(FUND_A, FORBIDDEN)),
        method="post",
        args=lambda w: [w.target_membership.user_id],
        data=lambda w: {"reason": "request of 3 May", "confirm_email": "target@example.org"},
    ),
    Row(
        "job_list",
        members(OK),
        absent=other_funds_data,
        present=other_funds_data,
        present_for=("other_fund",),
    ),
    Row("job_detail", FUND_JOB, args=lambda w: [w.extra["queued_job"].pk]),
    Row("job_detail", members(HIDDEN, secretariat=OK), args=lambda w: [w.extra["failed_email"].pk]),
    Row("job_cancel", FUND_JOB_ACT, method="post", args=lambda w: [w.extra["queued_job"].pk]),
    Row("job_retry", FUND_JOB_ACT, method="post", args=lambda w: [w.extra["failed_job"].pk]),
    Row(
        "job_retry",
        members(HIDDEN, secretariat=REDIRECT),
        method="post",
        args=lambda w: [w.extra["failed_email"].pk],
    ),
    Row(
        "api:list_jobs",
        members(OK),
        absent=other_funds_data,
        present=other_funds_data,
        present_for=("other_fund",),
    ),
    Row("api:get_job", FUND_JOB, args=lambda w: [w.extra["queued_job"].pk]),
    Row(
        "api:cancel_job",
        FUND_JOB_API_ACT,
        method="post",
        args=lambda w: [w.extra["queued_job"].pk],
    ),
    Row(
        "api:retry_job",
        FUND_JOB_API_ACT,
        method="post",
        args=lambda w: [w.extra["failed_job"].pk],
    ),
    # Choosing a language or signing in and out changes no data of the covenant.
    Row("set_language", everyone(REDIRECT)),
    Row(
        "set_language",
        everyone(REDIRECT),
        method="post",
        data=lambda w: {"language": "en"},
        writes=False,
    ),
    Row("login", everyone(REDIRECT, anonymous=OK)),
    Row(
        "login",
        everyone(REDIRECT),
        method="post",
        data=lambda w: {"username": "fund_viewer@example.org", "password": "pw-test-12345"},
        writes=False,
    ),
    Row("logout", everyone(REDIRECT), method="post", writes=False),
    Row("password_change", members(OK)),
    Row(
        "password_change",
        members(REDIRECT),
        method="post",
        data=lambda w: {
            "old_password": "pw-test-12345",
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    ),
    Row("password_change_done", members(OK)),
    Row("password_reset", everyone(OK)),
    Row(
        "password_reset",
        everyone(REDIRECT),
        method="post",
        data=lambda w: {"email": "fund_viewer@example.org"},
        writes=False,  # it only sends an e-mail with a link
    ),
    Row("password_reset_done", everyone(OK)),
    Row("password_reset_confirm", everyone(OK), args=lambda w: ["MQ", "set-password"]),
    # Without the e-mailed link opened in this session the link is not valid: nothing changes.
    Row(
        "password_reset_confirm",
        everyone(OK),
        method="post",
        args=lambda w: ["MQ", "set-password"],
        data=lambda w: {
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
        writes=False,
    ),
    Row("password_reset_complete", everyone(OK)),
    Row("api:openapi-json", everyone(OK)),
    Row("api:openapi-view", everyone(OK)),
    Row("api:api-root", everyone(HIDDEN)),
]

__all__ = ["LOGIN", "ROWS"]
