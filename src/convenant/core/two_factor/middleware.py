"""Sends a signed-in person who still owes a code (or must enrol first) to that step before
anything else; the API answers such a session 403 with a message instead."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from convenant.core import two_factor

# What a person who owes a code may still reach: the steps themselves, log-out, language.
ALLOWED_URL_NAMES = frozenset(
    {
        "two_factor_verify",
        "two_factor_enrol",
        "two_factor_codes",
        "logout",
        "set_language",
    }
)
ALLOWED_PREFIXES = ("/healthz", "/readyz", "/favicon.ico")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        answer = self._intercept(request)
        return answer if answer is not None else self.get_response(request)

    def _intercept(self, request: HttpRequest) -> HttpResponse | None:
        # Anonymous, or a session whose step is done: decided from the session alone.
        session = getattr(request, "session", None)
        if session is None or AUTH_SESSION_KEY not in session:
            return None
        if session.get(two_factor.SESSION_KEY) == two_factor.OK:
            return None
        path = request.path_info
        if path.startswith((settings.STATIC_URL, *ALLOWED_PREFIXES)):
            return None
        if not request.user.is_authenticated:
            return None
        state = two_factor.session_state(request)
        if state == two_factor.OK:
            return None
        if path.startswith("/api/"):
            if "HTTP_AUTHORIZATION" in request.META:
                # A token speaks for itself; this session does not count beside it.
                request.user = AnonymousUser()
                return None
            message = (
                _("Give the code from your authenticator app on the website first.")
                if state == two_factor.VERIFY
                else _("Set up two-factor authentication on the website first.")
            )
            return JsonResponse({"detail": message}, status=403)
        try:
            name = resolve(path).url_name
        except Resolver404:
            name = None
        if name in ALLOWED_URL_NAMES:
            # The step's own pages: no menu or search, whose links would only lead back here.
            request.two_factor_pending = True  # type: ignore[attr-defined]
            return None
        target = "two_factor_verify" if state == two_factor.VERIFY else "two_factor_enrol"
        if request.headers.get("HX-Request"):
            # A partial update would swap the step into a fragment: htmx loads it whole.
            return HttpResponse(status=204, headers={"HX-Redirect": reverse(target)})
        response = redirect(target)
        if request.method == "GET":
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
