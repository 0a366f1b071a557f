"""On an issuer's page a fund sees its own positions; the secretariat sees the covenant's
joint leverage (how many funds, how much together), never which fund; nobody sees another
fund's positions."""

import datetime
from pathlib import Path

import pytest
from django.test import Client

from convenant.core.testing import World
from convenant.portfolios.actions import import_holdings
from convenant.portfolios.models import Issuer, IssuerIdentifier

AS_OF = datetime.date(2024, 12, 31)


@pytest.fixture
def held(world: World, tmp_path: Path) -> Issuer:
    group = Issuer.objects.create(
        legal_name="Groep Holding N.V.", country_of_incorporation="NL", source=Issuer.Source.GLEIF
    )
    daughter = Issuer.objects.create(
        legal_name="Dochter B.V.",
        country_of_incorporation="NL",
        source=Issuer.Source.GLEIF,
        parent=group,
    )
    IssuerIdentifier.objects.create(issuer=group, scheme="isin", value="NL0010273215")
    IssuerIdentifier.objects.create(issuer=daughter, scheme="isin", value="NL0011794037")
    for actor, fund, isin, value in (
        ("fund_editor", world.fund, "NL0010273215", "700"),
        ("other_fund", world.other_fund, "NL0011794037", "300"),
    ):
        path = tmp_path / f"{fund.code}.csv"
        path.write_text(f"ISIN;Naam;Marktwaarde;Valuta;Belang %\n{isin};X;{value};EUR;0,5\n")
        import_holdings(
            by=world.users[actor],
            fund=fund,
            as_of=AS_OF,
            path=path,
            filename=f"positions-{fund.code}.csv",
        )
    return group


def page(world: World, actor: str, issuer: Issuer) -> str:
    client = Client()
    client.force_login(world.users[actor])
    return client.get(f"/issuers/{issuer.pk}/").content.decode()


def test_a_fund_sees_its_own_positions_only(world: World, held: Issuer) -> None:
    mine = page(world, "fund_viewer", held)
    assert "positions-FA.csv" not in mine and "Pensioenfonds Alfa" in mine
    assert "Pensioenfonds Beta" not in mine and "300" not in mine
    theirs = page(world, "other_fund", held)  # via the subsidiary
    assert "Pensioenfonds Beta" in theirs and "Pensioenfonds Alfa" not in theirs


def test_secretariat_sees_joint_leverage_but_no_fund(world: World, held: Issuer, settings) -> None:
    withheld = page(world, "secretariat", held)  # two funds: below the minimum of three
    # Below the minimum not even the count shows: "2" would tell who holds it.
    assert "€ 1.000" not in withheld and "<dd>2</dd>" not in withheld
    assert "<dd>minder dan 3</dd>" in withheld
    settings.AGGREGATE_MIN_FUNDS = 2
    text = page(world, "secretariat", held)
    assert "€ 1.000" in text and "Pensioenfonds" not in text
    assert "<dd>2</dd>" in text  # two funds hold the group


@pytest.mark.parametrize("actor", ["union", "monitoring", "fund_viewer"])
def test_others_see_no_leverage(world: World, held: Issuer, actor: str) -> None:
    assert "€ 1.000" not in page(world, actor, held)
