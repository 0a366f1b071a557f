"""The permission matrix: every URL × every actor, against the expected outcome. A URL without
a row fails the suite, so a new page cannot ship without saying who may open it."""

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, reverse
from django.utils import translation

from convenant.core.testing import (
    ACTORS,
    CREATED,
    FORBIDDEN,
    HIDDEN,
    OK,
    REDIRECT,
    Row,
    World,
    accepted_methods,
    api_operations,
    build_world,
    check_row,
    client_for,
    everyone,
    members,
    other_funds_data,
    url_names,
)


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

# Every test here reads the database (and so has pytest-django create the test database).
pytestmark = pytest.mark.django_db


def _testcase_atomic() -> Any:
    """An atomic block that actions' durable blocks may nest in, as in Django's TestCase."""
    block = transaction.atomic()
    block._from_testcase = True  # type: ignore[attr-defined]
    return block


@pytest.fixture(scope="module")
def shared_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once for the whole matrix in a transaction that is rolled back at
    the end: each cell then runs in a savepoint of its own (``matrix_world``), so the suite
    pays for the world once rather than once per cell."""
    with django_db_blocker.unblock(), translation.override("en"):
        block = _testcase_atomic()
        block.__enter__()
        try:
            world = build_world()
            for module in matrix_modules():
                if hasattr(module, "extend_world"):
                    module.extend_world(world)
            yield world
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def matrix_world(shared_world: World, django_db_blocker: Any) -> Iterator[World]:
    """The shared world, in a savepoint rolled back after the cell: POST rows change state,
    so cells must not see each other's changes. Files and the cache live outside the
    database: the world's files are written again and the cache emptied."""
    with django_db_blocker.unblock():
        block = _testcase_atomic()
        block.__enter__()
        try:
            cache.clear()  # throttles (intake, log-in) count per process
            for file_path, text in shared_world.files:
                file_path.parent.mkdir(parents=True, exist_ok=True)
                file_path.write_text(text)
            yield shared_world
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


def test_every_url_has_a_row() -> None:
    covered = {row.url_name for row in ROWS}
    missing = sorted(set(url_names()) - covered)
    assert not missing, f"URLs without a permission-matrix row: {missing}"


PROBE_PREFERENCE = {OK: 0, REDIRECT: 1, CREATED: 1, 202: 1, FORBIDDEN: 2}


def test_every_method_a_url_accepts_has_a_row(matrix_world: World) -> None:
    """A row per (URL, method): API operations declare their methods; every other view is
    asked (``accepted_methods``), at a URL of one of its rows, by an actor who gets through."""
    covered = {(row.url_name, row.method.upper()) for row in ROWS}
    operations = api_operations()
    required = set(operations)
    api_names = {name for name, _method in operations}
    for name in sorted({row.url_name for row in ROWS} - api_names):
        rows = [row for row in ROWS if row.url_name == name]
        cells = [(r, a) for r in rows for a in ACTORS]
        # Someone who gets a page, else someone who gets through at all.
        row, actor = min(cells, key=lambda c: PROBE_PREFERENCE.get(c[0].outcome_for(c[1]), 9))
        url = reverse(name, args=row.args(matrix_world))
        required.update((name, m) for m in accepted_methods(url, client_for(actor, matrix_world)))
    missing = sorted(required - covered)
    assert not missing, f"(URL, method) without a permission-matrix row: {missing}"


def test_every_row_names_every_actor() -> None:
    for row in ROWS:
        for actor in ACTORS:
            row.outcome_for(actor)  # raises KeyError when an actor is left out


def test_every_row_with_arguments_reaches_its_object() -> None:
    """A row that points at an object lets someone through to it; otherwise it proves only
    that a missing object is missing (then it says so)."""
    unreached = [
        f"{row.method}:{row.url_name}#{i}"
        for i, row in enumerate(ROWS)
        if row.args is not Row.args and not row.missing and not row.reaches()
    ]
    assert not unreached, f"rows whose object nobody reaches (say missing=True?): {unreached}"


CELLS = [(row, actor) for row in ROWS for actor in ACTORS]


@pytest.mark.parametrize(
    ("row", "actor"),
    CELLS,
    ids=[f"{r.method}:{r.url_name}#{ROWS.index(r)}:{a}" for r, a in CELLS],
)
def test_matrix(row: Row, actor: str, matrix_world: World) -> None:
    """One cell, in its own savepoint of the shared world."""
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


def leaky_people(request: HttpRequest) -> HttpResponse:
    """A careless list: everyone's name, whoever asks."""
    from convenant.core.models import User

    people = User.objects.unrestricted("the careless example").order_by("pk")
    return HttpResponse(", ".join(p.full_name for p in people))


def pretend_save(request: HttpRequest) -> HttpResponse:
    """A form that says it saved and did nothing."""
    return HttpResponse(status=302, headers={"Location": "/"})


urlpatterns = [
    path("leaky/<int:pk>/", leaky_person, name="leaky_person"),
    path("guarded/<int:pk>/", guarded_person, name="guarded_person"),
    path("leaky-people/", leaky_people, name="leaky_people"),
    path("pretend-save/", pretend_save, name="pretend_save"),
    path("", include("convenant.urls")),
]

PERSON_OF_FUND = members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK, secretariat=OK)


@pytest.mark.urls(__name__)
def test_harness_catches_a_view_that_bypasses_the_policy(matrix_world: World) -> None:
    world = matrix_world
    args = lambda w: [w.target_membership.user_id]  # noqa: E731
    leaky = Row("leaky_person", PERSON_OF_FUND, args=args)
    guarded = Row("guarded_person", PERSON_OF_FUND, args=args)

    leaks = [f for actor in ACTORS if (f := check_row(leaky, actor, world))]
    assert any("as other_fund: expected 404, got 200" in f for f in leaks), leaks
    assert any("as union: expected 404, got 200" in f for f in leaks), leaks
    guarded_failures = [check_row(guarded, actor, world) for actor in ACTORS]
    assert guarded_failures == [None] * len(ACTORS), guarded_failures


@pytest.mark.urls(__name__)
def test_harness_catches_a_list_that_shows_another_funds_data(matrix_world: World) -> None:
    row = Row("leaky_people", everyone(OK), absent=other_funds_data)
    assert "as fund_viewer: shows what it must not: ['Zilverreiger']" in str(
        check_row(row, "fund_viewer", matrix_world)
    )
    assert check_row(row, "other_fund", matrix_world) is None  # its own people


@pytest.mark.urls(__name__)
def test_harness_catches_a_write_that_did_nothing(matrix_world: World) -> None:
    row = Row("pretend_save", everyone(REDIRECT), method="post")
    assert "recorded no audit event" in str(check_row(row, "fund_editor", matrix_world))
