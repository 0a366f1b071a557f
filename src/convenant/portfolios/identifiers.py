"""Security and entity identifiers: ISIN (ISO 6166) and LEI (ISO 17442), with their check
digits, and ISO 3166 country codes. Pure functions, no database."""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import lru_cache

import pycountry
from django.utils import translation
from django.utils.translation import gettext as _

ISIN_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")
LEI_PATTERN = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")


def _expand(text: str) -> str:
    """Letters to numbers as both standards do: A=10 … Z=35."""
    return "".join(str(int(ch, 36)) for ch in text)


def isin_check_digit(first_eleven: str) -> int:
    """The Luhn check digit over the expanded first eleven characters of an ISIN."""
    digits = _expand(first_eleven)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:  # double every second digit, starting from the rightmost
            n *= 2
            n = n - 9 if n > 9 else n
        total += n
    return (10 - total % 10) % 10


def is_valid_isin(value: str) -> bool:
    value = value.strip().upper()
    if not ISIN_PATTERN.match(value):
        return False
    return isin_check_digit(value[:11]) == int(value[11])


def lei_check_digits(first_eighteen: str) -> str:
    """ISO 17442 / ISO 7064 MOD 97-10: the two digits that make the number ≡ 1 (mod 97)."""
    remainder = int(_expand(first_eighteen + "00")) % 97
    return f"{98 - remainder:02d}"


def is_valid_lei(value: str) -> bool:
    value = value.strip().upper()
    return bool(LEI_PATTERN.match(value)) and int(_expand(value)) % 97 == 1


def isin_problem(value: str) -> str | None:
    """Why a value is not a valid ISIN, in words a person can act on; None when valid."""
    value = value.strip().upper()
    if len(value) != 12:
        return _("an ISIN has 12 characters, “%(value)s” has %(n)s") % {
            "value": value,
            "n": len(value),
        }
    if not ISIN_PATTERN.match(value):
        return _("an ISIN is two letters, nine letters or digits and one check digit")
    if not is_valid_isin(value):
        return _("the check digit of “%(value)s” is wrong (expected %(digit)s)") % {
            "value": value,
            "digit": isin_check_digit(value[:11]),
        }
    return None


def lei_problem(value: str) -> str | None:
    value = value.strip().upper()
    if len(value) != 20:
        return _("an LEI has 20 characters, “%(value)s” has %(n)s") % {
            "value": value,
            "n": len(value),
        }
    if not LEI_PATTERN.match(value):
        return _("an LEI is 18 letters or digits followed by two check digits")
    if not is_valid_lei(value):
        return _("the check digits of “%(value)s” are wrong (expected %(digits)s)") % {
            "value": value,
            "digits": lei_check_digits(value[:18]),
        }
    return None


# --- Countries ---------------------------------------------------------------------------

# Names that pycountry does not resolve but holdings lists and datasets use.
COUNTRY_ALIASES = {
    "BURMA": "MM",
    "MYANMAR (BURMA)": "MM",
    "TURKEY": "TR",
    "TÜRKIYE": "TR",
    "TURKIYE": "TR",
    "KYRGYZ REPUBLIC": "KG",
    "SOUTH KOREA": "KR",
    "KOREA": "KR",
    "KOREA, REPUBLIC OF": "KR",
    "KOREA (SOUTH)": "KR",
    "REPUBLIC OF KOREA": "KR",
    "NORTH KOREA": "KP",
    "RUSSIA": "RU",
    "VIETNAM": "VN",
    "VIET NAM": "VN",
    "IVORY COAST": "CI",
    "CÔTE D'IVOIRE": "CI",
    "UK": "GB",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "UNITED KINGDOM": "GB",
    "USA": "US",
    "UNITED STATES OF AMERICA": "US",
    "U.S.A.": "US",
    "U.S.": "US",
    "HOLLAND": "NL",
    "NEDERLAND": "NL",
    "THE NETHERLANDS": "NL",
    "DUITSLAND": "DE",
    "FRANKRIJK": "FR",
    "VERENIGD KONINKRIJK": "GB",
    "VERENIGDE STATEN": "US",
    "ZWITSERLAND": "CH",
    "JAPAN": "JP",
    "BELGIË": "BE",
    "BELGIE": "BE",
    "ZWEDEN": "SE",
    "DENEMARKEN": "DK",
    "SPANJE": "ES",
    "ITALIË": "IT",
    "ITALIE": "IT",
    "CHINA": "CN",
    "TAIWAN": "TW",
    "HONG KONG": "HK",
    "CZECH REPUBLIC": "CZ",
    "DR CONGO": "CD",
    "DEMOCRATIC REPUBLIC OF THE CONGO": "CD",
    "CONGO, DEM. REP.": "CD",
    "LAOS": "LA",
    "IRAN": "IR",
    "SYRIA": "SY",
    "BOLIVIA": "BO",
    "VENEZUELA": "VE",
    "TANZANIA": "TZ",
    "MOLDOVA": "MD",
    "PALESTINE": "PS",
    # As the reference datasets write them (ITUC, ILO, US DoL, Walk Free).
    "CONGO (DEMOCRATIC REPUBLIC OF)": "CD",
    "CONGO, DEMOCRATIC REPUBLIC OF THE": "CD",
    "CONGO (REPUBLIC OF)": "CG",
    "KOREA (REPUBLIC OF)": "KR",
    "MOLDOVA (REPUBLIC OF)": "MD",
    "BOLIVIA (PLURINATIONAL STATE OF)": "BO",
    "IRAN (ISLAMIC REPUBLIC OF)": "IR",
    "NETHERLANDS (KINGDOM OF THE)": "NL",
    "VENEZUELA (BOLIVARIAN REPUBLIC OF)": "VE",
    "TURKEY (TÜRKIYE)": "TR",
    "CAPE VERDE": "CV",
    "LAO PDR": "LA",
    # Kosovo has no ISO 3166 code; XK is the code the EU and the World Bank use for it.
    "KOSOVO": "XK",
}
USER_ASSIGNED = {"XK": "Kosovo"}


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a code or a name in English or Dutch; None if unknown."""
    text = unicodedata.normalize("NFC", value.strip()).upper()
    if not text:
        return None
    if text in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[text]
    if len(text) == 2:
        return text if text in USER_ASSIGNED or pycountry.countries.get(alpha_2=text) else None
    if len(text) == 3:
        found = pycountry.countries.get(alpha_3=text)
        if found:
            return str(found.alpha_2)
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None


@lru_cache(maxsize=8)
def _country_translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the active language (pycountry ships the translations)."""
    found = pycountry.countries.get(alpha_2=code)
    if not found:
        return USER_ASSIGNED.get(code, code)
    name = str(getattr(found, "common_name", None) or found.name)
    language = language or translation.get_language() or "en"
    return _country_translation(language).gettext(name) if language != "en" else name
