"""Request middleware of convenant."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from psycopg_pool import PoolTimeout


class PreferredLanguageMiddleware:
    """Activates the language chosen with the language switch (a cookie), else the covenant's
    default (Dutch for IMVB). The browser's Accept-Language is deliberately ignored: the
    covenant works in its own language unless a person chooses another."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# --- The edge: input no view should have to defend itself against ----------------------------

API_PREFIX = "/api/"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


class RejectedInput(BadRequest):
    """Input refused at the edge, with the reason a person (or a script) can act on."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _nul_message() -> str:
    return gettext(
        "The request contains a NUL character (code 0), which no text in convenant may "
        "contain. Remove it and try again."
    )


def _too_big_message() -> str:
    return gettext(
        "The request is too large: at most %(limit)s bytes are accepted outside file uploads."
    ) % {"limit": number_format(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, force_grouping=True)}


def _too_many_message() -> str:
    return gettext("The request has more fields or files than convenant accepts.")


def _busy_message() -> str:
    return gettext("convenant is very busy right now. Please try again in a few seconds.")


def _strings(data: Any) -> Iterator[str]:
    """Every key and string value in parsed JSON, without recursion (deep nesting is legal)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from (k for k in item if isinstance(k, str))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _check_texts(texts: Iterable[str]) -> None:
    for text in texts:
        if "\x00" in text:
            raise RejectedInput(_nul_message())
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
            raise RejectedInput(
                gettext(
                    "The request contains text that is not valid Unicode (a lone surrogate "
                    "such as \\ud800). Send text as UTF-8."
                )
            ) from None


def _clean(text: str) -> bool:
    try:
        _check_texts([text])
    except RejectedInput:
        return False
    return True


def _check_querydict(data: Any) -> None:
    _check_texts(k for k in data)
    _check_texts(v for _key, values in data.lists() for v in values if isinstance(v, str))


def _check_body(request: HttpRequest) -> None:
    """The body of a request that is not a file upload: within the size limit, and without
    text PostgreSQL cannot store (a form's fields, or a JSON document's strings)."""
    length = request.META.get("CONTENT_LENGTH") or ""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length.isdigit() and int(length) > limit:
        raise RejectedInput(_too_big_message(), status=413)
    try:
        body = request.body
    except RequestDataTooBig:
        raise RejectedInput(_too_big_message(), status=413) from None
    if not body:
        return
    if request.content_type == FORM:
        _check_querydict(request.POST)
        return
    # The API reads any body as JSON, whatever its declared type: check what it would read.
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return  # not JSON: the view answers it (the API with 400 "Cannot parse request body")
    _check_texts(_strings(data))


def _check_upload_fields(request: HttpRequest) -> None:
    """A file upload is parsed by the view itself (which sets its own upload handlers, see
    signals.views), so its text fields are checked as soon as they are parsed."""
    load = request._load_post_and_files

    def load_and_check() -> None:
        try:
            load()
        except RequestDataTooBig:
            raise RejectedInput(_too_big_message(), status=413) from None
        _check_querydict(request._post)  # type: ignore[attr-defined]
        files = request._files.lists()  # type: ignore[attr-defined]
        _check_texts(f.name or "" for _key, uploads in files for f in uploads)

    request._load_post_and_files = load_and_check  # type: ignore[method-assign]


def reject(
    request: HttpRequest, message: str, status: int = 400, *, session: bool = True
) -> HttpResponse:
    """The answer to refused input: JSON (the API's ``Error`` shape) or the 400 page, which
    shows who is logged in as every page does, unless the session cookie itself was refused."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=status)
    if not session:
        request.user = AnonymousUser()
    elif not hasattr(request, "user"):
        request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]
    context = {"message": message, "status": status}
    return render(request, "400.html", context, status=status)


class RequestGuardMiddleware:
    """Refuses, before any view, form or query sees it, input that cannot be handled: a NUL
    character in the path, the query string, a cookie or a form field (PostgreSQL cannot
    store it), text that is not valid Unicode in a JSON body, and a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE outside file uploads (413). The answer is 400 or 413 with a
    clear message: JSON under /api/, the 400 page elsewhere.

    Comes after the session and language middleware (the page is in the reader's language)
    and before CSRF, which reads form fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad_cookies = [name for name, value in request.COOKIES.items() if not _clean(name + value)]
        if bad_cookies:
            # Not read (it could name a session) and removed, so the browser is not stuck.
            response = reject(request, _nul_message(), session=False)
            for name in bad_cookies:
                response.delete_cookie(name)
            return response
        try:
            if "\x00" in request.path or "\x00" in request.path_info:
                raise RejectedInput(_nul_message())
            _check_querydict(request.GET)
            if request.content_type == MULTIPART:
                _check_upload_fields(request)
            elif request.method not in ("GET", "HEAD", "OPTIONS"):
                _check_body(request)
        except RejectedInput as refused:
            return reject(request, refused.message, refused.status)
        except (TooManyFieldsSent, TooManyFilesSent):
            return reject(request, _too_many_message())
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        """CSRF reads an upload's fields before the view does, unless the view is exempt
        (and then sets its own upload handlers): read them here first, so that refused
        fields get this answer rather than an error raised inside CSRF."""
        if (
            request.method == "POST"
            and request.content_type == MULTIPART
            and not getattr(view, "csrf_exempt", False)
        ):
            try:
                request.POST  # noqa: B018 - parses and checks the fields
            except RejectedInput as refused:
                return reject(request, refused.message, refused.status)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """An upload's fields are checked when the view parses them."""
        if isinstance(exception, RejectedInput):
            return reject(request, exception.message, exception.status)
        if isinstance(exception, RequestDataTooBig):
            return reject(request, _too_big_message(), 413)
        if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
            return reject(request, _too_many_message())
        if isinstance(exception, OperationalError) and isinstance(exception.__cause__, PoolTimeout):
            # Every pooled connection stayed busy for DATABASE_POOL_TIMEOUT: a burst, not a
            # fault. The pool is intact, so the next request is served again.
            response = reject(request, _busy_message(), 503, session=False)
            response["Retry-After"] = "5"
            return response
        return None
