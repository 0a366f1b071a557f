"""The issuer register of the demo: fictional companies loaded through the real GLEIF loader
from files the project generates, spread over countries and GICS industries as a global
equity index is (``index_mix``), with a parent and a merged duplicate.
Every name and identifier is invented (valid check digits, owned by nobody)."""

from __future__ import annotations

import datetime
import random
import tempfile
from decimal import Decimal
from pathlib import Path

from django.db.models import Sum
from django.utils import translation

from convenant.core.access import Role
from convenant.core.models import User
from convenant.parties.demo import DEMO_DOMAIN
from convenant.parties.models import Membership, Party
from convenant.portfolios import demo_files, index_mix, testing
from convenant.portfolios.actions import (
    create_issuer,
    import_holdings,
    merge_issuers,
    queue_import,
    register,
)
from convenant.portfolios.models import (
    ExchangeRate,
    ImportJob,
    Issuer,
    IssuerIdentifier,
    Snapshot,
)

DEMO_ISSUERS = 5_000
# The sector word in a name made by ``testing.fictional_company`` → (GICS sector code, sector,
# industry): for the benchmarks that still name their companies that way.
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


def _demo_secretariat() -> User | None:
    """The demo's secretariat (made by the parties demo), who keeps the register."""
    return (
        User.objects.unrestricted("loading the demo")
        .filter(email=f"secretariaat@{DEMO_DOMAIN}")
        .first()
    )


def load_demo_issuers() -> str:
    """Every write goes through the register's actions, audited as the demo's secretariat
    (or as convenant itself when the demo has no secretariat)."""
    issuers = Issuer.objects.unrestricted("loading the demo")
    if issuers.filter(source=Issuer.Source.GLEIF).exists():  # loaded before: keep it
        return f"Issuer register: {issuers.current().count():,} fictional issuers (already loaded)."
    keeper = _demo_secretariat()
    with tempfile.TemporaryDirectory() as folder:
        lei_file, isin_file = Path(folder) / "lei.csv", Path(folder) / "isin.csv"
        # Spread over countries and industries as a global equity index is.
        records = testing.write_index_golden_copy(lei_file, DEMO_ISSUERS, seed=2019)
        testing.write_isin_mapping(
            isin_file, [(lei, name, c.country) for lei, name, c in records], seed=2020
        )
        register.load_lei_records(lei_file, by=keeper)
        register.load_isin_mapping(isin_file, by=keeper)
    industry_of = {lei: company.industry for lei, _name, company in records}
    register.set_sectors(
        by=keeper,
        rows=[
            (pk, "GICS", industry.code, industry.sector, industry.name)
            for pk, lei in issuers.filter(source=Issuer.Source.GLEIF).values_list("pk", "lei")
            if lei and (industry := industry_of.get(lei))
        ],
    )
    group = issuers.filter(lei=records[0][0]).first()
    subsidiary = issuers.filter(lei=records[1][0]).first()
    if group and subsidiary:
        register.set_parent(by=keeper, issuer=subsidiary, parent=group)
    if group and keeper:
        # A duplicate the secretariat once added by hand, merged into the group since.
        duplicate = create_issuer(
            by=keeper,
            legal_name=f"{group.legal_name.rsplit(' ', 1)[0]} (old register entry)",
            country_of_incorporation=group.country_of_incorporation,
        )
        merge_issuers(by=keeper, duplicate=duplicate, into=group)
    isins = IssuerIdentifier.objects.unrestricted("loading the demo").count()
    return (
        f"Issuer register: {issuers.current().count():,} fictional issuers with "
        f"{isins:,} ISINs (loaded through the GLEIF loader)."
    )


# --- Holdings snapshots ----------------------------------------------------------------------

DEMO_AS_OF = datetime.date(2024, 12, 31)
EARLIER_AS_OF = datetime.date(2023, 12, 31)
# Demo rates, rounded, for the two demo dates: units per euro (fictional demo data).
DEMO_RATES = {
    "USD": ("1.04", "1.10"),
    "GBP": ("0.83", "0.87"),
    "JPY": ("163.1", "156.3"),
    "CHF": ("0.94", "0.93"),
}
POSITIONS_PER_FUND = (800, 2500)


def _steward(fund: Party) -> User:
    """Each demo fund's fictional data steward, who 'uploads' its holdings."""
    user, _ = User.objects.unrestricted("loading the demo").get_or_create(
        email=f"beheer-{fund.code.lower()}@{DEMO_DOMAIN}",
        defaults={"full_name": f"Gegevensbeheer {fund.display_name}"},
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.unrestricted("loading the demo").get_or_create(
        user=user, party=fund, defaults={"role": Role.EDITOR}
    )
    return user


def load_demo_snapshots(*, funds: int | None = None) -> str:
    """Every demo fund gets a snapshot for the demo date (the first fund a year earlier too),
    imported through the real import action. Funds that have one already are left alone.
    With ``funds``, only the first so many funds (for tests)."""
    for currency, (late, early) in DEMO_RATES.items():
        for date, rate in ((DEMO_AS_OF, late), (EARLIER_AS_OF, early)):
            ExchangeRate.objects.get_or_create(
                currency=currency, date=date, defaults={"units_per_eur": Decimal(rate)}
            )
    # One ISIN per company, and each company's size follows it into every fund's file: most
    # value in large companies of developed markets, as in an index-like portfolio.
    first_isin: dict[int, tuple[str, str, str, str, str]] = {}
    for issuer_id, *row in (
        IssuerIdentifier.objects.unrestricted("loading the demo")
        .filter(issuer__source=Issuer.Source.GLEIF)
        .order_by("issuer_id", "value")
        .values_list(
            "issuer_id",
            "value",
            "issuer__legal_name",
            "issuer__country_of_incorporation",
            "issuer__sector_name",
            "issuer__lei",
        )
    ):
        first_isin.setdefault(issuer_id, tuple(row))  # type: ignore[arg-type]
    universe = [
        (isin, name, country, sector, index_mix.size_of(lei or isin, country))
        for isin, name, country, sector, lei in list(first_isin.values())[:DEMO_ISSUERS]
    ]
    active = Party.objects.funds().active(DEMO_AS_OF).order_by("code")  # not those that left
    done = set(
        Snapshot.objects.unrestricted("loading the demo")
        .filter(as_of=DEMO_AS_OF)
        .values_list("fund_id", flat=True)
    )
    imported = 0
    with tempfile.TemporaryDirectory() as folder:
        for index, fund in enumerate(active[:funds] if funds else active):
            dates = [EARLIER_AS_OF, DEMO_AS_OF] if fund.code == "PF001" else [DEMO_AS_OF]
            if fund.pk in done or not universe:
                continue
            steward = _steward(fund)
            for as_of in dates:
                rng = random.Random(f"{fund.code}-{as_of}")
                write, suffix, currency = (
                    demo_files.LAYOUTS.get(index, demo_files.CUSTODIAN)
                    if as_of == DEMO_AS_OF
                    else demo_files.CUSTODIAN
                )
                path = Path(folder) / f"{fund.code}-{as_of}.{suffix}"
                write(path, rng, universe, rng.randint(*POSITIONS_PER_FUND))
                import_holdings(
                    by=steward,
                    fund=fund,
                    as_of=as_of,
                    path=path,
                    filename=f"bewaarder-{fund.code}-{as_of}.{suffix}",
                    currency=currency,
                )
                imported += 1
    positions = (
        Snapshot.objects.unrestricted("loading the demo").aggregate(n=Sum("positions_count"))["n"]
        or 0
    )
    snapshots = Snapshot.objects.unrestricted("loading the demo").count()
    return (
        f"Holdings: {snapshots} fictional snapshots with {positions:,} "
        f"positions ({imported} imported now)."
    )


REFUSED_AS_OF = datetime.date(2025, 6, 30)
REFUSED_FILE = "bewaarder-PF001-2025-06-30.csv"


def load_demo_refused_upload() -> str:
    """The first fund's mid-year file, uploaded through the page's job and refused for a
    few rows (a wrong check digit, a negative value, a currency without a rate that day),
    so the demo shows the row reasons and the choice to import the valid rows."""
    fund = Party.objects.filter(code="PF001").first()
    if (
        fund is None
        or ImportJob.objects.unrestricted("loading the demo")
        .filter(fund=fund, filename=REFUSED_FILE)
        .exists()
    ):
        return "Holdings: the refused demo upload is there already."
    picks = list(
        IssuerIdentifier.objects.unrestricted("loading the demo")
        .filter(issuer__source=Issuer.Source.GLEIF)
        .order_by("value")
        .values_list("value", "issuer__legal_name", "issuer__country_of_incorporation")[:40]
    )
    lines = [
        "Beleggingen per 30 juni 2025 (fictieve demogegevens)",
        "",
        "ISIN;Naam;Land;Marktwaarde;Valuta",
    ]
    rng = random.Random("refused")
    for n, (isin, name, country) in enumerate(picks):
        value, currency = f"{rng.lognormvariate(13, 1.4):.2f}".replace(".", ","), "EUR"
        if n == 7:
            isin = isin[:11] + str((int(isin[11]) + 1) % 10)  # a digit typed wrong
        elif n == 19:
            value = "-" + value
        elif n == 31:
            currency = "USD"  # the secretariat has no USD rate for this date
        lines.append(f"{isin};{name};{country};{value};{currency}")
    with translation.override("nl"):
        job = queue_import(
            by=_steward(fund),
            fund=fund,
            as_of=REFUSED_AS_OF,
            chunks=["\n".join(lines).encode() + b"\n"],
            filename=REFUSED_FILE,
        )
    job.refresh_from_db()
    with translation.override("en"):  # the demo's summary is in English
        status = job.get_status_display()
    return f"Holdings: a demo upload for {fund.code} ended “{status}”."
