"""Country names and codes as holdings lists and datasets write them, to ISO 3166-1 alpha-2.

Sources, in one lookup built once per process:

- pycountry: every country's ISO codes (alpha-2, alpha-3) and its name, official name and
  common name, in English and in the Dutch, French, German and Spanish translations it
  ships (Debian's iso-codes);
- ``data/country_forms.csv``: the short, old and everyday forms those leave out
  (``USA``, ``VS``, ``Zuid-Korea``, ``Burma``, ``Ivory Coast``); see ``data/PROVENANCE.md``.

Case, diacritics, spaces and punctuation do not matter (``ZUID KOREA``, ``Cote d'Ivoire``,
``U.S.A.``). A form that names two different countries (in two languages, or in pycountry
and the forms list) is left out, never settled by order: ``AMBIGUOUS`` says which. ``Korea``
alone is the Republic of Korea, a conventional choice (MSCI, FTSE, Bloomberg)."""

from __future__ import annotations

import csv
import gettext
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import pycountry
from anyascii import anyascii
from django.utils import translation

LANGUAGES = ("en", "nl", "fr", "de", "es")
FORMS_FILE = Path(__file__).parent / "data" / "country_forms.csv"
# Kosovo has no ISO 3166 code; XK is the code the EU and the World Bank use for it.
USER_ASSIGNED = {"XK": "Kosovo"}
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_BRACKETED = re.compile(r"^(.*?)\s*\((.*)\)\s*$")
# What spreadsheets write for "no value": never a country ("n/a" would fold to Namibia's NA).
_MISSING = re.compile(r"^\s*(#?n\s*[/.]\s*a\.?|-+|–|—|\?+)\s*$", re.IGNORECASE)


def fold(text: str) -> str:
    """The key a form is looked up by: ASCII letters and digits, lower case, nothing else
    (``Côte d’Ivoire`` → ``cotedivoire``, ``U.S.A.`` → ``usa``)."""
    return _NOT_ALNUM.sub("", anyascii(text).lower())


@dataclass
class Lookup:
    codes: dict[str, str] = field(default_factory=dict)
    # Folded form → the codes it was given: left out of ``codes``.
    ambiguous: dict[str, set[str]] = field(default_factory=dict)


def build_lookup(entries: Iterable[tuple[str, str]]) -> Lookup:
    """One key per form; a form given two different codes is dropped."""
    seen: dict[str, set[str]] = {}
    for form, code in entries:
        key = fold(form)
        if key:
            seen.setdefault(key, set()).add(code)
    lookup = Lookup()
    for key, codes in seen.items():
        if len(codes) == 1:
            lookup.codes[key] = next(iter(codes))
        else:
            lookup.ambiguous[key] = codes
    return lookup


@lru_cache(maxsize=8)
def _translation(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def pycountry_names(language: str) -> Iterable[tuple[str, str]]:
    """(name, alpha-2) for every country's name, official and common name in a language."""
    tr = _translation(language)
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                yield tr.gettext(name), str(country.alpha_2)


def common_forms() -> list[tuple[str, str, str]]:
    """(form, code, language) from the shipped list."""
    with FORMS_FILE.open(encoding="utf-8", newline="") as f:
        return [(r["form"], r["code"], r["language"]) for r in csv.DictReader(f)]


def _entries() -> Iterable[tuple[str, str]]:
    for country in pycountry.countries:
        yield str(country.alpha_2), str(country.alpha_2)
        yield str(country.alpha_3), str(country.alpha_2)
    for code, name in USER_ASSIGNED.items():
        yield code, code
        yield name, code
    for language in LANGUAGES:
        yield from pycountry_names(language)
    for form, code, _language in common_forms():
        yield form, code


@cache
def _lookup() -> Lookup:
    return build_lookup(_entries())


def ambiguous() -> dict[str, set[str]]:
    """Forms left out because they name more than one country (folded form → codes)."""
    return _lookup().ambiguous


@lru_cache(maxsize=8192)
def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 for a country code or name (English, Dutch, French, German,
    Spanish; short and old forms); None when unknown or ambiguous."""
    if _MISSING.match(text):
        return None
    codes = _lookup().codes
    found = codes.get(fold(text))
    if found is None and (bracketed := _BRACKETED.match(text)):
        # "Myanmar (Burma)", "Turkey (Türkiye)": both parts that are known must agree.
        parts = {codes.get(fold(part)) for part in bracketed.groups()} - {None}
        found = parts.pop() if len(parts) == 1 else None
    return found


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the language (default: the active one), as pycountry gives it."""
    found = pycountry.countries.get(alpha_2=code)
    if not found:
        return USER_ASSIGNED.get(code, code)
    name = str(getattr(found, "common_name", None) or found.name)
    language = (language or translation.get_language() or "en").split("-")[0]
    return _translation(language).gettext(name)
