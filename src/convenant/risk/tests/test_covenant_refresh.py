"""The covenant risks page reads totals kept ready: they follow the funds' latest holdings
after each refresh (a replaced or deleted snapshot stops counting), the k-minimum rule holds
for every combination of filters, and scoring a snapshot queues the refresh as a job."""

import datetime
import itertools
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from convenant.core.models import Job
from convenant.core.testing import World
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer, Snapshot
from convenant.risk.actions import refresh_covenant_risks
from convenant.risk.jobs import REFRESH_COVENANT, queue_scoring
from convenant.risk.models import CovenantRisk, CovenantRiskSource, RiskAssessment, RiskResult
from convenant.risk.testing import make_assessment as make_one

LEVELS = ["low", "medium", "high", "very-high"]
AS_OF = datetime.date(2024, 12, 31)


_made = itertools.count()


def make_assessment(**overrides: object) -> RiskAssessment:
    """A hand-made assessment, another one each time (its findings key tells them apart)."""
    return make_one(findings_key=f"test-{next(_made)}", **overrides)


def hold(
    funds: list[Party], issuer: Issuer, assessment: RiskAssessment, as_of: datetime.date = AS_OF
) -> None:
    for fund in funds:
        snapshot, _ = Snapshot.objects.get_or_create(fund=fund, as_of=as_of)
        RiskResult.objects.create(
            snapshot=snapshot,
            issuer=issuer,
            assessment=assessment,
            theme=assessment.theme,
            priority=assessment.priority,
            rank=LEVELS.index(assessment.priority) + 1,
            score=assessment.severity * assessment.likelihood,
            value_eur=1000,
        )


def more_funds(world: World, count: int) -> list[Party]:
    return [world.fund, world.other_fund] + [
        Party.objects.create(
            covenant=world.covenant,
            constituency=world.fund.constituency,
            type=Party.Type.PENSION_FUND,
            name=f"Pensioenfonds {n}",
            slug=f"fonds-{n}",
            code=f"P{n}",
            joined_on=datetime.date(2019, 1, 1),
        )
        for n in range(3, count + 1)
    ]


def company(name: str, country: str = "BR", sector: str = "Mining") -> Issuer:
    return Issuer.objects.create(
        legal_name=name, source="gleif", country_of_operations=country, sector_name=sector
    )


def shown(client: Client, **query: str) -> dict[str, dict[str, int]]:
    """The page's companies and, per theme, the funds it says hold it."""
    response = client.get("/risks/covenant/", query)
    assert response.status_code == 200
    return {
        r["name"]: {t["theme"]: t["funds"] for t in r["themes"]} for r in response.context["rows"]
    }


def test_a_deleted_or_replaced_snapshot_stops_counting_at_the_next_refresh(world: World) -> None:
    # Given three funds holding a company, counted
    funds = more_funds(world, 3)
    widely = company("Breed Gehouden N.V.")
    hold(funds, widely, make_assessment())
    refresh_covenant_risks()
    client = Client()
    client.force_login(world.users["secretariat"])
    assert shown(client) == {"Breed Gehouden N.V.": {"forced-labour": 3}}
    # When the third fund's snapshot is deleted and its refresh runs
    Snapshot.objects.filter(fund=funds[2]).delete()
    refresh_covenant_risks(fund_id=funds[2].pk)
    # Then two funds remain: below the rule, the company is gone, and the fund is not counted
    assert shown(client) == {}
    assert not CovenantRiskSource.objects.unrestricted("test").filter(fund=funds[2]).exists()
    assert CovenantRisk.objects.unrestricted("test").get(issuer=widely).funds == 2
    # When the third fund imports again holding it, and the first replaces its holdings by a
    # newer snapshot without it
    hold([funds[2]], widely, make_assessment())
    refresh_covenant_risks(fund_id=funds[2].pk)
    assert shown(client) == {"Breed Gehouden N.V.": {"forced-labour": 3}}
    hold([funds[0]], company("Ander N.V."), make_assessment(), as_of=datetime.date(2025, 6, 30))
    refresh_covenant_risks(fund_id=funds[0].pk)
    # Then only the latest holdings count
    assert shown(client) == {}
    assert CovenantRisk.objects.unrestricted("test").get(issuer=widely).funds == 2


def test_a_company_refreshed_alone_is_still_removed_with_its_fund(world: World) -> None:
    # Given a fund counted for a company only through a refresh of that company
    funds = more_funds(world, 3)
    widely = company("Breed Gehouden N.V.")
    hold(funds[:2], widely, make_assessment())
    refresh_covenant_risks()
    hold(funds[2:], widely, make_assessment())
    refresh_covenant_risks(issuer_ids={widely.pk})
    client = Client()
    client.force_login(world.users["secretariat"])
    assert shown(client) == {"Breed Gehouden N.V.": {"forced-labour": 3}}
    # When that fund's snapshot goes and the fund is refreshed
    Snapshot.objects.filter(fund=funds[2]).delete()
    refresh_covenant_risks(fund_id=funds[2].pk)
    # Then its contribution is gone too
    assert shown(client) == {}


def expected(
    funds: list[Party], priority: str, theme: str, country: str, sector: str, minimum: int
) -> dict[str, dict[str, int]]:
    """What the rule allows, counted from the results themselves."""
    latest = Snapshot.objects.unrestricted("test").filter(fund__in=funds).latest_per_fund()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for result in (
        RiskResult.objects.unrestricted("test").filter(snapshot__in=latest).select_related("issuer")
    ):
        issuer = result.issuer
        if (
            (priority and result.priority != priority)
            or (theme and result.theme != theme)
            or (country and issuer.country_of_operations != country)
            or (sector and issuer.sector_name.lower() != sector.lower())
        ):
            continue
        counts[issuer.legal_name][result.theme] += 1
    allowed = {
        name: {t: n for t, n in themes.items() if n >= minimum} for name, themes in counts.items()
    }
    return {name: themes for name, themes in allowed.items() if themes}


def test_the_k_minimum_rule_holds_for_every_combination_of_filters(world: World) -> None:
    # Given four funds and companies held by different numbers of them, at different
    # priorities per fund, in two countries and two sectors
    funds = more_funds(world, 4)
    very_high = make_assessment()
    high = make_assessment(priority="high", likelihood=2)
    child = make_assessment(theme="child-labour", priority="medium", severity=2, likelihood=2)
    split = company("Verdeeld N.V.")  # three funds: two very high, one high
    hold(funds[:2], split, very_high)
    hold(funds[2:3], split, high)
    pair = company("Twee Fondsen N.V.", country="JP", sector="Textiles")
    hold(funds[:2], pair, very_high)
    wide = company("Vier Fondsen N.V.", sector="Textiles")
    hold(funds, wide, high)
    hold(funds[1:], wide, child)
    japan = company("Japans N.V.", country="JP")
    hold(funds[:3], japan, child)
    refresh_covenant_risks()
    client = Client()
    client.force_login(world.users["secretariat"])
    # When every combination of filters is asked for, on the page and in the export
    for priority, theme, country, sector in itertools.product(
        ["", *LEVELS], ["", "forced-labour", "child-labour"], ["", "BR", "JP"], ["", "mining"]
    ):
        query = {"priority": priority, "theme": theme, "country": country, "sector": sector}
        want = expected(funds, priority, theme, country, sector, minimum=3)
        # Then exactly the combinations of at least three funds appear, counted right
        assert shown(client, **query) == want, query
        export = client.get("/risks/covenant.csv", query).content.decode("utf-8-sig")
        assert "Twee Fondsen" not in export, query
        assert len(export.strip().splitlines()) == 1 + sum(len(t) for t in want.values()), query
    # A company two funds hold never appears; a filter that leaves it to two funds hides it
    assert "Twee Fondsen N.V." not in shown(client)
    assert shown(client)["Verdeeld N.V."] == {"forced-labour": 3}
    assert "Verdeeld N.V." not in shown(client, priority="very-high")


def test_the_page_orders_by_rank_then_score_then_funds(world: World) -> None:
    funds = more_funds(world, 4)
    evidenced = make_assessment(likelihood=4)  # very high, score 16
    potential = make_assessment(likelihood=3)  # very high, score 12
    lower = make_assessment(priority="high", likelihood=2)
    hold(funds[:3], company("Potentieel N.V."), potential)
    hold(funds[:3], company("Bewezen N.V."), evidenced)
    hold(funds, company("Breder Potentieel N.V."), potential)
    hold(funds, company("Hoog N.V."), lower)
    refresh_covenant_risks()
    client = Client()
    client.force_login(world.users["secretariat"])
    rows = client.get("/risks/covenant/").context["rows"]
    assert [(r["name"], r["score"], r["funds"]) for r in rows] == [
        ("Bewezen N.V.", 16, 3),
        ("Breder Potentieel N.V.", 12, 4),
        ("Potentieel N.V.", 12, 3),
        ("Hoog N.V.", 8, 4),
    ]
    # The same order when a filter makes the page group the totals itself
    themed = client.get("/risks/covenant/", {"theme": "forced-labour"}).context["rows"]
    assert [r["name"] for r in themed] == [r["name"] for r in rows]


def test_the_page_says_how_fresh_it_is(world: World) -> None:
    more_funds(world, 3)
    client = Client()
    client.force_login(world.users["secretariat"])
    assert "Nog geen cijfers" in client.get("/risks/covenant/").content.decode()
    call_command("refresh_covenant_risks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    hold(more_funds_existing(world), company("Breed N.V."), make_assessment())
    call_command("refresh_covenant_risks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page = client.get("/risks/covenant/").content.decode()
    assert "Cijfers van" in page and "3 fondsen" in page


def more_funds_existing(world: World) -> list[Party]:
    return list(Party.objects.filter(type=Party.Type.PENSION_FUND).order_by("pk"))


@pytest.mark.usefixtures("scored")
def test_scoring_a_snapshot_refreshes_the_covenant_risks_as_a_job(
    world: World, django_capture_on_commit_callbacks
) -> None:
    # Given a fund's scored snapshot the covenant totals do not count yet
    snapshot_id = world.extra["snapshot_id"]
    assert not CovenantRisk.objects.unrestricted("test").exists()
    # When its scoring job runs after the commit
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queue_scoring(snapshot_id)
    # Then a refresh job followed, and the fund's results are counted
    refresh = Job.objects.unrestricted("test").get(kind=REFRESH_COVENANT, state=Job.State.SUCCEEDED)
    assert refresh.state == Job.State.SUCCEEDED and refresh.party_id is None
    assert refresh.params == {"fund_id": world.fund.pk}
    source = CovenantRiskSource.objects.unrestricted("test").get(fund=world.fund)
    assert source.snapshot_id == snapshot_id and source.issuers == [world.extra["miner"].pk]
    assert CovenantRisk.objects.unrestricted("test").filter(issuer=world.extra["miner"]).exists()


@pytest.mark.usefixtures("scored")
def test_a_signals_finding_refreshes_the_companys_covenant_risks(
    world: World, django_capture_on_commit_callbacks
) -> None:
    from convenant.risk.actions import record_company_finding

    miner = world.extra["miner"]
    # When a verified signal's finding about the company is recorded (the signals app calls
    # the action inside its own transaction)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_company_finding(
            issuer=miner,
            theme="child-labour",
            reference="SIG-1",
            scale=4,
            scope=3,
            irremediability=4,
            likelihood=4,
            actual=True,
            source="test",
        )
    # Then the company's covenant totals were refreshed after the commit, with the evidence
    refresh = Job.objects.unrestricted("test").get(kind=REFRESH_COVENANT, state=Job.State.SUCCEEDED)
    assert refresh.state == Job.State.SUCCEEDED and refresh.params == {"issuer_ids": [miner.pk]}
    child = CovenantRisk.objects.unrestricted("test").get(issuer=miner, theme="child-labour")
    assert child.funds == 1 and child.evidence_funds == 1


def test_a_replacing_import_refreshes_its_funds_covenant_totals_at_once(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    from convenant.core.jobs import run_job
    from convenant.portfolios.actions import import_holdings
    from convenant.risk.testing import hold_a_mining_company

    # Given a fund's snapshot holding a company, counted
    miner, _snapshot_id = hold_a_mining_company(world, tmp_path)
    refresh_covenant_risks()
    assert CovenantRisk.objects.unrestricted("test").filter(issuer=miner).exists()
    # When the fund replaces it by a file without the company (the scoring not yet run)
    path = tmp_path / "vervangen.csv"
    path.write_text("ISIN;Marktwaarde;Valuta\nNL0000009165;1.000,00;EUR\n")
    with django_capture_on_commit_callbacks(execute=False):
        import_holdings(
            by=world.users["fund_editor"],
            fund=world.fund,
            as_of=AS_OF,
            path=path,
            filename=path.name,
            size_confirmed=True,
        )
    # (one refresh per import: the first import queued one too)
    refreshes = Job.objects.unrestricted("test").filter(kind=REFRESH_COVENANT).order_by("pk")
    assert [job.params for job in refreshes] == [{"fund_id": world.fund.pk}] * 2
    run_job(refreshes.last().pk)
    # Then the replaced snapshot no longer counts, whatever becomes of the scoring
    assert not CovenantRisk.objects.unrestricted("test").filter(issuer=miner).exists()
