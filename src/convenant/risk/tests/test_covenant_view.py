"""The covenant-wide view shows a company and theme only where enough funds hold it that no
single fund's position can be read, and never names a fund."""

import datetime

from django.test import Client

from convenant.core.testing import World
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer, Snapshot
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
            rank=4,
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

    client = Client()
    client.force_login(world.users["secretariat"])
    response = client.get("/risks/covenant/")
    rows = response.context["rows"]
    assert [(r["issuer__legal_name"], r["funds"]) for r in rows] == [("Breed Gehouden N.V.", 3)]
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
    leverage = {r.issuer.legal_name: r.leverage for r in response.context["page"]}
    # Three other funds hold the first: the total of four is shown; two others: withheld.
    assert leverage["Breed Gehouden N.V."] == {"funds": 4, "value": 4_000_000}
    assert leverage["Smal Gehouden N.V."] == {"withheld": True}
    page = response.content.decode()
    assert "Pensioenfonds Gamma" not in page and "Pensioenfonds Delta" not in page
    assert "convenant: 4 fondsen" in page and "minder dan 3 andere fondsen" in page


def test_covenant_risks_filter_by_theme_and_page(world: World) -> None:
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
    forced = make_assessment()
    child = make_assessment(theme="child-labour")
    for number in range(60):
        issuer = Issuer.objects.create(legal_name=f"Bedrijf {number:02d} N.V.", source="gleif")
        hold(world, funds, issuer, forced)
        if number < 5:
            hold(world, funds, issuer, child)
    client = Client()
    client.force_login(world.users["secretariat"])
    first = client.get("/risks/covenant/")
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 65
    assert len(client.get("/risks/covenant/", {"page": 2}).context["rows"]) == 15
    themed = client.get("/risks/covenant/", {"theme": "child-labour"}).context["rows"]
    assert len(themed) == 5 and {r["theme"] for r in themed} == {"child-labour"}
