"""Shared test helpers: a small covenant with one person per actor of the permission matrix,
and the matrix harness itself.

The permission matrix is a table of (URL, actor) → expected status. Each app adds its rows
(``<app>/tests/matrix.py`` exports ``ROWS``); ``core/tests/test_permission_matrix.py``
runs every row for every actor and fails when a URL of the URLconf has no row.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Expected outcomes, named for what the person experiences.
OK = 200
LOGIN = "login"  # redirected to the log-in page (pages) or 401 (API)
REDIRECT = 302  # done, sent elsewhere
CREATED = 201  # done (API)
FORBIDDEN = 403  # may see the object, may not do this
HIDDEN = 404  # may not know it exists: same answer as for a missing object

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


# --- The matrix -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One URL and what each actor gets there. ``args`` builds the URL arguments from the
    world. ``expect`` maps actor → outcome; ``default`` covers the actors not named."""

    url_name: str
    expect: dict[str, Any]
    default: Any = None
    args: Callable[[World], list[Any]] = lambda w: []
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    query: str = ""
    as_json: bool = False  # send ``data`` as a JSON body (API endpoints that take one)

    def outcome_for(self, actor: str) -> Any:
        if actor in self.expect:
            return self.expect[actor]
        if self.default is None:
            raise KeyError(f"row {self.url_name} says nothing about {actor}")
        return self.default


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
    if row.as_json:
        response = getattr(client, row.method)(
            url, data=row.data(world), content_type="application/json"
        )
    else:
        response = getattr(client, row.method)(url, data=row.data(world))
    got: Any = response.status_code
    is_api = url.startswith("/api/")
    if got == 302 and "/login/" in response.get("Location", ""):
        got = LOGIN
    if is_api and got == 401:
        got = LOGIN
    if got == expected:
        return _title_problem(response, url, actor) if got == 200 else None
    return f"{row.method.upper()} {url} as {actor}: expected {expected}, got {got}"


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
