"""The permission matrix: every URL × every actor, against the expected outcome. A URL without
a row fails the suite, so a new page cannot ship without saying who may open it."""

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from convenant.core.testing import ACTORS, HIDDEN, OK, Row, World, check_row, members, url_names


def matrix_modules() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if config.name.startswith("convenant."):
            try:
                modules.append(importlib.import_module(f"{config.name}.tests.matrix"))
            except ModuleNotFoundError:
                continue
    return modules


ROWS: list[Row] = [row for module in matrix_modules() for row in module.ROWS]


@pytest.fixture
def matrix_world(world: World) -> World:
    """The shared world plus what each app's matrix rows point at (``extend_world``)."""
    for module in matrix_modules():
        if hasattr(module, "extend_world"):
            module.extend_world(world)
    return world


def test_every_url_has_a_row() -> None:
    covered = {row.url_name for row in ROWS}
    missing = sorted(set(url_names()) - covered)
    assert not missing, f"URLs without a permission-matrix row: {missing}"


def test_every_row_names_every_actor() -> None:
    for row in ROWS:
        for actor in ACTORS:
            row.outcome_for(actor)  # raises KeyError when an actor is left out


CELLS = [(row, actor) for row in ROWS for actor in ACTORS]


@pytest.mark.parametrize(
    ("row", "actor"),
    CELLS,
    ids=[f"{r.method}:{r.url_name}#{ROWS.index(r)}:{a}" for r, a in CELLS],
)
def test_matrix(row: Row, actor: str, matrix_world: World) -> None:
    """One cell, on a fresh world: POST rows change state, so cells must not share it."""
    failure = check_row(row, actor, matrix_world)
    assert failure is None, failure


# --- The harness catches a view that bypasses the policy ---------------------------------


def leaky_person(request: HttpRequest, pk: int) -> HttpResponse:
    """What a careless view looks like: it reads a person without visible_to()."""
    from convenant.core.models import User

    return HttpResponse(User.objects.get(pk=pk).email)


def guarded_person(request: HttpRequest, pk: int) -> HttpResponse:
    from convenant.core import access
    from convenant.core.models import User

    if not request.user.is_authenticated:
        return HttpResponse(status=302, headers={"Location": "/login/"})
    return HttpResponse(access.get_visible_or_404(User, request.user, pk=pk).email)


urlpatterns = [
    path("leaky/<int:pk>/", leaky_person, name="leaky_person"),
    path("guarded/<int:pk>/", guarded_person, name="guarded_person"),
    path("", include("convenant.urls")),
]

PERSON_OF_FUND = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK, secretariat=OK)


@pytest.mark.urls(__name__)
def test_harness_catches_a_view_that_bypasses_the_policy(world: World) -> None:
    args = lambda w: [w.target_membership.user_id]  # noqa: E731
    leaky = Row("leaky_person", PERSON_OF_FUND, args=args)
    guarded = Row("guarded_person", PERSON_OF_FUND, args=args)

    leaks = [f for actor in ACTORS if (f := check_row(leaky, actor, world))]
    assert any("as other_fund: expected 404, got 200" in f for f in leaks), leaks
    assert any("as union: expected 404, got 200" in f for f in leaks), leaks
    guarded_failures = [check_row(guarded, actor, world) for actor in ACTORS]
    assert guarded_failures == [None] * len(ACTORS), guarded_failures
