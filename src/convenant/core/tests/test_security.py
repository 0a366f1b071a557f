"""Hardening: the Content Security Policy and the other security headers on every kind of
answer, no inline script or style in any template a browser is served, sessions that end
when idle or old, the deploy checks, and the password policy."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convenant.core import security
from convenant.core.testing import World
from convenant.core.tests.test_settings import PRODUCTION, run_check

SRC = Path(__file__).resolve().parents[2]  # src/convenant

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


# --- No inline script or style -------------------------------------------------------------

# Printed by WeasyPrint into PDFs (or, for the monitoring report, also offered as a standalone
# HTML file to download, Content-Disposition: attachment): never rendered as a page of the
# site, so their <style> elements meet no Content Security Policy.
DOCUMENT_ONLY_TEMPLATES = {
    "engagement/templates/engagement/cases/communication/report_print.html",
    "governance/templates/governance/annual_pack_print.html",
    "governance/templates/governance/decision_print.html",
    "reporting/templates/reporting/report/print.html",
    "toolkit/templates/toolkit/texts/diff_print.html",
    "toolkit/templates/toolkit/texts/version_print.html",
}
INLINE = {
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "an on…= event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "a style= attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "a javascript: link": re.compile(r"javascript:", re.I),
}


def _templates() -> list[Path]:
    return sorted(p for p in SRC.glob("*/templates/**/*.html"))


def test_no_template_served_to_a_browser_has_inline_script_or_style() -> None:
    templates = _templates()
    assert len(templates) > 100  # the glob found the apps' templates
    found = []
    for path in templates:
        name = path.relative_to(SRC).as_posix()
        if name in DOCUMENT_ONLY_TEMPLATES:
            continue
        text = path.read_text()
        found += [f"{name}: {what}" for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, "\n".join(found)


def test_the_document_only_templates_exist_and_are_only_printed() -> None:
    """The exemptions above stay true: each template exists, and no view renders it as a
    page (the code that names it hands it to WeasyPrint or a download)."""
    for name in DOCUMENT_ONLY_TEMPLATES:
        assert (SRC / name).exists(), name
        template = name.split("/templates/", 1)[1]
        users = [
            p
            for p in SRC.rglob("*.py")
            if "tests" not in p.parts and f'"{template}"' in p.read_text()
        ]
        assert users, template
        for path in users:
            assert "render(" not in _lines_naming(path.read_text(), template), (path, template)


def _lines_naming(text: str, template: str) -> str:
    lines = text.splitlines()
    return "\n".join(
        lines[max(0, i - 2)] + lines[i] for i, line in enumerate(lines) if template in line
    )


def test_no_python_code_builds_html_with_inline_script_or_style() -> None:
    """Charts and maps built in Python use SVG presentation attributes (fill=, stroke=),
    which the policy allows, never style= or <style>."""
    pattern = re.compile(r"""['"][^'"\n]*(<style\b|<script\b|\sstyle=|\son[a-z]+=)""", re.I)
    found = [
        f"{p.relative_to(SRC)}: {m.group(0)}"
        for p in SRC.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts
        for m in pattern.finditer(p.read_text())
    ]
    assert not found, "\n".join(found)


# --- Headers -------------------------------------------------------------------------------


def _assert_hardened(response) -> None:
    # Exactly these directives (django-csp writes them in an order of its own).
    assert _directives(response["Content-Security-Policy"]) == _directives(CSP)
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_page_carries_the_policy_exactly(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    _assert_hardened(response)
    assert response["X-Frame-Options"] == "DENY"
    assert _directives(CSP)["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_a_logged_in_page_carries_the_policy(world: World) -> None:
    client = Client()
    client.force_login(world.users["fund_editor"])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    _assert_hardened(response)


@pytest.mark.django_db
def test_the_api_carries_the_policy(world: World) -> None:
    response = Client().get(reverse("api:openapi-json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    _assert_hardened(response)
    # An API call refused for want of a token is an answer like any other.
    refused = Client().get(reverse("api:list_jobs"))
    assert refused.status_code == 401
    _assert_hardened(refused)


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_error_pages_carry_the_policy(world: World) -> None:
    # Production's own 404 page (in DEBUG, Django's technical pages go without a policy).
    missing = Client().get("/no-such-page/")
    assert missing.status_code == 404
    _assert_hardened(missing)
    # A person who may not do something: 403.
    client = Client()
    client.force_login(world.users["fund_viewer"])
    refused = client.get(reverse("audit_log"))
    assert refused.status_code in {403, 404}
    _assert_hardened(refused)


@pytest.mark.django_db
def test_a_refused_form_gets_a_page_of_ours(world: World) -> None:
    """Django's own page for a form without its CSRF token has an inline style."""
    client = Client(enforce_csrf_checks=True)
    client.cookies.load({"convenant_language": "en"})
    response = client.post(
        reverse("login"), {"username": "fund_editor@example.org", "password": "pw-test-12345"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form was not accepted" in html and "Nothing was changed" in html
    assert "<style" not in html
    _assert_hardened(response)


def test_htmx_is_configured_not_to_inject_styles_or_evaluate_code() -> None:
    base = (SRC / "core/templates/base.html").read_text()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", base)
    assert meta, "base.html configures htmx"
    import json

    assert json.loads(meta.group(1)) == {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "allowScriptTags": False,
    }
    css = (SRC / "core/static/convenant/convenant.css").read_text()
    assert ".htmx-indicator" in css  # the indicator htmx no longer styles itself


# --- Production settings: HSTS, cookies ----------------------------------------------------

PRODUCTION_ENV = {**PRODUCTION, "CACHE_URL": "redis://localhost:6379/1"}  # complete already


def _production_settings(*names: str, env: dict[str, str] | None = None) -> list[str]:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print('\\n'.join(repr(getattr(settings, n)) for n in {list(names)!r}))"
    )
    unsafe = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    import os

    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in unsafe}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **(env or PRODUCTION_ENV)},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_production_cookies_and_hsts() -> None:
    values = dict(
        zip(
            names := [
                "SECURE_HSTS_SECONDS",
                "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                "SESSION_COOKIE_SECURE",
                "SESSION_COOKIE_HTTPONLY",
                "SESSION_COOKIE_SAMESITE",
                "SESSION_COOKIE_NAME",
                "CSRF_COOKIE_SECURE",
                "CSRF_COOKIE_SAMESITE",
                "CSRF_COOKIE_NAME",
                "SESSION_ENGINE",
                "SECURE_CROSS_ORIGIN_OPENER_POLICY",
            ],
            _production_settings(*names),
            strict=True,
        )
    )
    assert values == {
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
        "SESSION_COOKIE_SECURE": "True",
        "SESSION_COOKIE_HTTPONLY": "True",
        "SESSION_COOKIE_SAMESITE": "'Lax'",
        "SESSION_COOKIE_NAME": "'__Host-session'",
        "CSRF_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SAMESITE": "'Lax'",
        "CSRF_COOKIE_NAME": "'__Host-csrftoken'",
        "SESSION_ENGINE": "'django.contrib.sessions.backends.cached_db'",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "'same-origin'",
    }


@pytest.mark.django_db
@override_settings(SESSION_COOKIE_NAME="__Host-session", CSRF_COOKIE_NAME="__Host-csrftoken")
def test_the_api_knows_the_session_cookie_by_its_production_name(world: World) -> None:
    """The pages' scripts (a submission's autosave) call the API with the session."""
    client = Client()
    client.force_login(world.users["fund_editor"])
    assert "__Host-session" in client.cookies
    assert client.get(reverse("api:list_jobs")).status_code == 200
    assert Client().get(reverse("api:list_jobs")).status_code == 401


def test_without_a_shared_cache_sessions_stay_in_the_database() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CACHE_URL"}
    assert _production_settings("SESSION_ENGINE", env=env) == [
        "'django.contrib.sessions.backends.db'"
    ]


# --- Deploy checks -------------------------------------------------------------------------


def test_deploy_check_is_clean_with_production_settings() -> None:
    result = run_check(PRODUCTION_ENV, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_on_a_plain_http_base_url() -> None:
    result = run_check(
        {**PRODUCTION_ENV, "BASE_URL": "http://convenant.example.org"},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "convenant.E001" in result.stderr and "BASE_URL" in result.stderr


def test_deploy_check_warns_without_a_shared_cache() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CACHE_URL"}
    result = run_check(env, "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "convenant.W001" in result.stderr and "CACHE_URL" in result.stderr


@override_settings(DEBUG=False, CELERY_BROKER_URL="")
def test_deploy_check_without_a_broker() -> None:
    [error] = security.check_background_jobs()
    assert error.id == "convenant.E002" and "CELERY_BROKER_URL" in error.msg


@override_settings(SECURE_HSTS_SECONDS=0, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_deploy_check_with_hsts_off() -> None:
    [warning] = security.check_hsts()
    assert warning.id == "convenant.W002"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_deploy_check_with_hsts_on() -> None:
    assert security.check_hsts() == []


@pytest.mark.parametrize("backend", ["console", "locmem", "dummy", "filebased"])
def test_deploy_check_with_a_mail_backend_that_delivers_nothing(backend: str) -> None:
    with override_settings(
        DEBUG=False, EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend"
    ):
        [error] = security.check_email_backend()
    assert error.id == "convenant.E003"
    with override_settings(
        DEBUG=False, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"
    ):
        assert security.check_email_backend() == []


# --- Sessions ------------------------------------------------------------------------------


def _logged_in(world: World) -> Client:
    client = Client()
    client.cookies.load({"convenant_language": "en"})
    response = client.post(
        reverse("login"), {"username": "fund_editor@example.org", "password": "pw-test-12345"}
    )
    assert response.status_code == 302, response.content
    return client


def _move_clock(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] -= seconds
    session.save()


@pytest.mark.django_db
def test_the_session_cookie_lasts_until_the_absolute_limit(world: World, settings) -> None:
    client = Client()
    response = client.post(
        reverse("login"), {"username": "fund_editor@example.org", "password": "pw-test-12345"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (
        settings.SESSION_MAX_AGE_SECONDS - 5
        <= int(cookie["max-age"])
        <= (settings.SESSION_MAX_AGE_SECONDS)
    )
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_an_idle_session_ends_with_a_message(world: World, settings) -> None:
    client = _logged_in(world)
    assert client.get(reverse("dashboard")).status_code == 200

    _move_clock(client, security.SEEN_AT, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"])
    assert "You were logged out after 30 minutes without activity." in page.content.decode()
    # Logged out for good: the next request is a visitor's too.
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db
def test_a_session_in_use_lives_on(world: World, settings) -> None:
    client = _logged_in(world)
    # Used a little less than the idle time ago: still logged in, and the clock moves on.
    _move_clock(client, security.SEEN_AT, settings.SESSION_IDLE_SECONDS - 5)
    _move_clock(client, security.LOGGED_IN_AT, settings.SESSION_IDLE_SECONDS - 5)
    assert client.get(reverse("dashboard")).status_code == 200
    _move_clock(client, security.SEEN_AT, 10)
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_session_ends_at_the_absolute_limit_however_busy(world: World, settings) -> None:
    client = _logged_in(world)
    _move_clock(client, security.LOGGED_IN_AT, settings.SESSION_MAX_AGE_SECONDS + 1)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "You were logged out: a session lasts at most 12 hours." in page.content.decode()


@pytest.mark.django_db
@override_settings(SESSION_IDLE_SECONDS=120)
def test_the_idle_time_is_a_setting(world: World) -> None:
    client = _logged_in(world)
    _move_clock(client, security.SEEN_AT, 100)
    assert client.get(reverse("dashboard")).status_code == 200
    _move_clock(client, security.SEEN_AT, 121)
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db
def test_the_session_is_written_at_most_once_a_minute(world: World) -> None:
    client = _logged_in(world)
    client.get(reverse("dashboard"))
    seen = client.session[security.SEEN_AT]

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get(reverse("dashboard")).status_code == 200
    writes = [
        q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]
    ]
    assert writes == []
    assert client.session[security.SEEN_AT] == seen

    # A minute later, the next request moves the clock (one write).
    _move_clock(client, security.SEEN_AT, security.SEEN_RESOLUTION)
    moved_back = client.session[security.SEEN_AT]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    writes = [
        q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]
    ]
    assert len(writes) == 1
    assert client.session[security.SEEN_AT] >= moved_back + security.SEEN_RESOLUTION


@pytest.mark.django_db
def test_a_session_from_before_the_limits_gets_its_clocks(world: World) -> None:
    client = _logged_in(world)
    session = client.session
    del session[security.SEEN_AT]
    del session[security.LOGGED_IN_AT]
    session.save()
    assert client.get(reverse("dashboard")).status_code == 200
    assert security.SEEN_AT in client.session and security.LOGGED_IN_AT in client.session


# --- Passwords -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_policy(world: World, settings) -> None:
    user = world.users["fund_editor"]
    with pytest.raises(ValidationError) as short:
        validate_password("kite-lamp-9", user=user)  # 11 characters
    assert "at least 12 characters" in " ".join(short.value.messages)
    validate_password("kite-lamp-93", user=user)  # 12: accepted
    validate_password("k" + "ite-lamp-93" * 23, user=user)  # 254: accepted
    with pytest.raises(ValidationError) as long:
        validate_password("kite-lamp-93" * 22, user=user)  # 264 characters
    assert "at most 256 characters" in " ".join(long.value.messages)
    with pytest.raises(ValidationError):
        validate_password("123456789012345", user=user)  # only digits
    with pytest.raises(ValidationError):
        validate_password("qwerty123456", user=user)  # common


def test_the_minimum_length_is_a_setting() -> None:
    env = {**PRODUCTION_ENV, "PASSWORD_MIN_LENGTH": "16"}
    [validators] = _production_settings("AUTH_PASSWORD_VALIDATORS", env=env)
    assert "'min_length': 16" in validators and "'max_length': 256" in validators


def _shows_policy(html: str) -> None:
    assert "at least 12 characters" in html, html
    assert "at most 256 characters" in html


@pytest.mark.django_db
def test_every_set_password_form_shows_the_policy(world: World) -> None:
    # Changing one's password.
    client = Client()
    client.cookies.load({"convenant_language": "en"})
    client.force_login(world.users["fund_editor"])
    _shows_policy(client.get(reverse("password_change")).content.decode())

    # Choosing one through the e-mailed reset link.
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = world.users["fund_viewer"]
    link = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    visitor = Client()
    visitor.cookies.load({"convenant_language": "en"})
    form = visitor.get(link, follow=True)
    _shows_policy(form.content.decode())

    # Choosing one when accepting an invitation.
    invitee = Client()
    invitee.cookies.load({"convenant_language": "en"})
    page = invitee.get(reverse("invitation_link", args=["matrix-invitation-token"]), follow=True)
    assert "Create your account" in page.content.decode()
    _shows_policy(page.content.decode())
