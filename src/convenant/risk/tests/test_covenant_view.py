"""The covenant-wide view shows a company and theme only where enough funds hold it that no
single fund's position can be read, and never names a fund."""

import datetime

from django.test import Client

from convenant.core.testing import World
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer, Snapshot
from convenant.risk.actions import refresh_covenant_risks
from convenant.risk.models import RiskAssessment, RiskResult
from convenant.risk.testing import make_assessment


def hold(world: World, funds: list[Party], issuer: Issuer, assessment: RiskAssessment) -> None:
    for fund in funds:
        snapshot, _ = Snapshot.objects.get_or_create(fund=fund, as_of=datetime.date(2024, 12, 31))
        RiskResult.objects.create(
            snapshot=snapshot,
            issuer=issuer,
            assessment=assessment,
            theme=assessment.theme,
            priority=assessment.priority,
            rank=["low", "medium", "high", "very-high"].index(assessment.priority) + 1,
            value_eur=1000,
        )


def test_only_combinations_held_by_enough_funds(world: World) -> None:
    third = Party.objects.create(
        covenant=world.covenant,
        constituency=world.fund.constituency,
        type=Party.Type.PENSION_FUND,
        name="Pensioenfonds Gamma",
        slug="gamma",
        code="FG",
        joined_on=datetime.date(2019, 1, 1),
    )
    assessment = make_assessment()
    widely = Issuer.objects.create(legal_name="Breed Gehouden N.V.", source=Issuer.Source.GLEIF)
    narrowly = Issuer.objects.create(legal_name="Smal Gehouden N.V.", source=Issuer.Source.GLEIF)
    hold(world, [world.fund, world.other_fund, third], widely, assessment)
    hold(world, [world.fund, world.other_fund], narrowly, assessment)
    refresh_covenant_risks()

    client = Client()
    client.force_login(world.users["secretariat"])
    response = client.get("/risks/covenant/")
    rows = response.context["rows"]
    assert [(r["name"], r["funds"]) for r in rows] == [("Breed Gehouden N.V.", 3)]
    page = response.content.decode()
    assert "Smal Gehouden" not in page and "Pensioenfonds" not in page
    denied = Client()
    denied.force_login(world.users["fund_admin"])
    assert denied.get("/risks/covenant/").status_code == 403


def test_a_fund_sees_the_covenants_stake_beside_its_risk_only_with_enough_other_funds(
    world: World,
) -> None:
    from django.db import connection

    from convenant.portfolios.importing.write import partition_name
    from convenant.portfolios.models import Position

    funds = [world.fund, world.other_fund] + [
        Party.objects.create(
            covenant=world.covenant,
            constituency=world.fund.constituency,
            type=Party.Type.PENSION_FUND,
            name=f"Pensioenfonds {name}",
            slug=name.lower(),
            code=f"F{name[0]}",
            joined_on=datetime.date(2019, 1, 1),
        )
        for name in ("Gamma", "Delta")
    ]
    assessment = make_assessment()
    widely = Issuer.objects.create(legal_name="Breed Gehouden N.V.", source=Issuer.Source.GLEIF)
    narrowly = Issuer.objects.create(legal_name="Smal Gehouden N.V.", source=Issuer.Source.GLEIF)
    for fund in funds:  # an empty partition per snapshot, as an import makes
        snapshot = Snapshot.objects.create(fund=fund, as_of=datetime.date(2024, 12, 31))
        with connection.cursor() as cursor:
            cursor.execute(
                f'CREATE TABLE "{partition_name(snapshot.pk)}" PARTITION OF portfolios_position '
                f"FOR VALUES IN ({snapshot.pk})"
            )
    for issuer, holders in ((widely, funds), (narrowly, funds[:3])):
        hold(world, holders, issuer, assessment)
        for number, fund in enumerate(holders):
            Position.objects.create(
                snapshot=Snapshot.objects.get(fund=fund),
                row=issuer.pk * 10 + number,
                issuer=issuer,
                name=issuer.legal_name,
                currency="EUR",
                market_value=1_000_000,
                value_eur=1_000_000,
                status=Position.Status.MATCHED,
                match_method="isin",
                match_confidence=100,
            )
    client = Client()
    client.force_login(world.users["fund_viewer"])
    snapshot = Snapshot.objects.get(fund=world.fund)
    response = client.get(f"/holdings/{snapshot.pk}/risks/")
    leverage = {r["name"]: r["leverage"] for r in response.context["rows"]}
    # Three other funds hold the first: the total of four is shown; two others: withheld.
    assert leverage["Breed Gehouden N.V."] == {"funds": 4, "value": 4_000_000}
    assert leverage["Smal Gehouden N.V."] == {"withheld": True}
    page = response.content.decode()
    assert "Pensioenfonds Gamma" not in page and "Pensioenfonds Delta" not in page
    assert "convenant: 4 fondsen" in page and "minder dan 3 andere fondsen" in page


def _covenant_world(world: World, companies: int = 60) -> list[Issuer]:
    funds = [world.fund, world.other_fund] + [
        Party.objects.create(
            covenant=world.covenant,
            constituency=world.fund.constituency,
            type=Party.Type.PENSION_FUND,
            name=f"Pensioenfonds {n}",
            slug=f"fonds-{n}",
            code=f"P{n}",
            joined_on=datetime.date(2019, 1, 1),
        )
        for n in range(3, 4)
    ]
    forced = make_assessment(priority="high")
    child = make_assessment(theme="child-labour")
    issuers = []
    for number in range(companies):
        issuer = Issuer.objects.create(
            legal_name=f"Bedrijf {number:02d} N.V.",
            source="gleif",
            sector_name="Mining" if number % 2 else "Textiles",
            # Where it operates: the country its risks were assessed for (Brazil).
            country_of_operations="BR",
        )
        hold(world, funds, issuer, forced)
        if number < 5:
            hold(world, funds, issuer, child)
        issuers.append(issuer)
    # Held by two funds only: below the rule, on the page and in the export alike.
    hidden = Issuer.objects.create(legal_name="Smal Gehouden N.V.", source="gleif")
    hold(world, funds[:2], hidden, child)
    refresh_covenant_risks()
    return issuers


def test_covenant_risks_one_row_per_company_with_its_themes_highest_first(world: World) -> None:
    _covenant_world(world)
    client = Client()
    client.force_login(world.users["secretariat"])
    first = client.get("/risks/covenant/")
    rows = first.context["rows"]
    # Given 60 companies, 5 of them with a second theme: 60 rows, not 65.
    assert len(rows) == 50 and first.context["page"].paginator.count == 60
    assert len(client.get("/risks/covenant/", {"page": 2}).context["rows"]) == 10
    top = rows[0]
    assert top["themes"][0]["theme"] == "child-labour"
    assert len(top["themes"]) == 2 and top["themes"][0]["rank"] >= top["themes"][1]["rank"]
    assert all(len(r["themes"]) == 1 for r in rows[5:])
    assert "Smal Gehouden" not in first.content.decode()


def test_covenant_risks_filters(world: World) -> None:
    _covenant_world(world)
    client = Client()
    client.force_login(world.users["secretariat"])

    def names(**query: str) -> set[str]:
        return {r["name"] for r in client.get("/risks/covenant/", query).context["page"]}

    themed = client.get("/risks/covenant/", {"theme": "child-labour"}).context["rows"]
    assert len(themed) == 5 and {t["theme"] for r in themed for t in r["themes"]} == {
        "child-labour"
    }
    top = themed[0]["themes"][0]["rank"]
    level = ["low", "medium", "high", "very-high"][top - 1]
    assert names(priority=level) == {f"Bedrijf {n:02d} N.V." for n in range(5)}
    assert len(names(sector="mining")) == 30
    assert names(country="BR") == names() and names(country="JP") == set()
    # An unknown filter value narrows nothing and never fails.
    assert client.get("/risks/covenant/", {"priority": "nonsense", "page": "x"}).status_code == 200


def test_covenant_risks_export_keeps_the_k_minimum_rule(world: World) -> None:
    _covenant_world(world, companies=3)
    client = Client()
    client.force_login(world.users["secretariat"])
    response = client.get("/risks/covenant.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == (
        "issuer,lei,country,sector,theme,priority,score,funds,funds_with_company_evidence,value_eur"
    )
    # Three companies, each with its themes: 3 + 3 rows; the company two funds hold is absent.
    assert len(lines) == 1 + 6
    assert "Smal Gehouden" not in text and "Pensioenfonds" not in text
    assert all(line.split(",")[7] == "3" for line in lines[1:])
    themed = client.get("/risks/covenant.csv", {"theme": "child-labour"}).content.decode()
    assert len(themed.strip().splitlines()) == 1 + 3
    xlsx = client.get("/risks/covenant.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/risks/covenant.pdf").status_code == 404
    denied = Client()
    denied.force_login(world.users["fund_admin"])
    assert denied.get("/risks/covenant.csv").status_code == 403


def test_covenant_risks_query_count_is_flat(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(world.users["secretariat"])
    _covenant_world(world, companies=3)
    client.get("/risks/covenant/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get("/risks/covenant/")
    _covenant_world_more(world)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/risks/covenant/").context["page"].paginator.count == 43
    with CaptureQueriesContext(connection) as themed:
        client.get("/risks/covenant/", {"theme": "forced-labour", "priority": "high"})
    # Session, user, memberships, steering-group seats, themes, count, page, freshness and
    # waiting refreshes: nine, however many companies, whether the page reads the
    # companies' lines or groups the totals.
    assert len(many) == len(few) == len(themed) == 10  # one more: the country and sector choices


def _covenant_world_more(world: World) -> None:
    funds = list(Party.objects.filter(type=Party.Type.PENSION_FUND))
    forced = RiskAssessment.objects.filter(theme="forced-labour").first() or make_assessment()
    for number in range(40):
        issuer = Issuer.objects.create(legal_name=f"Meer {number:02d} N.V.", source="gleif")
        hold(world, funds, issuer, forced)
    refresh_covenant_risks()
