"""Recognising the columns of real holdings lists under their usual English and Dutch names."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

# field → (label, headings it is known by; compared after normalise_heading()).
FIELDS: dict[str, tuple[object, tuple[str, ...]]] = {
    "isin": (_("ISIN"), ("isin", "isin code", "isincode", "isin nummer", "security isin")),
    "lei": (_("LEI"), ("lei", "lei code", "legal entity identifier")),
    "name": (
        _("Issuer or security name"),
        (
            "issuer",
            "issuer name",
            "name",
            "security name",
            "security",
            "security description",
            "company",
            "company name",
            "description",
            "instrument",
            "instrument name",
            "holding",
            "naam",
            "naam uitgevende instelling",
            "uitgevende instelling",
            "onderneming",
            "naam onderneming",
            "bedrijf",
            "bedrijfsnaam",
            "omschrijving",
            "fondsnaam",
            "titel",
            "naam instelling",
            "emittent",
            "naam emittent",
        ),
    ),
    "country": (
        _("Country"),
        (
            "country",
            "country of risk",
            "country of domicile",
            "domicile",
            "country code",
            "country of incorporation",
            "issuer country",
            "land",
            "landcode",
            "vestigingsland",
            "land van vestiging",
            "land van herkomst",
            "domicilie",
        ),
    ),
    "sector": (
        _("Sector or industry"),
        (
            "sector",
            "industry",
            "gics sector",
            "gics industry",
            "industry group",
            "branche",
            "bedrijfstak",
            "industrie",
            "sector gics",
        ),
    ),
    "market_value": (
        _("Market value"),
        (
            "market value",
            "marketvalue",
            "value",
            "market value eur",
            "market value in eur",
            "mv",
            "amount",
            "position value",
            "marktwaarde",
            "waarde",
            "marktwaarde eur",
            "marktwaarde in euro",
            "waarde in euro",
            "belegd vermogen",
            "bedrag",
            "positiewaarde",
            "waarde eur",
            "market value local",
            "marktwaarde x 1000",
            "value eur",
        ),
    ),
    "currency": (
        _("Currency"),
        ("currency", "ccy", "currency code", "valuta", "munt", "munteenheid"),
    ),
    "quantity": (
        _("Shares or nominal"),
        (
            "shares",
            "number of shares",
            "quantity",
            "nominal",
            "nominal value",
            "units",
            "holding size",
            "aantal",
            "aantal aandelen",
            "nominaal",
            "nominale waarde",
            "stuks",
        ),
    ),
    "ownership_pct": (
        _("Ownership %"),
        (
            "ownership %",
            "% ownership",
            "ownership",
            "ownership percentage",
            "% of shares outstanding",
            "percentage of shares",
            "belang %",
            "% belang",
            "eigendomspercentage",
            "aandelenbelang %",
            "belang",
        ),
    ),
    "voting_pct": (
        _("Voting %"),
        (
            "voting %",
            "% voting rights",
            "voting rights",
            "voting rights %",
            "stemrecht %",
            "% stemrechten",
            "stemrechten",
            "stemrecht",
        ),
    ),
}
IDENTITY_FIELDS = ("isin", "lei", "name")
REQUIRED = ("market_value",)
_KNOWN = {heading: field for field, (_label, headings) in FIELDS.items() for heading in headings}


def normalise_heading(heading: str) -> str:
    """Lower case, no brackets or punctuation other than %, single spaces, “€” as “eur”."""
    text = heading.replace("€", " eur ").lower()
    text = re.sub(r"[()\[\]{}:;,._/\\-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def recognise(headings: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """heading → field for the headings we recognise (a fund's remembered choices first).
    A field is given to its first heading only."""
    remembered = {normalise_heading(k): v for k, v in (remembered or {}).items()}
    found: dict[str, str] = {}
    taken: set[str] = set()
    for heading in headings:
        key = normalise_heading(heading)
        field = remembered.get(key) or _KNOWN.get(key)
        if field is None and key.endswith(" eur"):
            field = _KNOWN.get(key[: -len(" eur")])
        if field and field in FIELDS and field not in taken:
            found[heading] = field
            taken.add(field)
    return found


def missing_fields(mapping: dict[str, str]) -> list[str]:
    """Fields a file must have that the mapping does not provide."""
    fields = set(mapping.values())
    missing = [f for f in REQUIRED if f not in fields]
    if not fields & set(IDENTITY_FIELDS):
        missing.append("name")
    return missing


def implied_currency(heading: str) -> str | None:
    """A value column headed “Market value (EUR)” or “Marktwaarde €” says its currency."""
    return "EUR" if re.search(r"\beur\b", normalise_heading(heading)) else None


def looks_like_header(cells: list[str]) -> bool:
    """A row is the header when at least two of its cells are headings we know."""
    return sum(1 for c in cells if c and _KNOWN.get(normalise_heading(c))) >= 2
