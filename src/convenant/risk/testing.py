"""Shared test set-up for risk and the apps above it: a fund holding a mining company that
operates in Brazil, scored with the shipped reference data, and a hand-made assessment."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from convenant.core.testing import World
from convenant.portfolios.actions import import_holdings
from convenant.portfolios.models import Issuer, IssuerIdentifier
from convenant.risk.actions import library_folders, load_reference_dataset, score_snapshot
from convenant.risk.models import RiskAssessment

MINER_ISIN = "US0378331005"


def hold_a_mining_company(world: World, folder: Path) -> tuple[Issuer, int]:
    """Load the reference library, put a mining company (GICS 151040, operating in Brazil)
    in the register and € 2.5 million of it in the world's fund, scored. Returns the
    issuer and the snapshot's id."""
    for library in library_folders():
        load_reference_dataset(library)
    miner = Issuer.objects.create(
        legal_name="Mineração Exemplo S.A.",
        country_of_incorporation="NL",
        country_of_operations="BR",
        sector_scheme="GICS",
        sector_code="151040",
        source=Issuer.Source.GLEIF,
    )
    IssuerIdentifier.objects.create(issuer=miner, scheme="isin", value=MINER_ISIN)
    path = folder / "posities.csv"
    path.write_text(f"ISIN;Marktwaarde;Valuta\n{MINER_ISIN};2.500.000,00;EUR\n")
    report = import_holdings(
        by=world.users["fund_editor"],
        fund=world.fund,
        as_of=datetime.date(2024, 12, 31),
        path=path,
        filename=path.name,
    )
    assert report.snapshot_id is not None, report.errors
    # What the import's hook does once its transaction commits (tests never commit).
    score_snapshot(report.snapshot_id)
    return miner, report.snapshot_id


def make_assessment(**overrides: Any) -> RiskAssessment:
    """A very-high forced-labour assessment for materials in Brazil, made by hand."""
    values: dict[str, Any] = {
        "methodology": "2026.1",
        "editions": {},
        "editions_key": "{}",
        "sector_code": "15",
        "theme": "forced-labour",
        "country": "BR",
        "scale": 3,
        "scope": 3,
        "irremediability": 3,
        "severity": 4,
        "likelihood": 3,
        "priority": "very-high",
    }
    return RiskAssessment.objects.create(**(values | overrides))


def load_next_theme_edition(folder: Path) -> None:
    """Load the shipped taxonomy, then a later edition 2027.1 of it without animal welfare
    and with forced labour renamed, as a new edition would arrive."""
    import shutil

    import yaml

    from convenant.risk.actions import LIBRARY

    load_reference_dataset(LIBRARY / "themes")
    shutil.copytree(LIBRARY / "themes", folder / "themes")
    path = folder / "themes" / "dataset.yaml"
    manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    manifest["edition"] = "2027.1"
    manifest["themes"] = [t for t in manifest["themes"] if t["key"] != "animal-welfare"]
    for theme in manifest["themes"]:
        if theme["key"] == "forced-labour":
            theme.update(nl="Dwangarbeid (2027)", en="Forced labour (2027)")
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    load_reference_dataset(folder / "themes")
