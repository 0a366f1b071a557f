"""Permission-matrix rows for the core app's URLs."""

from convenant.core.testing import FORBIDDEN, HIDDEN, LOGIN, OK, REDIRECT, Row, everyone, members

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
    Row("audit_log", members(FORBIDDEN, secretariat=OK)),
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
