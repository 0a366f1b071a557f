"""Permission-matrix rows for the core app's URLs."""

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


# A fund's job: its people follow it, its editors (and who asked) act on it.
FUND_JOB = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK)
FUND_JOB_ACT = members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=REDIRECT, fund_admin=REDIRECT)
FUND_JOB_API_ACT = members(HIDDEN, fund_viewer=FORBIDDEN, fund_editor=OK, fund_admin=OK)

ROWS = [
    Row("home", everyone(REDIRECT, anonymous=OK)),
    Row("dashboard", members(OK)),
    Row("search", everyone(OK), query="q=Alfa"),
    Row("account", members(OK)),
    Row(
        "token_revoke",
        members(HIDDEN, fund_viewer=REDIRECT),
        method="post",
        args=lambda w: [w.token.pk],
    ),
    # The secretariat reads the whole log, a party's administrators their party's events.
    Row(
        "audit_log",
        members(FORBIDDEN, secretariat=OK, fund_admin=OK, other_fund=OK, union=OK),
    ),
    Row("job_list", members(OK)),
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
    Row("api:list_jobs", members(OK)),
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
    Row("set_language", everyone(REDIRECT), method="post", data=lambda w: {"language": "en"}),
    Row("login", everyone(REDIRECT, anonymous=OK)),
    Row("logout", everyone(REDIRECT), method="post"),
    Row("password_change", members(OK)),
    Row("password_change_done", members(OK)),
    Row("password_reset", everyone(OK)),
    Row("password_reset_done", everyone(OK)),
    Row("password_reset_confirm", everyone(OK), args=lambda w: ["MQ", "set-password"]),
    Row("password_reset_complete", everyone(OK)),
    Row("api:openapi-json", everyone(OK)),
    Row("api:openapi-view", everyone(OK)),
    Row("api:api-root", everyone(HIDDEN)),
]

__all__ = ["LOGIN", "ROWS"]
