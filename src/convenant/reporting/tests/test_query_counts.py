"""The pages the load benchmark drives ask the database a fixed number of times, however much
data they list: each page is counted in a small covenant (the permission matrix's world),
then again after its lists have grown several-fold (past one page where the page pages), and
both counts must equal the number pinned here. A new query is a decision, not drift: the
failure names the page and prints the queries that differ.

Reporting is the top import layer, so this file may build every app's data. The world is
built once for the module (in a transaction rolled back at the end) and grown with bulk
inserts, so the whole file runs in well under a minute."""

import copy
import datetime
import difflib
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from convenant.core.testing import World, build_world, client_for

pytestmark = pytest.mark.django_db

# How many times the listed data grows between the two counts.
GROWTH = 6


@dataclass(frozen=True)
class Page:
    name: str
    actor: str
    url: Callable[[World], str]
    # Queries of one request, warm (the session and caches of an earlier request in place)
    # and cold (the shared cache emptied first: what the first visitor after a change pays).
    warm: int
    cold: int


def _snapshot(w: World) -> int:
    return int(w.extra["snapshot"].pk)


PAGES = [
    # A fund officer browsing risks and issuers.
    Page("fund-dashboard", "fund_editor", lambda w: "/dashboard/", 56, 56),
    Page("fund-risks", "fund_editor", lambda w: f"/holdings/{_snapshot(w)}/risks/", 17, 17),
    Page(
        "fund-risks-filtered",
        "fund_editor",
        lambda w: f"/holdings/{_snapshot(w)}/risks/?priority=high&judged=no&theme=forced-labour",
        13,
        13,
    ),
    Page(
        "fund-risks-page-2",
        "fund_editor",
        lambda w: f"/holdings/{_snapshot(w)}/risks/?page=2",
        17,
        17,
    ),
    Page("fund-issuers", "fund_editor", lambda w: "/issuers/", 6, 6),
    Page("fund-issuer", "fund_editor", lambda w: f"/issuers/{w.extra['issuer'].pk}/", 18, 18),
    Page("fund-snapshots", "fund_editor", lambda w: "/holdings/", 7, 7),
    Page("fund-snapshot", "fund_editor", lambda w: f"/holdings/{_snapshot(w)}/", 11, 11),
    Page("fund-positions", "fund_editor", lambda w: f"/holdings/{_snapshot(w)}/positions/", 7, 7),
    Page("holdings-import-form", "fund_editor", lambda w: "/holdings/import/", 7, 7),
    # The secretariat on its dashboards and the covenant risks.
    Page("secretariat-dashboard", "secretariat", lambda w: "/dashboard/", 39, 39),
    Page("covenant-risks", "secretariat", lambda w: "/risks/covenant/", 9, 9),
    Page(
        "covenant-risks-filtered",
        "secretariat",
        lambda w: "/risks/covenant/?priority=high&theme=forced-labour",
        10,
        10,
    ),
    Page("signals", "secretariat", lambda w: "/signals/", 12, 12),
    Page("signal-inbox", "fund_editor", lambda w: "/signals/inbox/", 7, 7),
    Page("cases", "secretariat", lambda w: "/cases/", 18, 18),
    Page("parties", "secretariat", lambda w: "/parties/", 9, 9),
    Page("search", "secretariat", lambda w: "/search/?q=pensioenfonds", 9, 9),
    Page("jobs", "secretariat", lambda w: "/jobs/", 6, 6),
    Page("reporting-home", "secretariat", lambda w: "/reporting/", 6, 6),
    Page("cycle-overview", "secretariat", lambda w: "/reporting/cycles/mx-sub-open/", 15, 15),
    Page("decisions", "secretariat", lambda w: "/decisions/", 6, 6),
    Page("api-jobs", "secretariat", lambda w: "/api/v1/jobs?limit=10", 5, 5),
    # The monitoring committee in its workspace.
    Page("committee-dashboard", "monitoring", lambda w: "/dashboard/", 25, 25),
    Page("review-home", "monitoring", lambda w: "/reporting/review/", 6, 6),
    Page("review-findings", "monitoring", lambda w: "/reporting/review/mx-rv-a/findings/", 8, 8),
    Page("review-workspace", "monitoring", lambda w: "/reporting/review/mx-rv-a/", 8, 8),
    Page(
        "review-submission",
        "monitoring",
        lambda w: f"/reporting/review/submissions/{w.extra['review']['sub_a'].pk}/",
        22,
        22,
    ),
    Page("draft-report", "monitoring", lambda w: "/reporting/report/mr-draft/", 36, 36),
    # Anonymous visitors on the public pages and the intake.
    Page("home", "anonymous", lambda w: "/", 7, 7),
    Page("monitoring-index", "anonymous", lambda w: "/monitoring/", 1, 1),
    Page("published-report", "anonymous", lambda w: "/monitoring/pb-published/", 1, 1),
    Page("frameworks", "anonymous", lambda w: "/reporting/framework/", 3, 3),
    Page("framework", "anonymous", lambda w: "/reporting/framework/2022.1/", 6, 6),
    Page("intake", "anonymous", lambda w: "/report/nl/", 1, 1),
    Page("deep-track", "anonymous", lambda w: "/deep-track/", 1, 1),
    # The API's main lists, a page of ten so that the grown data spans several pages.
    Page(
        "api-positions",
        "fund_editor",
        lambda w: f"/api/v1/snapshots/{_snapshot(w)}/positions?limit=10",
        6,
        6,
    ),
    Page(
        "api-risks",
        "fund_editor",
        lambda w: f"/api/v1/snapshots/{_snapshot(w)}/risks?limit=10",
        7,
        7,
    ),
    Page("api-snapshots", "fund_editor", lambda w: "/api/v1/snapshots?limit=10", 5, 5),
    Page("api-issuers", "fund_editor", lambda w: "/api/v1/issuers?limit=10", 7, 7),
    Page("api-signals", "secretariat", lambda w: "/api/v1/signals?limit=10", 9, 9),
    Page("api-signals-fund", "fund_editor", lambda w: "/api/v1/signals?limit=10", 9, 9),
    Page(
        "api-submissions", "secretariat", lambda w: "/api/v1/reporting/submissions?limit=10", 4, 4
    ),
    Page(
        "api-submissions-fund",
        "fund_editor",
        lambda w: "/api/v1/reporting/submissions?limit=10",
        4,
        4,
    ),
]


# --- Growing the world ------------------------------------------------------------------


def _unique_fields(model: type[models.Model]) -> set[str]:
    names = {f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key}
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    for together in model._meta.unique_together:
        names.update(together)
    return names


_SERIAL = itertools.count()  # keeps suffixed copies unique across calls


def clone(rows: Any, times: int, **overrides: Callable[[Any, int], Any]) -> list[Any]:
    """``times`` copies of each row, inserted at once. Unique text is suffixed, unique
    numbers continue after the highest, a one-to-one row is copied too (or left empty);
    ``overrides`` set a field from (row, copy number)."""
    rows = list(rows)
    if not rows:
        return []
    model = type(rows[0])
    unique = _unique_fields(model)
    fields = {f.name: f for f in model._meta.concrete_fields}
    top = {
        name: (model._base_manager.aggregate(top=models.Max(name))["top"] or 0)
        for name in unique
        if isinstance(fields.get(name), models.IntegerField) and name not in overrides
    }
    made: list[Any] = []
    for number in range(times):
        for row in rows:
            twin = copy.copy(row)
            if model._meta.auto_field is not None:  # else a composite key, set by overrides
                setattr(twin, model._meta.auto_field.attname, None)
            twin._state = copy.copy(row._state)
            twin._state.adding = True
            for name, make in overrides.items():
                setattr(twin, name, make(row, number))
            for name in unique - set(overrides):
                field = fields.get(name)
                value = getattr(twin, field.attname) if field else None
                if value is None:
                    continue
                if isinstance(field, models.ForeignKey):
                    if field.unique:  # one to one: nothing, or a copy of its own
                        own = None if field.null else clone([getattr(row, name)], 1)[0]
                        setattr(twin, name, own)
                    continue
                if isinstance(field, models.IntegerField):
                    top[name] += 1
                    setattr(twin, field.attname, top[name])
                elif isinstance(field, models.CharField | models.TextField):
                    suffix = f"-g{next(_SERIAL)}"
                    limit = getattr(field, "max_length", None) or 200
                    setattr(twin, field.attname, (str(value) + suffix)[-limit:])
            made.append(twin)
    return model._base_manager.bulk_create(made)


def grow(world: World) -> None:
    """Grow, GROWTH-fold (or past a page of 50), what the pages list."""
    from convenant.core.models import AuditEvent, Job
    from convenant.engagement.models import Case
    from convenant.governance.models import Decision
    from convenant.parties.models import Party
    from convenant.portfolios.models import Position, Snapshot
    from convenant.reporting.models import Answer, Finding, ReviewThread, Score, Submission
    from convenant.risk.models import CovenantCompany, CovenantRisk, RiskResult
    from convenant.signals.models import Signal, SignalAlert

    fund = world.fund
    broad = world.covenant.tracks.get(code="broad")
    funds = Party.objects.bulk_create(
        Party(
            covenant=world.covenant,
            constituency=fund.constituency,
            type=Party.Type.PENSION_FUND,
            name=f"Fonds Groei {n}",
            slug=f"fonds-groei-{n}",
            code=f"FG{n}",
            joined_on=datetime.date(2019, 1, 1),
            invested_assets_eur=1_000_000_000,
        )
        for n in range(GROWTH)
    )
    for party in funds:
        party.tracks.set([broad])

    # Reporting: every fund A submission gets a twin for each new fund, answers and scores
    # included, so cycles, the review workspace and the report count more parties.
    for submission in list(Submission.objects.unrestricted("query counts").filter(party=fund)):
        twins = clone([submission], 1, party=lambda r, n: funds[0])
        for party in funds[1:]:
            twins += clone([submission], 1, party=lambda r, n, p=party: p)
        for twin in twins:
            for model in (Answer, Score):
                clone(
                    model._base_manager.filter(submission=submission),
                    1,
                    submission=lambda r, n, t=twin: t,
                )
    clone(ReviewThread._base_manager.all(), GROWTH)
    clone(Finding._base_manager.all(), GROWTH)

    # Holdings and risks: 60 more companies in the snapshot, each held and at risk.
    snapshot = world.extra["snapshot"]
    companies = clone([world.extra["issuer"]], 60, legal_name=lambda r, n: f"Groei {n:02d} N.V.")
    position = Position.objects.filter(snapshot=snapshot).first()
    rows = Position.objects.filter(snapshot=snapshot).count()
    if position is not None:
        clone([position], 60, issuer=lambda r, n: companies[n], row=lambda r, n: rows + n + 1)
    result = RiskResult.objects.filter(snapshot=snapshot).first()
    if result is not None:
        clone([result], 60, issuer=lambda r, n: companies[n])
    clone(CovenantRisk.objects.all()[:1], 60, issuer=lambda r, n: companies[n])
    clone(CovenantCompany.objects.all()[:1], 60, issuer=lambda r, n: companies[n])
    clone(
        Snapshot.objects.filter(fund=fund)[:1],
        GROWTH,
        as_of=lambda r, n: datetime.date(2015, 1, 1) + datetime.timedelta(days=n),
    )

    # Signals (and their alerts), jobs, decisions and the audit trail.
    signals = list(Signal._base_manager.all())
    twins = clone(signals, GROWTH, receipt_hash=lambda r, n: None)
    for index, twin in enumerate(twins):
        signal = signals[index % len(signals)]
        for field in Signal._meta.many_to_many:  # shared with, linked companies
            through = field.remote_field.through
            own = next(f.name for f in through._meta.fields if f.related_model is Signal)
            clone(through._base_manager.filter(**{own: signal}), 1, **{own: lambda r, n, t=twin: t})
        alerts = SignalAlert._base_manager.filter(signal=signal)
        clone(alerts, 1, signal=lambda r, n, t=twin: t)
    # Older than the world's jobs, so the first page still shows the world's jobs among
    # the many (the list once looked up each job's subject: a query per signal job).
    older = datetime.timedelta(days=1)
    jobs = Job._base_manager.all()
    clone(jobs, 60 // max(jobs.count(), 1) + 1, created_at=lambda r, n: r.created_at - older)
    clone(Decision._base_manager.all(), GROWTH, proposal=lambda r, n: None)
    clone(AuditEvent._base_manager.all()[:20], GROWTH)

    # Deep-track cases on the board and, published, on the public list.
    clone(Case._base_manager.all(), GROWTH)  # each with a group of its own


# --- Counting ---------------------------------------------------------------------------


def _sizes() -> dict[str, int]:
    """How much the pages have to list."""
    from convenant.core.models import AuditEvent, Job
    from convenant.engagement.models import Case
    from convenant.governance.models import Decision
    from convenant.parties.models import Party
    from convenant.portfolios.models import Issuer, Position, Snapshot
    from convenant.reporting.models import Answer, Submission
    from convenant.risk.models import CovenantCompany, RiskResult
    from convenant.signals.models import Signal, SignalAlert

    counted: list[type[models.Model]] = [Party, Issuer, Snapshot, Position, RiskResult]
    counted += [CovenantCompany, Signal, SignalAlert, Job, Decision, AuditEvent]
    counted += [Submission, Answer, Case]
    return {model.__name__: model._base_manager.count() for model in counted}


def _count(world: World, page: Page) -> tuple[list[str], list[str]]:
    """The queries of one request, cold (the shared cache emptied first) and warm."""
    client = client_for(page.actor, world)
    url = page.url(world)
    client.get(url)  # the session in place
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        response = client.get(url)
    assert response.status_code == 200, (page.name, url, response.status_code)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    return _sql(cold), _sql(warm)


def _sql(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture(scope="module")
def counted(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Every page counted in the small world and again in the grown one."""
    from convenant.core.tests.test_permission_matrix import matrix_modules

    with django_db_blocker.unblock(), translation.override("en"):
        block = transaction.atomic()
        block._from_testcase = True  # type: ignore[attr-defined]
        block.__enter__()
        try:
            world = build_world()
            for module in matrix_modules():
                if hasattr(module, "extend_world"):
                    module.extend_world(world)
            few = {page.name: _count(world, page) for page in PAGES}
            small = _sizes()
            grow(world)
            many = {page.name: _count(world, page) for page in PAGES}
            yield {"few": few, "many": many, "small": small, "grown": _sizes()}
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


_NUMBERS = re.compile(r"'[^']*'|\b\d+\b")


def _difference(few: list[str], many: list[str]) -> str:
    """The queries that differ, their literals blanked so that only the shape counts."""
    shapes = [[_NUMBERS.sub("?", sql) for sql in queries] for queries in (few, many)]
    lines = difflib.unified_diff(shapes[0], shapes[1], "few rows", "many rows", lineterm="", n=0)
    return "\n".join(lines)


def test_the_lists_grew_past_a_page(counted: dict[str, Any]) -> None:
    small, grown = counted["small"], counted["grown"]
    assert grown["Party"] >= small["Party"] + GROWTH
    for name in ("Issuer", "Position", "RiskResult", "Job"):
        assert grown[name] - small[name] >= 50, name  # more than a page of 50
    for name in ("Signal", "SignalAlert", "Decision", "Submission", "Answer", "Snapshot", "Case"):
        assert grown[name] >= small[name] * 2, name


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_queries_do_not_grow_with_the_data(counted: dict[str, Any], page: Page) -> None:
    (cold_few, warm_few), (cold_many, warm_many) = (
        counted["few"][page.name],
        counted["many"][page.name],
    )
    assert len(warm_many) == len(warm_few), (
        f"{page.name}: {len(warm_few)} queries with few rows, {len(warm_many)} with many\n"
        + _difference(warm_few, warm_many)
    )
    assert len(cold_many) == len(cold_few), (
        f"{page.name} (cold cache): {len(cold_few)} queries with few rows, "
        f"{len(cold_many)} with many\n" + _difference(cold_few, cold_many)
    )
    assert (len(warm_many), len(cold_many)) == (page.warm, page.cold), (
        f"{page.name}: now {len(warm_many)} queries warm and {len(cold_many)} cold, pinned "
        f"{page.warm} and {page.cold}; a new query is a decision: pin it here if meant\n"
        + "\n".join(warm_many)
    )
