"""Comparing two snapshots of a fund, per issuer."""

import datetime
from pathlib import Path

from django.test import Client

from convenant.core.testing import World
from convenant.portfolios.actions import import_holdings
from convenant.portfolios.models import Issuer


def load(world: World, tmp_path: Path, as_of: datetime.date, text: str) -> int:
    path = tmp_path / f"{as_of}.csv"
    path.write_text("Naam;Land;Marktwaarde;Valuta\n" + text)
    report = import_holdings(
        by=world.users["fund_editor"], fund=world.fund, as_of=as_of, path=path, filename=path.name
    )
    assert report.snapshot_id is not None
    return report.snapshot_id


def test_bought_sold_more_less(world: World, tmp_path: Path) -> None:
    for name in ("Alfa Staal", "Beta Chemie", "Gamma Bank", "Delta Zuivel"):
        Issuer.objects.create(
            legal_name=f"{name} N.V.", country_of_incorporation="NL", source=Issuer.Source.GLEIF
        )
    load(
        world,
        tmp_path,
        datetime.date(2023, 12, 31),
        "Alfa Staal NV;NL;100;EUR\nBeta Chemie NV;NL;100;EUR\nGamma Bank NV;NL;100;EUR\n",
    )
    later = load(
        world,
        tmp_path,
        datetime.date(2024, 12, 31),
        "Alfa Staal NV;NL;150;EUR\nBeta Chemie NV;NL;40;EUR\nDelta Zuivel NV;NL;70;EUR\n",
    )
    client = Client()
    client.force_login(world.users["fund_viewer"])
    response = client.get(f"/holdings/{later}/compare/")
    assert response.context["counts"] == {"bought": 1, "sold": 1, "more": 1, "less": 1}
    deltas = {name: delta for name, _pk, _old, _new, delta in response.context["changes"]}
    assert deltas == {
        "Gamma Bank N.V.": -100,
        "Delta Zuivel N.V.": 70,
        "Beta Chemie N.V.": -60,
        "Alfa Staal N.V.": 50,
    }
    stranger = Client()
    stranger.force_login(world.users["other_fund"])
    assert stranger.get(f"/holdings/{later}/compare/").status_code == 404


def test_by_default_a_snapshot_is_compared_with_the_previous_complete_one(
    world: World, tmp_path: Path
) -> None:
    # Given complete holdings at the end of 2023, a partial file in June and complete holdings
    # at the end of 2024
    Issuer.objects.create(
        legal_name="Alfa Staal N.V.", country_of_incorporation="NL", source=Issuer.Source.GLEIF
    )
    rows = "Alfa Staal NV;NL;100;EUR\n" + "".join(f"Bedrijf {i} NV;NL;100;EUR\n" for i in range(9))
    complete = load(world, tmp_path, datetime.date(2023, 12, 31), rows)
    path = tmp_path / "partial.csv"
    path.write_text("Naam;Land;Marktwaarde;Valuta\nAlfa Staal NV;NL;100;EUR\n")
    import_holdings(
        by=world.users["fund_editor"],
        fund=world.fund,
        as_of=datetime.date(2024, 6, 30),
        path=path,
        filename=path.name,
        partial=True,
    )
    later = load(world, tmp_path, datetime.date(2024, 12, 31), rows)
    client = Client()
    client.force_login(world.users["fund_viewer"])
    # When the latest is compared without saying with which
    response = client.get(f"/holdings/{later}/compare/")
    # Then it is compared with the complete holdings of 2023, not the partial file
    assert response.context["other"].pk == complete
    assert response.context["counts"] == {"bought": 0, "sold": 0, "more": 0, "less": 0}
