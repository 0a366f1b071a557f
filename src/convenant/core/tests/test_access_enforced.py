"""Access enforced by construction (docs/adr/0006): a restricted model's rows are read through
``visible_to(user)`` or, in code that decides access itself, ``unrestricted(reason)``; any
other read is a programming error that fails loudly, and only the allowed modules may call
``unrestricted``."""

from __future__ import annotations

import ast
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Count, Prefetch

from convenant.core import access
from convenant.core.access import AccessNotScoped, RestrictedQuerySet
from convenant.core.models import AuditEvent, User
from convenant.core.testing import World
from convenant.parties.models import Membership, Party

PACKAGE = Path(access.__file__).resolve().parent.parent

# Models whose default manager stays Django's plain one, and why.
PLAIN = {
    "parties.Party": "who signed the covenant is public (the directory shows every party)",
    "portfolios.ExchangeRate": "published ECB rates, reference data for every import",
    "risk.ReferenceDataset": "published reference data, shown with its citation",
    "risk.CountryIndicator": "published reference data",
    "risk.GoodsListing": "published reference data",
    "risk.Theme": "published reference data",
    "risk.SectorThemeRisk": "published reference data",
    "risk.SectorGood": "published reference data",
    "toolkit.ModelText": "public: what a toolkit text is (its wording is in its versions)",
    "toolkit.Requirement": "the published requirement tree, reference data with its sources",
    "reporting.Framework": "the published KPI framework, reference data loaded from its file",
    "reporting.Indicator": "the published KPI framework's indicators",
    "reporting.Question": "the published KPI framework's questions",
}


# As the product runs: read before any test could switch it.
ENFORCED_BY_DEFAULT = access.ENFORCE


@pytest.fixture(autouse=True)
def enforced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "ENFORCE", True)


def test_enforcement_is_on() -> None:
    assert ENFORCED_BY_DEFAULT is True


def in_a_view(source: str, **names: Any) -> Any:
    """Run ``source`` as though it were written in a view module: tests themselves read the
    database freely, the code they exercise does not."""
    namespace = dict(names)
    exec(compile(source, str(PACKAGE / "signals" / "views.py"), "exec"), namespace)  # noqa: S102
    return namespace.get("result")


def restricted_models() -> list[Any]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in {"core", "parties", "portfolios", "risk", "signals"}
        and hasattr(model._default_manager, "visible_to")
        and model._meta.label not in PLAIN
    ]


@pytest.mark.parametrize("model", restricted_models(), ids=lambda m: m._meta.label)
def test_every_model_with_visible_to_has_a_restricted_manager(model: Any) -> None:
    # Given a model with a visibility rule (and not in the short list of public data)
    # Then its default manager hands out chains that must be scoped
    assert isinstance(model._default_manager.all(), RestrictedQuerySet)
    # And Django's own base manager (forward foreign keys, deletion) stays plain
    assert not isinstance(model._base_manager.all(), RestrictedQuerySet)


@pytest.mark.django_db
@pytest.mark.parametrize("model", restricted_models(), ids=lambda m: m._meta.label)
def test_a_forgotten_filter_raises_naming_the_model(model: Any) -> None:
    # When a view reads a restricted model without a scope
    with pytest.raises(AccessNotScoped, match=model.__name__):
        in_a_view("result = list(model.objects.all())", model=model)
    # But with a scope it reads
    assert in_a_view("result = model.objects.unrestricted('test').exists()", model=model) in {
        True,
        False,
    }


READS = [
    "list(qs)",
    "qs.get(pk=1)",
    "qs.first()",
    "qs.last()",
    "qs.count()",
    "qs.exists()",
    "qs.aggregate(n=Count('pk'))",
    "list(qs.iterator())",
    "list(qs.values('pk'))",
    "list(qs.values_list('pk', flat=True))",
    "qs.in_bulk([1])",
    "qs.update(verb='x')",
    "qs.delete()",
    "bool(qs)",
    "qs[0]",
    "qs.get_or_create(verb='x')",
    "qs.latest('occurred_at')",
]


@pytest.mark.django_db
@pytest.mark.parametrize("read", READS)
def test_every_way_of_reading_an_unscoped_chain_raises(world: World, read: str) -> None:
    # Given a chain built on the default manager, filtered but not scoped
    # When a view evaluates it in any way
    # Then it raises, whatever the way
    with pytest.raises(AccessNotScoped, match="AuditEvent"):
        in_a_view(
            f"qs = AuditEvent.objects.filter(verb__startswith='').order_by('pk')\nresult = {read}",
            AuditEvent=AuditEvent,
            Count=Count,
        )


@pytest.mark.django_db
def test_the_scope_survives_chaining(world: World) -> None:
    secretariat = world.users["secretariat"]
    people = in_a_view(
        "result = list(User.objects.visible_to(user).filter(is_active=True).exclude(pk=0)"
        ".order_by('email').select_related().values_list('email', flat=True)[:50])",
        User=User,
        user=secretariat,
    )
    assert secretariat.email in people
    # A viewer of a fund sees themselves and their fund's people, not the secretariat
    viewer = world.users["fund_viewer"]
    seen = in_a_view(
        "result = set(User.objects.visible_to(user).values_list('email', flat=True))",
        User=User,
        user=viewer,
    )
    assert viewer.email in seen and secretariat.email not in seen


@pytest.mark.django_db
def test_a_union_with_an_unscoped_chain_raises(world: World) -> None:
    with pytest.raises(AccessNotScoped):
        in_a_view(
            "result = list(AuditEvent.objects.visible_to(user) | AuditEvent.objects.all())",
            AuditEvent=AuditEvent,
            user=world.users["secretariat"],
        )
    with pytest.raises(AccessNotScoped):
        in_a_view(
            "result = list(User.objects.visible_to(user).union(User.objects.all()))",
            User=User,
            user=world.users["fund_viewer"],
        )


@pytest.mark.django_db
def test_an_empty_chain_reads_nothing_and_may_be_evaluated() -> None:
    assert in_a_view("result = list(AuditEvent.objects.none())", AuditEvent=AuditEvent) == []


def test_unrestricted_needs_a_reason() -> None:
    for reason in ("", "   "):
        with pytest.raises(ValueError, match="reason"):
            AuditEvent.objects.unrestricted(reason)


@pytest.mark.django_db
def test_related_managers_and_prefetch_follow_the_object(world: World) -> None:
    # Given a party read in scope (parties are public)
    # When a view follows its memberships or prefetches them
    # Then the rows come: they hang from an object the view may see
    count = in_a_view(
        "result = party.memberships.count()", party=Party.objects.get(pk=world.fund.pk)
    )
    assert count == Membership.objects.filter(party=world.fund).count()
    prefetched = in_a_view(
        "result = [len(p.memberships.all()) for p in "
        "Party.objects.filter(pk=pk).prefetch_related('memberships')]",
        Party=Party,
        pk=world.fund.pk,
    )
    assert prefetched == [count]
    # A Prefetch with its own chain is narrowed to the same relation: it follows too
    narrowed = in_a_view(
        "result = [len(p.memberships.all()) for p in Party.objects.filter(pk=pk)"
        ".prefetch_related(Prefetch('memberships', queryset=Membership.objects.all()))]",
        Party=Party,
        Prefetch=Prefetch,
        Membership=Membership,
        pk=world.fund.pk,
    )
    assert narrowed == [count]
    # A forward foreign key uses the plain base manager
    membership = Membership.objects.filter(party=world.fund).first()
    assert membership is not None
    assert in_a_view("result = m.user.email", m=Membership.objects.get(pk=membership.pk))


@pytest.mark.django_db
def test_creating_a_row_is_not_a_read(world: World) -> None:
    in_a_view("AuditEvent.objects.create(verb='test.created')", AuditEvent=AuditEvent)
    assert AuditEvent.objects.filter(verb="test.created").count() == 1


@pytest.mark.django_db
def test_signing_in_finds_the_person(world: World, client: Any) -> None:
    # Django's sign-in finds a person by e-mail address and by session before anyone is known
    user = world.users["fund_viewer"]
    user.set_password("a long enough password 42")
    user.save()
    assert client.login(username=user.email, password="a long enough password 42")
    assert client.get("/dashboard/").status_code == 200


# --- Who may call unrestricted() -----------------------------------------------------------

# Module patterns (relative to src/convenant) that decide access themselves.
ALLOWED_MODULES = {
    "*/actions.py": "actions check the actor before they read or write",
    "*/actions/*.py": "actions, split into a package",
    "*/actions_*.py": "actions in a module of their own (privacy, bootstrap) check the actor first",
    "*/privacy.py": "a person's own data, read for their export or erasure by the privacy actions",
    "*/jobs.py": "background jobs run for a person already checked when queued",
    "*/tasks.py": "Celery tasks run jobs",
    "*/management/commands/*.py": "commands are run by an operator on the server",
    "*/demo.py": "the demo loaders write fictional data",
    "*/demo_*.py": "the demo loaders of an app's parts",
    "*/testing.py": "test helpers",
    "*/tests/*": "tests",
    "conftest.py": "test fixtures",
    "*/conftest.py": "test fixtures",
    "core/access.py": "the access policy defines it",
    "core/mail.py": "sending e-mail is a job (one per message)",
    "portfolios/matching.py": "matching runs only in the import job and the match actions",
    "portfolios/importing/*.py": "the holdings import job's reader and importer",
    "risk/scoring.py": "scoring runs as a job for a snapshot",
    "reporting/figures.py": (
        "the monitoring report's aggregates, computed for the committee's report whose reader "
        "the caller has checked"
    ),
    "reporting/prefill.py": (
        "a party's own records, read to pre-fill its own submission inside the submissions "
        "action, for a member of that party: values and their sources, never rows"
    ),
}
# Single functions elsewhere, each with its reason.
ALLOWED_FUNCTIONS = {
    ("parties/hooks.py", "resolve_actor"): "the access policy's own input: a person's roles",
    ("governance/hooks.py", "current_bodies"): "the access policy's own input: a person's bodies",
    ("governance/views/bodies.py", "seat_table"): (
        "whether a seat's holder still works for the party they sit for: the public fact that "
        "the seat is vacant, never the membership itself"
    ),
    ("governance/annual.py", "annual_meetings"): "the annual covenant meeting is every party's",
    ("governance/annual.py", "agenda_of"): "the annual meeting's published agenda, to every party",
    ("governance/annual.py", "open_actions_per_body"): "the annual pack's counts, not the items",
    ("governance/annual.py", "meetings_held_per_body"): "the annual pack's counts of meetings",
    ("core/models.py", "get_by_natural_key"): "signing in: the person behind an address",
    ("core/models.py", "unrestricted"): "the User manager passes it on",
    ("portfolios/models.py", "joint_leverage_for"): "the policy's aggregate rule, counts only",
    ("engagement/leverage.py", "leverage_of"): (
        "an engagement's combined leverage: totals only, under the minimum-of-funds rule"
    ),
    ("engagement/leverage.py", "_snapshots_on"): "each participating fund's snapshot, as ids",
    ("engagement/case_rules.py", "facts_of"): (
        "a case's exit criteria count every record of the case, counts only"
    ),
    ("engagement/case_rules.py", "facts_of_each"): (
        "the exit criteria of several cases at once, counts only"
    ),
    ("engagement/case_rules.py", "actor_rights"): (
        "the access policy's own input: a person's current roles in a case"
    ),
    ("engagement/views/overviews.py", "covenant_funnel"): (
        "the covenant's engagement funnel: counts only, under the minimum-of-funds rule"
    ),
    ("outsourcing/kpis.py", "mandate_facts"): (
        "what is in place for mandates the caller already chose: figures, never the content"
    ),
    ("outsourcing/kpis.py", "fund_shares"): (
        "a fund's outsourcing KPIs for the reporting app, which decides who reads them"
    ),
    ("outsourcing/kpis.py", "covenant_shares"): (
        "the covenant's outsourcing figures: counts only, under the minimum-of-funds rule"
    ),
}
ALLOWED_FUNCTION_PATTERNS = {
    ("*/hooks.py", "_load_demo*"): "demo loaders registered from hooks",
}


def unrestricted_calls() -> list[tuple[str, str, int]]:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        spans = [
            (node.lineno, node.end_lineno or node.lineno, node.name)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "unrestricted"
            ):
                inner = [s for s in spans if s[0] <= node.lineno <= s[1]]
                function = max(inner)[2] if inner else "<module>"
                calls.append((rel, function, node.lineno))
    return calls


def allowed(rel: str, function: str) -> bool:
    if any(fnmatch(rel, pattern) for pattern in ALLOWED_MODULES):
        return True
    if (rel, function) in ALLOWED_FUNCTIONS:
        return True
    return any(
        fnmatch(rel, module) and fnmatch(function, name)
        for module, name in ALLOWED_FUNCTION_PATTERNS
    )


def test_unrestricted_is_called_only_where_access_is_decided() -> None:
    calls = unrestricted_calls()
    assert any(rel.endswith("actions.py") for rel, _, _ in calls)  # the scan finds them
    wrong = [f"{rel}:{line} in {function}()" for rel, function, line in calls]
    wrong = [
        where
        for where, (rel, function, _) in zip(wrong, calls, strict=True)
        if not allowed(rel, function)
    ]
    assert not wrong, (
        "unrestricted() outside actions, jobs, tasks, commands and the demo; views, the API "
        "and search read through visible_to(user): " + ", ".join(wrong)
    )


def test_the_static_check_catches_a_view() -> None:
    assert not allowed("signals/views.py", "signal_detail")
    assert not allowed("portfolios/api/holdings.py", "get_snapshot")
    assert not allowed("core/search.py", "search")
    assert allowed("signals/actions.py", "share_signal")
    assert allowed("risk/hooks.py", "_load_demo_conduct")
