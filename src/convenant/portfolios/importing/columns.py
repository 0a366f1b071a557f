"""Recognising the columns of real holdings lists under their usual English and Dutch names."""

from __future__ import annotations

import re
import unicodedata

from django.utils import translation
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
            "incorporation country",
            "country of domicile",
            "domicile country",
            "location",
            "issuer country",
            "country of issuer",
            "land van oprichting",
            "land",
            "landcode",
            "vestigingsland",
            "land van vestiging",
            "land van herkomst",
            "domicilie",
        ),
    ),
    "listing_country": (
        _("Listing country"),
        (
            "listing country",
            "country of listing",
            "exchange country",
            "country of exchange",
            "market country",
            "beurs land",
            "beursland",
            "land beurs",
            "land van notering",
            "noteringsland",
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
        (
            "currency",
            "ccy",
            "currency code",
            "valuta",
            "munt",
            "munteenheid",
            # The security's trading currency: the value's too, unless the value's heading
            # says another (clean.py gives the heading precedence).
            "market currency",
            "trading currency",
            "local currency",
            "handelsvaluta",
        ),
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
    "asset_class": (
        _("Asset class"),
        (
            "asset class",
            "asset type",
            "asset class description",
            "security type",
            "type",
            "instrument type",
            "product type",
            "beleggingscategorie",
            "categorie",
            "soort",
            "type belegging",
            "soort belegging",
            "beleggingssoort",
            "type instrument",
        ),
    ),
}
IDENTITY_FIELDS = ("isin", "lei", "name")
REQUIRED = ("market_value",)
_KNOWN = {heading: field for field, (_label, headings) in FIELDS.items() for heading in headings}
# Labels as French and Spanish users know them (the interface has no such translation of the
# field labels yet, and a person maps a file in the words of its own language).
OTHER_LABELS: dict[str, tuple[str, ...]] = {
    "isin": ("code isin", "codigo isin"),
    "lei": ("code lei", "codigo lei"),
    "name": ("nom", "nom de l emetteur", "emetteur", "nombre", "emisor", "nombre del emisor"),
    "country": ("pays", "pais"),
    "listing_country": ("pays de cotation", "pais de cotizacion"),
    "sector": ("secteur", "sector o industria"),
    "market_value": ("valeur de marche", "valor de mercado"),
    "currency": ("devise", "monnaie", "moneda", "divisa"),
    "quantity": ("quantite", "nombre de titres", "cantidad", "acciones"),
    "ownership_pct": ("participation %", "% de participation", "participacion %"),
    "voting_pct": ("droits de vote %", "% droits de vote", "derechos de voto %"),
    "asset_class": ("classe d actifs", "type d actif", "clase de activo", "tipo de activo"),
}
PCT_FIELDS = ("ownership_pct", "voting_pct")

# Currencies a heading may name. Written in capitals any ISO 4217 code counts (“MV NOK”);
# in any other case only the common ones (“Marktwaarde eur”, “BelangEur”), so that an
# ordinary word that happens to be a code (“all”, “top”) is not read as a currency.
SIGNS = {"€": "EUR", "£": "GBP", "¥": "JPY", "$": "USD"}
COMMON_CURRENCIES = frozenset(
    [
        "EUR",
        "USD",
        "GBP",
        "JPY",
        "CHF",
        "NOK",
        "SEK",
        "DKK",
        "CAD",
        "AUD",
        "HKD",
        "SGD",
        "CNY",
        "NZD",
        "PLN",
        "CZK",
        "HUF",
        "ZAR",
    ]
)
WORD_CODES = frozenset(
    [
        "ALL",
        "TOP",
        "CUP",
        "MAD",
        "GEL",
        "BOB",
        "SOS",
        "PEN",
        "TRY",
        "BAM",
        "MOP",
        "LAK",
        "PHP",
        "BOV",
    ]
)
CURRENCY_WORDS = {"euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD"}


def _iso_currencies() -> frozenset[str]:
    import pycountry

    return frozenset(str(c.alpha_3) for c in pycountry.currencies)


ISO_CURRENCIES = _iso_currencies()


def _plain(text: str) -> str:
    """Lower case without diacritics, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[()\[\]{}:;,._/\\'’-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def normalise_heading(heading: str) -> str:
    """Lower case, no brackets or punctuation other than %, single spaces, “€” as “eur”."""
    text = heading.replace("€", " eur ").lower()
    text = re.sub(r"[()\[\]{}:;,._/\\-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _words(heading: str) -> list[str]:
    """The heading's words, split at blanks, punctuation and case changes (“BelangEur” →
    “Belang”, “Eur”; “MVUSD” → “MVUSD”; “USDValue” → “USD”, “Value”)."""
    return re.findall(r"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|[A-Z]|\d+", heading)


def heading_currency(heading: str) -> str | None:
    """The currency a value column's heading names (“Market Value(NOK)”, “Marktwaarde EUR”,
    “Bedrag in €”, “BelangEur”, “MV USD”), or None when it names none or several."""
    found = {code for sign, code in SIGNS.items() if sign in heading}
    bracketed = re.findall(r"[(\[]\s*([A-Za-z]{3})\s*[)\]]", heading)
    found |= {b.upper() for b in bracketed if b.upper() in ISO_CURRENCIES}
    for word in _words(heading):
        upper = word.upper()
        if word.lower() in CURRENCY_WORDS:
            found.add(CURRENCY_WORDS[word.lower()])
        elif len(word) != 3 or upper not in ISO_CURRENCIES:
            continue
        elif upper in COMMON_CURRENCIES or (word.isupper() and upper not in WORD_CODES):
            found.add(upper)
    return found.pop() if len(found) == 1 else None


def implied_currency(heading: str) -> str | None:
    """A value column headed “Market value (EUR)” or “Marktwaarde €” says its currency."""
    return heading_currency(heading)


def _without_currency(heading: str) -> str:
    """The heading with the currency it names taken out (“Bedrag in €” → “bedrag”)."""
    words = []
    for word in _words(heading.replace("€", " EUR ").replace("$", " USD ").replace("£", " GBP ")):
        upper = word.upper()
        if upper in ISO_CURRENCIES or word.lower() in CURRENCY_WORDS:
            continue
        words.append(word.lower())
    while words and words[-1] in {"in", "en"}:
        words.pop()
    return " ".join(words)


def _field_of(heading: str) -> str | None:
    """The field a heading is known for; a value heading may carry its currency."""
    key = normalise_heading(heading)
    field = _KNOWN.get(key)
    if field is not None or heading_currency(heading) is None:
        return field
    base = _KNOWN.get(_without_currency(heading)) or _KNOWN.get(_plain(_without_currency(heading)))
    # “BelangEur”: a stake in euro is an amount, not a percentage.
    if base in PCT_FIELDS or (base == "quantity" and "nominal" not in key):
        return "market_value" if base in PCT_FIELDS else base
    return base


def recognise(headings: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """heading → field for the headings we recognise (a fund's remembered choices first).
    A field is given to its first heading only; several value columns give the field to the
    one in euro, and to none when that does not decide (the person is asked)."""
    remembered = {normalise_heading(k): v for k, v in (remembered or {}).items()}
    found: dict[str, str] = {}
    taken: set[str] = set()
    values: list[str] = []
    for heading in headings:
        key = normalise_heading(heading)
        chosen = remembered.get(key)
        field = chosen or _field_of(heading)
        if not chosen and field == "market_value":
            values.append(heading)
            continue
        if field and field in FIELDS and field not in taken:
            found[heading] = field
            taken.add(field)
    if values and "market_value" not in taken:
        in_euro = [h for h in values if heading_currency(h) == "EUR"]
        if len(values) == 1:
            found[values[0]] = "market_value"
        elif len(in_euro) == 1:
            found[in_euro[0]] = "market_value"
    return found


def value_columns(headings: list[str]) -> list[str]:
    """The headings that each look like the market value (several: the person chooses)."""
    return [h for h in headings if _field_of(h) == "market_value"]


def missing_fields(mapping: dict[str, str]) -> list[str]:
    """Fields a file must have that the mapping does not provide."""
    fields = set(mapping.values())
    missing = [f for f in REQUIRED if f not in fields]
    if not fields & set(IDENTITY_FIELDS):
        missing.append("name")
    return missing


def looks_like_header(cells: list[str]) -> bool:
    """A row is the header when at least two of its cells are headings we know."""
    return sum(1 for c in cells if c and _field_of(c)) >= 2


# --- Helpers for the person who maps the columns --------------------------------------------


def _names_of(field: str) -> set[str]:
    """Every way a person may name a field: its key, its label in each language of the
    interface and in French and Spanish, and the headings it is known by."""
    label, headings = FIELDS[field]
    names = {field, field.replace("_", " "), *headings, *OTHER_LABELS.get(field, ())}
    for language in ("en", "nl", "fr", "es"):
        with translation.override(language):
            names.add(str(label))
    return {_plain(n) for n in names}


def field_named(text: str) -> str | None:
    """The field a person means by ``text``: a key (``market_value``) or the field's label
    as they see it (``Marktwaarde``, ``Market value``, ``Valeur de marché``), any case or
    spacing. None when no field is called so."""
    wanted = _plain(text)
    if not wanted:
        return None
    for field in FIELDS:
        if wanted in _names_of(field):
            return field
    return None


# Words that hint at a field in a heading we do not know as a whole.
HINTS: dict[str, frozenset[str]] = {
    "isin": frozenset({"isin", "identifier", "id", "code", "security"}),
    "lei": frozenset({"lei", "entity", "identifier"}),
    "name": frozenset(
        [
            "name",
            "naam",
            "description",
            "omschrijving",
            "issuer",
            "company",
            "security",
            "instrument",
            "emittent",
            "holding",
            "nom",
            "nombre",
            "emetteur",
            "emisor",
            "onderneming",
            "bedrijf",
            "title",
            "titel",
        ]
    ),
    "country": frozenset(
        [
            "country",
            "land",
            "location",
            "domicile",
            "domicilie",
            "incorporation",
            "nation",
            "pays",
            "pais",
            "residence",
            "vestiging",
            "vestigingsland",
            "herkomst",
            "risk",
            "origin",
        ]
    ),
    "listing_country": frozenset(
        ["listing", "exchange", "beurs", "notering", "market", "country", "land", "pays", "pais"]
    ),
    "sector": frozenset(
        ["sector", "industry", "branche", "gics", "industrie", "secteur", "bedrijfstak"]
    ),
    "market_value": frozenset(
        [
            "value",
            "waarde",
            "amount",
            "bedrag",
            "mv",
            "marktwaarde",
            "exposure",
            "belang",
            "valeur",
            "valor",
            "importe",
            "market",
            "worth",
            "positie",
            "position",
        ]
    ),
    "currency": frozenset(
        ["currency", "ccy", "valuta", "munt", "devise", "moneda", "divisa", "cur"]
    ),
    "quantity": frozenset(
        ["shares", "quantity", "aantal", "nominal", "units", "stuks", "qty", "nominaal"]
    ),
    "ownership_pct": frozenset(
        ["ownership", "%", "belang", "stake", "percentage", "participation"]
    ),
    "voting_pct": frozenset(["voting", "stem", "stemrecht", "stemrechten", "vote", "votes"]),
    "asset_class": frozenset(
        ["asset", "type", "class", "soort", "categorie", "category", "instrument"]
    ),
}
# Words that speak against a field (a listing country is not where a company is incorporated).
AGAINST: dict[str, frozenset[str]] = {
    "country": frozenset({"listing", "exchange", "beurs", "notering", "currency"}),
    "name": frozenset({"country", "land", "sector", "currency", "type", "code"}),
    "market_value": frozenset({"%", "pct", "percentage", "currency", "date"}),
}


def likely_columns(headings: list[str], field: str) -> list[str]:
    """The headings that probably hold ``field``, best first (for a missing country: a
    “Location” or “Incorporation Country” column). Empty when none looks likely."""
    hints = HINTS.get(field, frozenset())
    against = AGAINST.get(field, frozenset())
    scored: list[tuple[int, int, str]] = []
    for position, heading in enumerate(headings):
        if not heading.strip():
            continue
        known = _field_of(heading)
        words = set(_plain(" ".join(_words(heading)) or heading).split()) | set(
            _plain(heading).split()
        )
        if "%" in heading:
            words.add("%")
        score = 100 if known == field else 10 * len(words & hints)
        if field == "market_value" and heading_currency(heading):
            score += 5
        if known and known != field:
            score -= 15
        if words & against:
            score -= 10
        if score > 0 or words & hints:  # a hint against which more speaks comes last
            scored.append((-max(score, 1), position, heading))
    return [heading for _score, _position, heading in sorted(scored)]
