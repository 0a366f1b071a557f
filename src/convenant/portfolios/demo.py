"""The issuer register of the demo: fictional companies loaded through the real GLEIF loader
from files the project generates, with GICS-style sectors, a parent and a merged duplicate.
Every name and identifier is invented (valid check digits, owned by nobody)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.db import connection, transaction

from convenant.portfolios import gleif, testing
from convenant.portfolios.models import Issuer, IssuerIdentifier

DEMO_ISSUERS = 5_000
# The sector word in a generated name → (GICS sector code, sector, industry).
SECTORS = {
    "Mining": ("15", "Materials", "Metals & Mining"),
    "Chemicals": ("15", "Materials", "Chemicals"),
    "Foods": ("30", "Consumer Staples", "Food Products"),
    "Textiles": ("25", "Consumer Discretionary", "Textiles, Apparel & Luxury Goods"),
    "Energy": ("10", "Energy", "Oil, Gas & Consumable Fuels"),
    "Logistics": ("20", "Industrials", "Transportation Infrastructure"),
    "Tech": ("45", "Information Technology", "Technology Hardware"),
    "Bank": ("40", "Financials", "Banks"),
    "Retail": ("25", "Consumer Discretionary", "Specialty Retail"),
    "Motors": ("25", "Consumer Discretionary", "Automobiles"),
}


def load_demo_issuers() -> str:
    with tempfile.TemporaryDirectory() as folder:
        lei_file, isin_file = Path(folder) / "lei.csv", Path(folder) / "isin.csv"
        records = testing.write_golden_copy(lei_file, DEMO_ISSUERS, seed=2019)
        testing.write_isin_mapping(isin_file, records, seed=2020)
        gleif.load_lei_records(lei_file)
        gleif.load_isin_mapping(isin_file)
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        for word, (code, sector, industry) in SECTORS.items():
            cursor.execute(
                "UPDATE portfolios_issuer SET sector_scheme = 'GICS', sector_code = %s,"
                " sector_name = %s, industry_name = %s"
                " WHERE legal_name LIKE %s AND source = 'gleif'",
                [code, sector, industry, f"% {word} %"],
            )
        group, subsidiary = (
            Issuer.objects.filter(lei=records[0][0]).first(),
            Issuer.objects.filter(lei=records[1][0]).first(),
        )
        if group and subsidiary and subsidiary.parent_id is None:
            subsidiary.parent = group
            subsidiary.save(update_fields=["parent", "updated_at"])
        if group and not Issuer.objects.filter(merged_into=group).exists():
            Issuer.objects.create(
                legal_name=f"{group.legal_name.rsplit(' ', 1)[0]} (old register entry)",
                country_of_incorporation=group.country_of_incorporation,
                source=Issuer.Source.DEMO,
                merged_into=group,
            )
    return (
        f"Issuer register: {Issuer.objects.current().count():,} fictional issuers with "
        f"{IssuerIdentifier.objects.count():,} ISINs (loaded through the GLEIF loader)."
    )
