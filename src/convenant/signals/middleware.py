"""Anonymity of the public intake, enforced before any other code sees the request.

On the intake's paths the middleware computes the throttle buckets (see ``throttle``) and
then removes from the request everything that identifies the reporter's connection or
browser: the address (also as forwarded by a proxy), the user agent, the languages and
other headers a fingerprint is built from. Nothing after it (views, logging, error reports,
Django's own 404/500 handling) can store what is no longer there. The response asks the
browser to send no referrer to another site and forbids every third-party resource.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from convenant.signals import throttle

INTAKE_PREFIX = "/report/"
# Headers that identify a connection or a browser, as they appear in request.META.
IDENTIFYING = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_USER_AGENT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_DNT",
    "HTTP_VIA",
)
SAFE_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder, never bound to


def client_address(request: HttpRequest) -> str:
    """The address a throttle bucket is made from: the connection's, or, behind a proxy
    that sets it (``SIGNALS_TRUST_X_FORWARDED_FOR``), the last address the proxy added; a
    client cannot choose its own bucket by sending the header itself."""
    if getattr(settings, "SIGNALS_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class AnonymousIntakeMiddleware:
    """Must come first in MIDDLEWARE, so that no other middleware reads the address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(INTAKE_PREFIX):
            return self.get_response(request)
        throttle.remember_client(request, client_address(request))
        for key in IDENTIFYING:
            request.META.pop(key, None)
        request.META["REMOTE_ADDR"] = SAFE_ADDRESS
        response = self.get_response(request)
        response.headers["Referrer-Policy"] = "same-origin"  # never to another site
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'"
        )
        response.headers["Cache-Control"] = "no-store"
        return response
