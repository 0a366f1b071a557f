"""The demo's holdings files, written the way funds and custodians really publish them, so the
demo imports what a new user brings: a custodian's semicolon CSV with title and notes, a
published JSON list with Dutch keys and country names, and an English CSV whose cells carry
their column's label, with blank lines, cash, currency forwards, futures and a totals row.
Every name and number is fictional."""

from __future__ import annotations

import gettext
import json
import random
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

import pycountry

from convenant.portfolios import testing

# (isin, name, country code, sector, the company's size in euro)
Universe = list[tuple[str, str, str, str, float]]
# Units per euro, rounded, as the demo's rates on its dates; the currency a company's shares
# trade in where it is not the euro.
PER_EURO = {"EUR": 1.0, "USD": 1.04, "GBP": 0.83, "JPY": 163.1, "CHF": 0.94}
TRADED_IN = {"US": "USD", "GB": "GBP", "JP": "JPY", "CH": "CHF"}


@cache
def _dutch() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])


def country_name(code: str, language: str) -> str:
    """The country as a person writes it: "Verenigde Staten", "United States"."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    english = getattr(country, "common_name", None) or country.name
    return _dutch().gettext(country.name) if language == "nl" else english


def _amount(rng: random.Random, size: float | None = None, currency: str = "EUR") -> Decimal:
    """A position's value: in proportion to the company's size (an index-like fund holds
    about the same fraction of every company), give or take the fund's own tilt."""
    euro = size * rng.lognormvariate(0, 0.3) if size is not None else rng.lognormvariate(13, 1.6)
    return Decimal(f"{euro * PER_EURO[currency]:.2f}")


def _english(value: Decimal) -> str:
    return f"{value:,.2f}"


def _dutch_amount(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def write_custodian_csv(path: Path, rng: random.Random, universe: Universe, size: int) -> None:
    """A custodian-style file: title and note lines, semicolons and decimal commas, some rows
    without an ISIN and with the name cut short, so the demo has positions to review."""
    picks = rng.sample(universe, min(size, len(universe)))
    with path.open("w", encoding="utf-8") as out:
        out.write("Beleggingen per peildatum (fictieve demogegevens)\n\n")
        out.write("ISIN;Naam;Land;Marktwaarde;Valuta;Aantal\n")
        for isin, name, country, _sector, company_size in picks:
            if rng.random() < 0.05:
                isin, name = "", name.upper()[: rng.randint(12, 24)]
            if rng.random() < 0.01:
                name = testing.fictional_company(rng)  # not in the register: a new issuer
                isin = ""
            currency = TRADED_IN.get(country, "EUR")
            value = _dutch_amount(_amount(rng, company_size, currency)).replace(".", "")
            out.write(f"{isin};{name};{country};{value};{currency};{rng.randint(10, 500_000)}\n")
        out.write(
            "\nBron: fictieve bewaarder. Aan dit overzicht kunnen geen rechten worden ontleend.\n"
        )


def write_published_json(path: Path, rng: random.Random, universe: Universe, size: int) -> None:
    """A fund's published list as JSON: an array of records with Dutch keys, countries in
    Dutch, "-" where a line has no ISIN, cash and a money-market fund among the lines, and no
    currency (the person gives EUR on the page)."""
    picks = rng.sample(universe, min(size, len(universe)))
    records: list[dict[str, object]] = []
    for isin, name, country, sector, company_size in picks:
        if rng.random() < 0.2:
            isin = "-"  # many published lists leave the ISIN out
        if rng.random() < 0.05:
            isin, name = "-", name.upper()[: rng.randint(12, 24)]  # cut short: to review
        if rng.random() < 0.01:
            isin, name = "-", testing.fictional_company(rng)  # not in the register
        records.append(
            {
                "Naam": name,
                "ISIN": isin,
                "Land": country_name(country, "nl"),
                "Sector": sector,
                "Categorie": "Aandelen",
                "Marktwaarde": float(_amount(rng, company_size)),
            }
        )
    for name, category in (
        ("Liquide middelen EUR", "Liquiditeiten"),
        ("Deposito ING 3 mnd", "Liquiditeiten"),
        ("Demo Euro Geldmarktfonds", "Geldmarktfondsen"),
    ):
        records.append(
            {
                "Naam": name,
                "ISIN": "-",
                "Land": "",
                "Sector": "",
                "Categorie": category,
                "Marktwaarde": float(_amount(rng)),
            }
        )
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")


def write_labelled_csv(path: Path, rng: random.Random, universe: Universe, size: int) -> None:
    """An English list whose every cell starts with its column's label ("Name: …"), values in
    US dollars said in the heading, countries as "Location", a blank line between equities
    and the other lines, currency forwards, futures and cash, and a totals row."""
    picks = rng.sample(universe, min(size, len(universe)))
    lines = [
        "Holdings report (fictional demo data)",
        "",
        "Name,ISIN,Location,Market Value (USD),Asset Class",
    ]
    total = Decimal(0)

    def row(name: str, isin: str, location: str, value: Decimal, asset_class: str) -> None:
        nonlocal total
        total += value
        cells = [
            f"Name: {name}",
            f"ISIN: {isin or '-'}",
            f"Location: {location}",
            f"Market Value (USD): {_english(value)}",
            f"Asset Class: {asset_class}",
        ]
        lines.append(",".join(f'"{c}"' for c in cells))

    for isin, name, country, _sector, company_size in picks:
        if rng.random() < 0.1:
            isin, name = "", name.upper()[:28]  # cut short, as terminals print names
        row(name, isin, country_name(country, "en"), _amount(rng, company_size, "USD"), "Equity")
    lines.append("")
    row("USD CASH", "", "", _amount(rng), "Cash")
    row("EUR/USD FX FORWARD 2025-09-30", "", "", Decimal("1250.50"), "FX Forward")
    row("S&P 500 E-MINI FUT SEP25", "", "", Decimal("830.00"), "Future")
    lines.append(f'"Total",,,"{_english(total)}",')
    lines.append("")
    lines.append("Values are fictional and for demonstration only.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# The layout each demo fund's latest file has (by position among the funds); the rest use
# the custodian's CSV.
Writer = Callable[[Path, random.Random, Universe, int], None]
LAYOUTS: dict[int, tuple[Writer, str, str]] = {
    0: (write_published_json, "json", "EUR"),
    1: (write_labelled_csv, "csv", ""),
}
CUSTODIAN: tuple[Writer, str, str] = (write_custodian_csv, "csv", "")
