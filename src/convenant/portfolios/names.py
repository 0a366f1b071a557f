"""Normalising company names for matching: case, script, accents, punctuation, legal forms,
share classes and listing suffixes do not tell two companies apart.

“Koninklijke Ahold Delhaize N.V.” → “KONINKLIJKE AHOLD DELHAIZE”; “ALIBABA GROUP HOLDING-SP
ADR” → “ALIBABA GROUP HOLDING”; “COCA-COLA CO/THE” → “COCA COLA”; “ПАО «Газпром»” → “GAZPROM”.

The rules, in order: names in other scripts are transliterated (``anyascii``; Chinese and
Japanese characters become one syllable each, so a name matches GLEIF's transliteration of
it however that spaces its syllables, see :func:`compact`); share-class and listing suffixes
go (``-A``, ``-H``, ``-SP ADR``, ``NVDR``, ``CL A``, ``NY REG SHS``…, also when the name was
cut inside them); Bloomberg's ``/THE`` and ``/TOKYO`` go; common abbreviations are written
out (``INTL`` → ``INTERNATIONAL``); legal forms at the end (cleanco's maintained list plus
ours, ``GMBH & CO KG`` and ``A/S`` included) and at the start (``PT``, ``PJSC``, ``THE``) go.
``HOLDING(S)`` and ``GROUP`` stay: they are part of the name, but :data:`WEAK_WORDS` makes
them weigh little when names are compared.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from cleanco import termdata

# Written-out forms of the abbreviations holdings lists (Bloomberg's above all) use.
ABBREVIATIONS = {
    "INTL": "INTERNATIONAL",
    "INTERNATL": "INTERNATIONAL",
    "MGMT": "MANAGEMENT",
    "MGT": "MANAGEMENT",
    "FIN": "FINANCIAL",
    "FINL": "FINANCIAL",
    "SECS": "SECURITIES",
    "IND": "INDUSTRIES",
    "INDS": "INDUSTRIES",
    "INDL": "INDUSTRIAL",
    "HLDGS": "HOLDINGS",
    "HLDG": "HOLDING",
    "HOLDGS": "HOLDINGS",
    "GRP": "GROUP",
    "SVCS": "SERVICES",
    "SVC": "SERVICE",
    "SYS": "SYSTEMS",
    "TECHS": "TECHNOLOGIES",
    "COMMS": "COMMUNICATIONS",
    "COMMUN": "COMMUNICATIONS",
    "ELEC": "ELECTRIC",
    "PHARM": "PHARMACEUTICAL",
    "PHARMS": "PHARMACEUTICALS",
    "MFG": "MANUFACTURING",
    "NATL": "NATIONAL",
    "INVT": "INVESTMENT",
    "INVTS": "INVESTMENTS",
    "PPTY": "PROPERTY",
    "PPTYS": "PROPERTIES",
    "PROPS": "PROPERTIES",
    "RLTY": "REALTY",
    "DEVT": "DEVELOPMENT",
    "CHEM": "CHEMICAL",
    "CHEMS": "CHEMICALS",
    "ENGR": "ENGINEERING",
    "ENTMT": "ENTERTAINMENT",
    "RES": "RESOURCES",
    "MTRS": "MOTORS",
    "MTR": "MOTOR",
    "INS": "INSURANCE",
    "PRODS": "PRODUCTS",
    "EQUIP": "EQUIPMENT",
    "UTD": "UNITED",
    "SVGS": "SAVINGS",
    "HLTH": "HEALTH",
    "HLTHCARE": "HEALTHCARE",
    "ENRG": "ENERGY",
    "LABS": "LABORATORIES",
    "SOLNS": "SOLUTIONS",
    "MKTS": "MARKETS",
    "BANCORPORATION": "BANCORP",
    "TELECOMM": "TELECOMMUNICATIONS",
    "TELECOMMS": "TELECOMMUNICATIONS",
}

# Words that are part of a name but say little about which company it is: they stay in the
# normalised name and weigh little when names are compared (matching.py).
WEAK_WORDS = frozenset(
    {
        "HOLDING",
        "HOLDINGS",
        "GROUP",
        "GROEP",
        "GROUPE",
        "GRUPO",
        "GRUPPE",
        "GRUPPO",
        "THE",
        "AND",
        "OF",
        "DE",
        "DEL",
        "DER",
        "DES",
        "DU",
        "LA",
        "LE",
        "LES",
        "LOS",
        "EL",
        "DI",
        "DA",
        "DO",
        "DOS",
        "VAN",
        "VON",
        "ET",
        "Y",
        "E",
        "COMPANIA",
        "COMPAGNIE",
        "COMPANHIA",
        "KONINKLIJKE",
    }
)

# Share classes and listing forms, after a dash at the end ("-A", "-SP ADR", "-CL B") or as
# trailing words ("NY REG SHS").
_SUFFIX_PHRASES = [
    "ADR",
    "ADS",
    "GDR",
    "NVDR",
    "CDI",
    "CDR",
    "PREF",
    "PFD",
    "PRF",
    "PREFERRED",
    "REG",
    "REGISTERED",
    "BEARER",
    "SHS",
    "ORD",
    "ORD SHS",
    "NPV",
    "REG SHS",
    "NY REG SHS",
    "NY REG",
    "NY SHS",
    "NY SHARES",
    "SP ADR",
    "SPON ADR",
    "SPONS ADR",
    "SPONSORED ADR",
    "UNSP ADR",
    "UNSPON ADR",
    "ADR REP",
    "RTS",
    "RIGHTS",
    "WTS",
    "UNIT",
    "UNITS",
    "VZ",
    "VTG",
    "NON VTG",
    "RSP",
    "SDR",
    "DR",
    "F",
    "W",
    "WI",
    "NEW",
    "OLD",
]
# Dropped only after a dash ("-A", "-CL B"): a bare trailing letter may be part of the name.
_DASH_ONLY = ["CL", "CLASS", "SER", "SERIES", "SHARES", "ORDINARY", "COMMON", "SUB VTG"]
_SUFFIX_WORDS = frozenset(w for p in _SUFFIX_PHRASES + _DASH_ONLY for w in p.split())
_TRAILING_SUFFIXES = frozenset(
    {tuple(p.split()) for p in _SUFFIX_PHRASES if p not in {"F", "W", "WI", "NEW", "OLD", "DR"}}
    | {(cls, letter) for cls in ("CL", "CLASS", "SER", "SERIES") for letter in "ABCDEFHNSUV"}
)
_DASH_SUFFIX = re.compile(r"\s*-\s*([A-Z0-9 /.]{1,16})$")

# Legal forms cleanco does not list (or lists only with their dots) plus transliterated ones.
_OUR_LEGAL_FORMS = [
    "NV",
    "BV",
    "VOF",
    "CV",
    "PLC",
    "INC",
    "CORP",
    "CO",
    "CO LTD",
    "CO INC",
    "LTD",
    "LLC",
    "AG",
    "SE",
    "SA",
    "SAA",
    "SAB",
    "SAB DE CV",
    "SA DE CV",
    "SPA",
    "SRL",
    "GMBH",
    "GMBH AND CO KG",
    "GMBH AND CO KGAA",
    "AG AND CO KG",
    "AG AND CO KGAA",
    "SE AND CO KGAA",
    "KGAA",
    "AB",
    "PUBL",
    "AB PUBL",
    "ASA",
    "AS",
    "A S",
    "OYJ",
    "OY",
    "PJSC",
    "OJSC",
    "CJSC",
    "JSC",
    "OAO",
    "PAO",
    "ZAO",
    "OOO",
    "AO",
    "TBK",
    "PT TBK",
    "BHD",
    "BERHAD",
    "SDN BHD",
    "PTE",
    "PTE LTD",
    "PTY",
    "PTY LTD",
    "PVT LTD",
    "PRIVATE LTD",
    "PRIVATE LIMITED",
    "KK",
    "KABUSHIKI KAISHA",
    "CO LTD KK",
    "YUGEN KAISHA",
    "NL",
    "PCL",
    "PUBLIC CO",
    "PUBLIC CO LTD",
    "PUBLIC COMPANY LIMITED",
    "PUBLIC LIMITED COMPANY",
    "TAS",
    "AS TAS",
    "SAOG",
    "SAE",
    "SAK",
    "QSC",
    "QPSC",
    "PSC",
    "PJSC",
    "BSC",
    "NYRT",
    "ZRT",
    "SGPS",
    "SOCIMI",
    "SICAV",
    "REIT",
    "AKTIENGESELLSCHAFT",
    "AKTIEBOLAG",
    "AKTIESELSKAB",
    "ALLMENNAKSJESELSKAP",
    "NAAMLOZE VENNOOTSCHAP",
    "BESLOTEN VENNOOTSCHAP",
    "SOCIETE ANONYME",
    "SOCIEDAD ANONIMA",
    "SOCIETA PER AZIONI",
    "LIMITED",
    "INCORPORATED",
    "CORPORATION",
    "COMPANY",
    "COMPANY LIMITED",
    "CORPORATION LIMITED",
    # Transliterated Chinese, Japanese and Korean company forms (anyascii's syllables).
    "YOU XIAN GONG SI",
    "GU FEN YOU XIAN GONG SI",
    "YOU XIAN ZE REN GONG SI",
    "ZHU SHI HUI SHE",
    "JUSIGHOESA",
]
# cleanco terms that are ordinary words in company names here, or expanded above instead.
_NOT_LEGAL_FORMS = {"SECS", "UK", "PRIVATE", "AT", "ET", "E", "EC", "OK", "SD", "UD", "DA", "FA"}
# Forms written before the name ("PT Bank Central Asia", "PJSC Gazprom", "The Coca-Cola Co").
_LEADING_FORMS = frozenset(
    {"PT", "PJSC", "OJSC", "CJSC", "JSC", "OAO", "PAO", "ZAO", "OOO", "AO", "THE", "AB", "SC"}
)
# Native-script company forms removed before transliteration, longest first.
_NATIVE_FORMS = [
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "주식회사",
    "(주)",
    "㈜",
    "(株)",
    "㈱",
]

_SINGLE_LETTER_SLASH = re.compile(r"\b([A-Z])\s?/\s?([A-Z])\b")
_TRAILING_SLASH_WORD = re.compile(r"\s*/\s*[A-Z][A-Z .]+$")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
# Han characters and Japanese kana: one syllable each, so they become separate words.
_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")


def _words(text: str) -> list[str]:
    """Upper-case ASCII words, punctuation gone (a dot joins: “N.V.” → “NV”)."""
    if "/" in text:
        text = _SINGLE_LETTER_SLASH.sub(r"\1\2", text)
    text = text.replace("&", " AND ")
    text = text.replace(".", "")
    return _PUNCTUATION.sub(" ", text).split()


@lru_cache(maxsize=1)
def _legal_forms() -> tuple[frozenset[tuple[str, ...]], int]:
    terms = {t for values in termdata.terms_by_type.values() for t in values}
    terms |= {t for values in termdata.terms_by_country.values() for t in values}
    forms = {tuple(_words(_ascii(t).upper())) for t in terms}
    forms |= {tuple(f.split()) for f in _OUR_LEGAL_FORMS}
    forms = {f for f in forms if f and " ".join(f) not in _NOT_LEGAL_FORMS}
    return frozenset(forms), max(len(f) for f in forms)


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    for form in _NATIVE_FORMS:
        text = text.replace(form, " ")
    text = unicodedata.normalize("NFKC", text)
    text = _CJK.sub(r" \1 ", text)
    return anyascii(text)


_LEGAL_FORMS, _LONGEST_FORM = _legal_forms()
# The last word of every legal form or suffix: a name ending otherwise has nothing to strip.
_LAST_WORDS = frozenset(f[-1] for f in _LEGAL_FORMS | _TRAILING_SUFFIXES)


def _strip_dash_suffix(text: str) -> str:
    """“SAMSUNG ELECTRONICS-PREF” → “SAMSUNG ELECTRONICS”; also a suffix cut short (“-SP AD”)."""
    for _ in range(3):
        found = _DASH_SUFFIX.search(text)
        if not found:
            break
        part = found.group(1).strip(" ./")
        words = part.replace("/", " ").replace(".", " ").split()
        if not words:
            break
        known = all(w in _SUFFIX_WORDS or len(w) == 1 for w in words[:-1])
        last = words[-1]
        cut = len(text) >= 20 and any(s.startswith(last) for s in _SUFFIX_WORDS)
        if known and (last in _SUFFIX_WORDS or len(last) == 1 or cut):
            text = text[: found.start()]
        else:
            break
    return text


def _strip_end(words: list[str]) -> list[str]:
    forms, longest = _LEGAL_FORMS, _LONGEST_FORM
    changed = True
    while changed and len(words) > 1:
        changed = False
        if words[-1] not in _LAST_WORDS:
            break
        for n in range(min(longest, len(words) - 1), 0, -1):
            tail = tuple(words[-n:])
            if tail in _TRAILING_SUFFIXES or tail in forms:
                words, changed = words[:-n], True
                break
    return words


def _cut_forms() -> frozenset[tuple[str, ...]]:
    """Every way a legal form can be cut short: “CO LT”, “SAB DE”, “GMBH AND”, “CORPORATIO”."""
    cut: set[tuple[str, ...]] = set()
    for form in _LEGAL_FORMS:
        for n in range(1, len(form) + 1):
            head, word = form[: n - 1], form[n - 1]
            for length in range(1, len(word) + 1):
                part = (*head, word[:length])
                if part != form:
                    cut.add(part)
    return frozenset(cut)


_CUT_FORMS = _cut_forms()
LEGAL_WORDS = frozenset(w for form in _LEGAL_FORMS for w in form)


def _strip_cut_form(words: list[str], raw_length: int) -> list[str]:
    """A name cut short inside its legal form: “SAMSUNG ELECTRONICS CO LT”, “… CORPORATIO”,
    “… MINING S.A.B. DE”. Only for names long enough to have been cut."""
    if raw_length < 20 or len(words) < 2:
        return words
    for n in (3, 2, 1):
        if len(words) > n and tuple(words[-n:]) in _CUT_FORMS:
            return words[:-n]
    return words


def name_words(name: str) -> list[str]:
    """The words of the normalised name (see the module's doc)."""
    text = _ascii(name).upper().strip()
    if "-" in text:
        text = _strip_dash_suffix(text)
    if "/" in text:
        text = _SINGLE_LETTER_SLASH.sub(r"\1\2", text)
        text = _TRAILING_SLASH_WORD.sub("", text) or text
    words = [ABBREVIATIONS.get(w, w) for w in _words(text)]
    if not words:
        return []
    kept = _strip_cut_form(_strip_end(words), len(name.strip()))
    kept = _strip_end(kept)
    while len(kept) > 1 and kept[0] in _LEADING_FORMS:
        kept = kept[1:]
    return kept


def normalize_name(name: str) -> str:
    """Upper-case ASCII words without punctuation, legal forms or share classes: “Koninklijke
    Ahold Delhaize N.V.” → “KONINKLIJKE AHOLD DELHAIZE”. Never empty for a name with a
    letter or digit in any script."""
    words = name_words(name)
    if words:
        return " ".join(words)
    # Nothing but a legal form or punctuation: keep what there is.
    return " ".join(_words(_ascii(name).upper()))


def ends_in_form(name: str) -> bool:
    """Whether the name ends in a whole legal form or share class (“… CORP”, “…-SP ADR”):
    then it was not cut short. A name cut inside its form (“… CO LT”) may have been cut
    inside its own words too, so it does not count."""
    text = _ascii(name).upper().strip()
    if "-" in text and _strip_dash_suffix(text) != text:
        return True
    words = [ABBREVIATIONS.get(w, w) for w in _words(text)]
    return len(_strip_end(words)) < len(words)


def compact(normalized: str) -> str:
    """The normalised name without spaces: “ZHONG GUO SHI YOU” and “ZHONGGUO SHIYOU”, or
    “COCA COLA” and “COCACOLA”, are one name written two ways."""
    return normalized.replace(" ", "")


def core(normalized: str) -> str:
    """The normalised name without its weak words: “ASML HOLDING” → “ASML”."""
    kept = [w for w in normalized.split(" ") if w not in WEAK_WORDS]
    return " ".join(kept) or normalized
