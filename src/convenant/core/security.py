"""Hardening that Django's settings alone do not give: the security headers Django has no
setting for, idle and absolute session expiry, a maximum password length, and the deploy
checks that `convenant check --deploy` runs with production settings."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# --- Headers -------------------------------------------------------------------------------

# Features no page of convenant uses: a script that slipped in still cannot reach them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


class SecurityHeadersMiddleware:
    """Adds the Permissions-Policy header (Django has no setting for it) to every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# --- Sessions ------------------------------------------------------------------------------

# Seconds since the epoch, kept in the session: when the person logged in, and when the
# session was last seen in use (written at most once a minute, see below).
LOGGED_IN_AT = "_convenant_logged_in_at"
SEEN_AT = "_convenant_seen_at"
# Writing the session on every request would cost a write per page view; writing it at most
# once a minute makes the idle limit exact to within a minute.
SEEN_RESOLUTION = 60


@receiver(user_logged_in)
def _start_the_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """A log-in starts both clocks, also when the person logs in again in the same session.
    The stored session and its cookie end at the absolute limit; the idle limit is checked
    by the middleware, which can then tell the person why they were logged out."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGGED_IN_AT] = now
        request.session[SEEN_AT] = now
        request.session.set_expiry(
            datetime.datetime.fromtimestamp(now + settings.SESSION_MAX_AGE_SECONDS, datetime.UTC)
        )


class SessionExpiryMiddleware:
    """Ends a logged-in session unused for SESSION_IDLE_SECONDS, or older than
    SESSION_MAX_AGE_SECONDS since the log-in, whatever the browser keeps. The person lands
    where they would as a visitor (the log-in page for a page that needs it, 401 in the API)
    with a message that says why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        now = int(time.time())
        if SESSION_KEY in session:
            logged_in_at = session.get(LOGGED_IN_AT)
            seen_at = session.get(SEEN_AT)
            if logged_in_at is None or seen_at is None:
                # A session from before these limits: its clocks start now.
                session[LOGGED_IN_AT] = session[SEEN_AT] = now
                session.set_expiry(
                    datetime.datetime.fromtimestamp(
                        now + settings.SESSION_MAX_AGE_SECONDS, datetime.UTC
                    )
                )
            elif now - logged_in_at > settings.SESSION_MAX_AGE_SECONDS:
                self._end(
                    request,
                    _("You were logged out: a session lasts at most %(hours)s.")
                    % {"hours": _hours(settings.SESSION_MAX_AGE_SECONDS)},
                )
            elif now - seen_at > settings.SESSION_IDLE_SECONDS:
                self._end(
                    request,
                    _("You were logged out after %(minutes)s without activity.")
                    % {"minutes": _minutes(settings.SESSION_IDLE_SECONDS)},
                )
            elif now - seen_at >= SEEN_RESOLUTION:
                session[SEEN_AT] = now  # the one write of the session in a minute of use
        return self.get_response(request)

    @staticmethod
    def _end(request: HttpRequest, message: str) -> None:
        logout(request)
        messages.info(request, message)


def _minutes(seconds: int) -> str:
    minutes = max(1, seconds // 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _hours(seconds: int) -> str:
    if seconds % 3600:
        return _minutes(seconds)
    hours = seconds // 3600
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


# --- Passwords -----------------------------------------------------------------------------


class MaximumLengthValidator:
    """A password longer than this is refused, so that nobody can make the server hash
    megabytes at every log-in attempt."""

    def __init__(self, max_length: int = 256) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long: it may have at most %(max_length)d character.",
                    "This password is too long: it may have at most %(max_length)d characters.",
                    self.max_length,
                )
                % {"max_length": self.max_length},
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password may have at most %(max_length)d character.",
            "Your password may have at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}


# --- Deploy checks -------------------------------------------------------------------------

# Mail backends that never deliver: fine for the demo and the tests, not for invitations and
# password resets in production.
DEBUG_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.security, deploy=True)
def check_base_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Links in e-mails (invitations, password resets) carry secrets: never over plain HTTP."""
    if settings.BASE_URL.startswith("https://"):
        return []
    return [
        Error(
            f"BASE_URL is {settings.BASE_URL!r}: it must start with https://, since the links "
            "convenant e-mails (invitations, password resets) carry secret tokens.",
            hint="Set BASE_URL to the site's https:// address.",
            id="convenant.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_background_jobs(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.CELERY_BROKER_URL:
        return []
    return [
        Error(
            "CELERY_BROKER_URL is not set: background jobs (mail, imports, reports) would run "
            "inside web requests.",
            hint="Set CELERY_BROKER_URL, e.g. redis://localhost:6379/0, and run a worker.",
            id="convenant.E002",
        )
    ]


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.CACHE_URL:
        return []
    return [
        Warning(
            "CACHE_URL is not set: each process keeps its own cache, so the log-in and intake "
            "throttles count per process and an attacker gets as many tries as there are "
            "workers.",
            hint="Set CACHE_URL to a Redis shared by every web process, e.g. "
            "redis://localhost:6379/1.",
            id="convenant.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_hsts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    seconds = getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0
    if seconds >= 60 * 60 * 24 * 365 and getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False):
        return []
    return [
        Warning(
            "HSTS is off or shorter than a year (SECURE_HSTS_SECONDS), or leaves out "
            "subdomains: a browser may still be led to the site over plain HTTP.",
            hint="Leave SECURE_HSTS_SECONDS unset (one year) in production.",
            id="convenant.W002",
        )
    ]


@register(Tags.security, deploy=True)
def check_email_backend(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.EMAIL_BACKEND not in DEBUG_EMAIL_BACKENDS:
        return []
    return [
        Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}, which delivers no mail: invitations "
            "and password resets would never arrive.",
            hint="Leave EMAIL_BACKEND unset and set EMAIL_HOST (SMTP).",
            id="convenant.E003",
        )
    ]
