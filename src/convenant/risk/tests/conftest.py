"""A scored snapshot: a mining company operating in Brazil, held by the world's fund."""

import datetime
from pathlib import Path

import pytest

from convenant.core.testing import World
from convenant.portfolios.actions import import_holdings
from convenant.portfolios.models import Issuer, IssuerIdentifier
from convenant.risk.actions import library_folders, load_reference_dataset


@pytest.fixture
def scored(world: World, tmp_path: Path, django_capture_on_commit_callbacks) -> World:
    for folder in library_folders():
        load_reference_dataset(folder)
    miner = Issuer.objects.create(
        legal_name="Mineração Exemplo S.A.",
        country_of_incorporation="NL",
        country_of_operations="BR",
        sector_scheme="GICS",
        sector_code="151040",
        source=Issuer.Source.GLEIF,
    )
    IssuerIdentifier.objects.create(issuer=miner, scheme="isin", value="US0378331005")
    path = tmp_path / "posities.csv"
    path.write_text("ISIN;Marktwaarde;Valuta\nUS0378331005;2.500.000,00;EUR\n")
    with django_capture_on_commit_callbacks(execute=True):
        report = import_holdings(
            by=world.users["fund_editor"],
            fund=world.fund,
            as_of=datetime.date(2024, 12, 31),
            path=path,
            filename=path.name,
        )
    world.extra.update(miner=miner, snapshot_id=report.snapshot_id)
    return world
