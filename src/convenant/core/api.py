"""API building blocks shared by every app's router: authentication and error answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import APIKeyCookie, HttpBearer

from convenant.core import api_apps
from convenant.core.actions import authenticate_api_token
from convenant.core.models import ApiToken

T = TypeVar("T", bound=Model)
R = TypeVar("R")


# Methods that only read: a read-only token may call them.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cvn_…`` with a personal API token (for scripts), within the
    token's scope: its access (read only, or read and write) and its apps. ``app`` is the
    label of the app whose operation this instance guards, set when the API is built
    (``scope_tokens``), never taken from the request."""

    openapi_description = (
        "A personal API token, created on your account page. A token may be limited to "
        "reading and to some apps: outside its scope an operation answers 403."
    )

    def __init__(self, app: str | None = None) -> None:
        super().__init__()
        self.app = app

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_api_token(token)
        if found is None:
            return None
        if found.access != ApiToken.Access.WRITE and request.method not in READ_METHODS:
            raise HttpError(403, _("This token may only read."))
        if found.apps and self.app != api_apps.COMMON and self.app not in found.apps:
            # An operation of unknown app (None) is refused too: a scoped token fails closed.
            raise HttpError(403, _("This token is not for %(app)s.") % {"app": self.app})
        request.user = found.user
        return found.user


def _app_of(view_func: Callable[..., Any]) -> str:
    config = apps.get_containing_app_config(view_func.__module__)
    if config is None:
        raise RuntimeError(f"The API operation {view_func.__qualname__} is in no app.")
    return config.label


def scope_tokens(api: NinjaAPI) -> None:
    """Give every operation a TokenAuth that knows the operation's app: the app of the
    module of the function that answers it, fixed here, so no header, path or tag sent by
    the client can change it. Binds the routers (ninja clones each operation then): call
    once every router is added and its answers declared."""
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                app = _app_of(operation.view_func)
                api_apps.register(app)
                operation.auth_callbacks = [
                    TokenAuth(app) if isinstance(callback, TokenAuth) else callback
                    for callback in operation.auth_callbacks
                ]


class SessionAuth(APIKeyCookie):
    """The browser's session, with Django's CSRF protection on unsafe methods."""

    param_name = "sessionid"  # the scheme's name in the OpenAPI document

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session there is nothing for CSRF to protect: the caller is anonymous
        # and is answered 401, not 403 "CSRF check Failed". The cookie goes by its configured
        # name ("__Host-session" in production).
        cookie = settings.SESSION_COOKIE_NAME
        if cookie not in request.COOKIES:
            return None
        super()._get_key(request)  # the CSRF check
        return request.COOKIES[cookie]

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
    """Every error answer of the API: ``detail`` says what went wrong, for a person to read."""

    detail: str


class Problem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class InvalidInput(Error):
    """422: a parameter or the body does not fit the documented schema (``errors`` names
    each problem), or the request was understood but cannot be carried out as asked."""

    errors: list[Problem] = []


def invalid_input(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    """Ninja's validation errors in the documented ``InvalidInput`` shape: one readable
    sentence, and the problems one by one."""
    errors = [
        {
            "loc": [part for part in e.get("loc", ()) if isinstance(part, str | int)],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    where = ", ".join(
        ".".join(str(part) for part in e["loc"][1:] if part != "body") or "body" for e in errors[:5]
    )
    detail = f"Invalid input ({where}): {errors[0]['msg']}" if errors else "Invalid input."
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def declare_error_answers(api: NinjaAPI) -> None:
    """Every operation declares the errors it can answer, in the shape it answers them
    (so the OpenAPI document tells the truth, and a handler cannot answer an undeclared
    shape): 400 for input refused at the edge (core.middleware), 401 where a log-in is
    needed, 403 for a change sent with the session but no CSRF token, 404 for an object in
    the path, 413 for an oversized body, 422 for invalid
    parameters. Public operations declare no authentication (an anonymous caller sees
    what is public; a signed-in one may see more). Every operation may answer 403 to an API
    token outside its scope (read only, or for other apps). Call once the routers are
    added."""
    routers = [router for _prefix, router in api._routers]
    for router in routers:  # with the routers nested in them (an app's areas)
        routers.extend(child for _p, child, *_rest in router._routers if child not in routers)
    for router in routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                declared = operation.response_models
                public = operation.auth_param is PUBLIC
                # 403: a token outside its scope, or (below) a session without CSRF token
                errors: dict[int, type[Schema]] = {400: Error, 403: Error}
                if not public:
                    errors[401] = Error
                if "{" in path:
                    errors[404] = Error
                if set(operation.methods) & {"POST", "PUT", "PATCH"}:
                    errors[413] = Error
                if operation.models:
                    errors[422] = InvalidInput
                for status, schema in errors.items():
                    if status == 422 or status not in declared:
                        declared[status] = operation._create_response_model(schema)


class ConvenantAPI(NinjaAPI):
    """The API, whose OpenAPI document leaves authentication out of public operations."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        public = PublicOrAuthenticated.__name__
        for operations in schema["paths"].values():
            for operation in operations.values():
                if any(public in option for option in operation.get("security", [])):
                    del operation["security"]
        schema.get("components", {}).get("securitySchemes", {}).pop(public, None)
        return schema


# PostgreSQL's OFFSET is a bigint: a larger offset would fail in the database, not here.
MAX_OFFSET = 1_000_000_000


class Paging(LimitOffsetPagination):
    """``?limit=&offset=`` on every list (``NINJA_PAGINATION_CLASS``), both bounded and the
    bounds documented: a limit over API_PAGE_SIZE_MAX or an offset over MAX_OFFSET is
    answered 422, like any other invalid parameter."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.API_PAGE_SIZE_MAX,
            description=f"How many items (at most {settings.API_PAGE_SIZE_MAX}).",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=settings.API_PAGE_SIZE_MAX, **kwargs)


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
