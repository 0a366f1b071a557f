"""Shared test helpers: a small covenant with one person per actor of the permission matrix,
and the matrix harness itself.

The permission matrix is a table of (URL, actor) → expected status. Each app adds its rows
(``<app>/tests/matrix.py`` exports ``ROWS``); ``core/tests/test_permission_matrix.py``
runs every row for every actor and fails when a URL of the URLconf has no row.
"""

from __future__ import annotations

import contextlib
import datetime
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.messages import constants as message_constants
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Expected outcomes, named for what the person experiences.
OK = 200
LOGIN = "login"  # redirected to the log-in page (pages) or 401 (API)
REDIRECT = 302  # done, sent elsewhere
CREATED = 201  # done (API)
FORBIDDEN = 403  # may see the object, may not do this
HIDDEN = 404  # may not know it exists: same answer as for a missing object
FORM_ERROR = "form error"  # a write refused on its form: the page comes back with the errors

ACTORS = (
    "anonymous",
    "fund_viewer",
    "fund_editor",
    "fund_admin",
    "other_fund",  # member of another fund: same constituency
    "union",  # member of a party of another constituency
    "former",  # member of a party that has left the covenant
    "secretariat",
    "monitoring",
)


@dataclass
class World:
    """The covenant and people every matrix row and most tests use."""

    covenant: Any
    fund: Any
    other_fund: Any
    union: Any
    former_party: Any
    secretariat: Any
    monitoring: Any
    users: dict[str, Any]
    # Objects that URLs point at.
    target_membership: Any = None
    invitation: Any = None
    token: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Files the world's objects point at (path, text): the matrix writes them again before
    # each cell, since a cell's rollback does not bring back a file it removed.
    files: list[tuple[Any, str]] = field(default_factory=list)

    def keep_file(self, path: Any, text: str) -> None:
        path.write_text(text)
        self.files.append((path, text))


def build_world() -> World:
    """Create the world with the ORM (test set-up, not product writes)."""
    from convenant.core.access import Role
    from convenant.core.models import ApiToken, User, hash_token
    from convenant.parties.models import (
        Constituency,
        Covenant,
        Invitation,
        Membership,
        Party,
        Track,
    )

    covenant = Covenant.objects.create(
        name="Test covenant",
        short_name="TC",
        slug="tc",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2030, 12, 31),
    )
    funds_c = Constituency.objects.create(covenant=covenant, code="funds", name="Fondsen", order=0)
    unions_c = Constituency.objects.create(
        covenant=covenant, code="unions", name="Vakbonden", order=2
    )
    broad = Track.objects.create(covenant=covenant, code="broad", name="Breed spoor", order=0)
    Track.objects.create(covenant=covenant, code="deep", name="Diep spoor", order=1)

    def party(code: str, ptype: str, constituency: Any, **kw: Any) -> Party:
        p = Party.objects.create(
            covenant=covenant,
            code=code,
            slug=code.lower(),
            name=kw.pop("name", f"Party {code}"),
            type=ptype,
            constituency=constituency,
            joined_on=datetime.date(2019, 1, 1),
            **kw,
        )
        p.tracks.set([broad] if constituency else [])
        return p

    fund = party(
        "FA",
        Party.Type.PENSION_FUND,
        funds_c,
        name="Pensioenfonds Alfa",
        invested_assets_eur=10_000_000_000,
    )
    other = party(
        "FB",
        Party.Type.PENSION_FUND,
        funds_c,
        name="Pensioenfonds Beta",
        invested_assets_eur=5_000_000_000,
    )
    union = party("UN", Party.Type.UNION, unions_c, name="Vakbond Gamma")
    former = party(
        "FX",
        Party.Type.PENSION_FUND,
        funds_c,
        name="Pensioenfonds Oud",
        left_on=datetime.date(2021, 6, 30),
        departure=Party.Departure.LEFT,
        departure_reason="Fusie",
    )
    ser = party("SEC", Party.Type.SECRETARIAT, None, name="Secretariaat")
    mc = party("MC", Party.Type.MONITORING_COMMITTEE, None, name="Monitoringcommissie")

    users: dict[str, Any] = {}
    for key, p, role in [
        ("fund_viewer", fund, Role.VIEWER),
        ("fund_editor", fund, Role.EDITOR),
        ("fund_admin", fund, Role.ADMINISTRATOR),
        ("other_fund", other, Role.ADMINISTRATOR),
        ("union", union, Role.ADMINISTRATOR),
        ("former", former, Role.ADMINISTRATOR),
        ("secretariat", ser, Role.ADMINISTRATOR),
        ("monitoring", mc, Role.EDITOR),
    ]:
        user = User.objects.create_user(
            f"{key}@example.org", key.replace("_", " ").title(), "pw-test-12345"
        )
        Membership.objects.create(user=user, party=p, role=role)
        users[key] = user
    target = User.objects.create_user("target@example.org", "Target Person", "pw-test-12345")
    target_membership = Membership.objects.create(user=target, party=fund, role=Role.VIEWER)
    invitation = Invitation.objects.create(
        party=fund,
        email="invitee@example.org",
        full_name="Invitee",
        role=Role.VIEWER,
        token_hash=hash_token("matrix-invitation-token"),
        invited_by=users["fund_admin"],
        expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7),
    )
    token = ApiToken.objects.create(
        user=users["fund_viewer"],
        name="script",
        token_hash=hash_token("cvn_matrix"),
        hint="cvn_matr",
    )
    return World(
        covenant=covenant,
        fund=fund,
        other_fund=other,
        union=union,
        former_party=former,
        secretariat=ser,
        monitoring=mc,
        users=users,
        target_membership=target_membership,
        invitation=invitation,
        token=token,
    )


def party_of(world: World, actor: str) -> Any:
    """The party an actor works for (anonymous: fund A, for forms that need one)."""
    return {
        "other_fund": world.other_fund,
        "union": world.union,
        "former": world.former_party,
        "secretariat": world.secretariat,
        "monitoring": world.monitoring,
    }.get(actor, world.fund)


# A word found only in the other fund's (FB's) confidential data of the matrix world: its
# issuer proposal, snapshot, positions, import, risks, judgement, alert, filed signal and
# person. Lists, searches, exports and counts must never show it to anyone outside FB.
OTHER_FUND_MARKER = "Zilverreiger"


def other_funds_data(world: World) -> list[str]:
    return [OTHER_FUND_MARKER]


# --- The matrix -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One URL, one HTTP method and what each actor gets there. ``args`` builds the URL
    arguments from the world. ``expect`` maps actor → outcome; ``default`` covers the actors
    not named.

    Content, for lists, searches, exports and counts: ``absent`` names marker strings (of
    another fund's data) that must not appear in the body of a successful answer to the
    actors in ``absent_for`` (every actor but ``other_fund`` when not given); ``present``
    names strings that must appear for ``present_for`` (default: the actors who get OK), so
    that a page which lists nothing cannot pass for one that lists only what it should.

    Reach: a row with ``args`` points at an object that exists unless it says
    ``missing=True`` (a test asks for an actor who gets through). A write (any method but
    GET) that succeeds must record an audit event, the trace of every action, unless the
    row says ``writes=False`` (log-in, language, a form that only sends mail). A write
    refused on its form (200 with the form's errors) is the outcome ``FORM_ERROR``, never OK;
    a refused write (403, 404, log-in, form errors) must have recorded no event."""

    url_name: str
    expect: dict[str, Any]
    default: Any = None
    args: Callable[[World], list[Any]] = lambda w: []
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    query: str = ""
    as_json: bool = False  # send ``data`` as a JSON body (API endpoints that take one)
    absent: Callable[[World], list[str]] | None = None
    absent_for: tuple[str, ...] | None = None
    present: Callable[[World], list[str]] | None = None
    present_for: tuple[str, ...] | None = None
    missing: bool = False  # the row is about an object that does not exist
    writes: bool = True
    # ``data`` for one actor, when what each may send differs (e.g. their own party).
    data_for: Callable[[World, str], dict[str, Any]] | None = None

    def outcome_for(self, actor: str) -> Any:
        if actor in self.expect:
            return self.expect[actor]
        if self.default is None:
            raise KeyError(f"row {self.url_name} says nothing about {actor}")
        return self.default

    def reaches(self) -> bool:
        """Some actor gets through to the object (an answer other than 404/403/log-in)."""
        return any(_succeeded(self.outcome_for(actor)) for actor in ACTORS)


def _succeeded(outcome: Any) -> bool:
    return isinstance(outcome, int) and 200 <= outcome < 400


def everyone(outcome: Any, **overrides: Any) -> dict[str, Any]:
    return {actor: overrides.get(actor, outcome) for actor in ACTORS}


def members(outcome: Any, anonymous: Any = LOGIN, **overrides: Any) -> dict[str, Any]:
    """Every signed-in actor gets ``outcome``; anonymous is sent to log in."""
    return everyone(outcome, anonymous=anonymous, **overrides)


def client_for(actor: str, world: World) -> Client:
    client = Client()
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


def check_row(row: Row, actor: str, world: World) -> str | None:
    """Run one cell. Returns None when the outcome is as expected, else a description."""
    expected = row.outcome_for(actor)
    url = reverse(row.url_name, args=row.args(world)) + (f"?{row.query}" if row.query else "")
    client = client_for(actor, world)
    cell = f"{row.method.upper()} {url} as {actor}"
    events_before = last_event_id()
    data = row.data_for(world, actor) if row.data_for else row.data(world)
    if row.as_json:
        response = getattr(client, row.method)(url, data=data, content_type="application/json")
    else:
        response = getattr(client, row.method)(url, data=data)
    got: Any = response.status_code
    is_api = url.startswith("/api/")
    if got == 302 and "/login/" in response.get("Location", ""):
        got = LOGIN
    if is_api and got == 401:
        got = LOGIN
    if got == 200 and row.method != "get" and (errors := _form_errors(response)):
        got = FORM_ERROR
        if expected != FORM_ERROR:
            return f"{cell}: expected {expected}, got the form back with {errors}"
    if got != expected:
        return f"{cell}: expected {expected}, got {got}"
    if not _succeeded(got):
        # Refused (log-in, 403, 404, the form's errors): then nothing may have been done.
        if row.method != "get" and last_event_id() != events_before:
            return f"{cell}: refused with {got}, yet an audit event was recorded"
        return None
    return (
        (_title_problem(response, url, actor) if got == 200 else None)
        or _content_problem(row, actor, world, response, cell)
        or _write_problem(row, response, cell, events_before)
    )


def last_event_id() -> int:
    """The newest audit event (read in SQL: the check must not depend on who may read it)."""
    from django.db import connection

    from convenant.core.models import AuditEvent

    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{AuditEvent._meta.db_table}"')  # noqa: S608
        return int(cursor.fetchone()[0])


def body_text(response: Any) -> str:
    """What a person reads in an answer: a page, JSON, or an export decoded (CSV as text,
    XLSX cell by cell)."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8-sig", errors="replace")


def _content_problem(row: Row, actor: str, world: World, response: Any, cell: str) -> str | None:
    if row.absent is None and row.present is None:
        return None
    import re

    # The answer as sent and, for pages, as read (tags dropped, blanks collapsed), so that a
    # figure and its label ("Positions waiting for review 1") can be asked for too.
    raw = body_text(response)
    texts = (raw, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw)))
    if row.absent is not None:
        absent_for = row.absent_for if row.absent_for is not None else ACTORS_BUT_OTHER_FUND
        if actor in absent_for:
            leaked = [m for m in row.absent(world) if any(m in t for t in texts)]
            if leaked:
                return f"{cell}: shows what it must not: {leaked}"
    if row.present is not None:
        present_for = row.present_for
        if present_for is None:
            present_for = tuple(a for a in ACTORS if row.outcome_for(a) == OK)
        if actor in present_for:
            lacking = [m for m in row.present(world) if not any(m in t for t in texts)]
            if lacking:
                return f"{cell}: does not show {lacking}"
    return None


ACTORS_BUT_OTHER_FUND = tuple(a for a in ACTORS if a != "other_fund")


def _form_errors(response: Any) -> list[str]:
    """The errors of a form that came back (Django's ``errorlist``), as text."""
    import re

    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    page = response.content.decode(errors="replace")
    lists = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', page, flags=re.DOTALL)
    return [re.sub(r"<[^>]+>", " ", item).strip() for item in lists]


def _write_problem(row: Row, response: Any, cell: str, events_before: int) -> str | None:
    """A permitted write must have done something: no form re-rendered with its errors, no
    error message on the way back, and an audit event, which every action records."""
    if row.method == "get":
        return None
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    refused = [str(m) for m in queued if m.level >= message_constants.ERROR]
    if refused:
        return f"{cell}: refused with {refused}"
    if row.writes and last_event_id() == events_before:
        return f"{cell}: answered {response.status_code} but recorded no audit event"
    return None


def _title_problem(response: Any, url: str, actor: str) -> str | None:
    """A page the matrix opens has a plain-text title (a template once spilled a whole
    section into its title block). Fragments for htmx have none."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    page = response.content.decode()
    start, end = page.find("<title>"), page.find("</title>")
    if start >= 0 and end > start and "<" in page[start + len("<title>") : end]:
        return f"GET {url} as {actor}: markup in the page title"
    return None


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> Iterable[str]:
    """Every named URL pattern of the URLconf, with its namespace."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


# --- Which methods each URL accepts --------------------------------------------------------


def api_operations() -> set[tuple[str, str]]:
    """(URL name, method) of every API operation: ninja's operations know their methods."""
    from convenant.api import api

    api.urls  # noqa: B018  (binds the routers; ninja lists them after that)
    found: set[tuple[str, str]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                name = getattr(operation, "url_name", "") or api.get_operation_url_name(
                    operation, router=router
                )
                found.update((f"api:{name}", m.upper()) for m in operation.methods)
    return found


def accepted_methods(url: str, client: Client) -> set[str]:
    """The methods a Django view accepts, found by asking it once with each, as someone who
    gets through (``client``): an answer other than 405 means accepted.

    Probing, rather than reading decorators, is what holds for every kind of view (function
    views with ``require_POST``/``require_http_methods``, class-based views, a view that
    checks ``request.method`` itself). One refinement: a function view that never looks at
    the method (no ``require_*``, no ``request.method``/``request.POST`` in its code) answers
    POST, PUT and DELETE exactly like GET, a read its GET row already covers; asking for a
    row for each would be noise. So only GET and POST are probed for views, and POST counts
    when the view is restricted to it or its code handles it."""
    import inspect

    from django.urls import resolve

    accepted = set()
    if client.get(url).status_code != 405:
        accepted.add("GET")
    if client.post(url).status_code != 405:
        view = resolve(url.split("?")[0]).func
        if hasattr(view, "view_class"):  # class-based views answer 405 themselves
            accepted.add("POST")
        else:
            view = inspect.unwrap(view)
            try:
                source = inspect.getsource(getattr(view, "func", view))  # functools.partial
            except (OSError, TypeError):
                source = "POST"  # no code to read: count the POST as accepted
            if "GET" not in accepted or "POST" in source or "request.method" in source:
                accepted.add("POST")
    return accepted


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A private Redis on a Unix socket in a temporary folder, for tests of the broker and the
    cache against the real thing; yields its URL and stops it afterwards."""
    import pytest

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed; `make test` installs it")
    folder = Path(tempfile.mkdtemp(prefix="convenant-redis-"))
    socket = folder / "redis.sock"
    options = ["--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(  # noqa: S603 - our own redis-server, fixed arguments
        [binary, *options, "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if socket.exists():
            break
        time.sleep(0.05)
    try:
        yield f"redis+socket://{socket}"
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
