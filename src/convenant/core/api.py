"""API building blocks shared by every app's router: authentication and error answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.security import APIKeyCookie, HttpBearer

from convenant.core.actions import authenticate_api_token

T = TypeVar("T", bound=Model)
R = TypeVar("R")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cvn_…`` with a personal API token (for scripts)."""

    openapi_description = "A personal API token, created on your account page."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_api_token(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session, with Django's CSRF protection on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class PublicOrAuthenticated(SessionAuth):
    """For public endpoints: a signed-in caller is recognised (to see more), an anonymous one
    is let through (to see what is public)."""

    def __call__(self, request: HttpRequest) -> Any:
        return super().__call__(request) or True


AUTHENTICATED = [TokenAuth(), SessionAuth()]
PUBLIC = [TokenAuth(), PublicOrAuthenticated()]


class Error(Schema):
    detail: str


class Converted(Generic[T, R]):
    """A queryset whose rows are converted one page at a time: ninja's paginator counts it
    in the database and slices it there, and only the page's rows are converted (e.g. to
    what one reader may see)."""

    def __init__(self, queryset: QuerySet[T], convert: Callable[[list[T]], list[R]]) -> None:
        self.queryset, self.convert = queryset, convert

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list[R]:
        return self.convert(list(self.queryset[window]))
