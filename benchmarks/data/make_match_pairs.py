"""Writes the labelled name pairs of `benchmarks/match_quality.py` (deterministic: run it again
and the files are the same). Every company is fictional, generated from syllables; see
PROVENANCE.md.

    .venv/bin/python benchmarks/data/make_match_pairs.py

match_register.csv: the labelled companies of the register (key, legal name, country).
match_pairs.csv: one holdings name per line, as a fund's file writes it, with the key of the
company it is (empty when that company is not in the register) and its style.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).parent
SYLLABLES = [
    "ka",
    "ri",
    "to",
    "mo",
    "na",
    "be",
    "lu",
    "sa",
    "ve",
    "do",
    "ran",
    "tel",
    "mar",
    "kor",
    "vin",
    "sel",
    "dal",
    "pra",
    "quin",
    "zor",
    "bra",
    "fen",
    "gal",
    "hol",
    "jun",
    "lor",
    "mes",
    "nor",
    "pol",
    "rus",
    "sten",
    "tor",
    "ul",
    "van",
    "wes",
    "xan",
    "yor",
    "zel",
    "ab",
    "eno",
    "ira",
    "osk",
    "uth",
]
INDUSTRY = [
    "Mining",
    "Foods",
    "Textiles",
    "Energy",
    "Logistics",
    "Technologies",
    "Chemicals",
    "Bank",
    "Retail",
    "Motors",
    "Pharmaceuticals",
    "Steel",
    "Airlines",
    "Telecom",
    "Insurance",
    "Properties",
    "Shipping",
    "Semiconductor",
    "Brewing",
    "Cement",
]
FORMS = {
    "NL": ["N.V.", "B.V.", "Holding N.V."],
    "DE": ["AG", "SE", "GmbH & Co. KG", "AG & Co. KGaA"],
    "FR": ["S.A.", "SE", "S.A.S."],
    "GB": ["plc", "PLC", "Limited", "Group plc"],
    "US": ["Inc.", "Corporation", "Corp.", "Holdings, Inc.", "Co."],
    "JP": ["Co., Ltd.", "Corporation", "Holdings Co., Ltd.", "K.K."],
    "CN": ["Co., Ltd.", "Group Co., Ltd.", "Limited"],
    "IN": ["Limited", "Ltd.", "Private Limited"],
    "BR": ["S.A.", "Ltda."],
    "ID": ["Tbk"],
    "DK": ["A/S"],
    "SE": ["AB", "AB (publ)"],
    "IT": ["S.p.A."],
    "ES": ["S.A."],
    "MX": ["S.A.B. de C.V."],
    "KR": ["Co., Ltd.", "Corporation"],
    "CH": ["AG", "SA"],
    "IE": ["plc", "Limited"],
    "JE": ["Limited", "plc"],
    "BM": ["Ltd.", "Limited"],
    "LU": ["S.A."],
    "ZA": ["Limited", "Ltd"],
}
COUNTRIES = list(FORMS)
# Places a security is listed that differ from where its issuer is incorporated.
ELSEWHERE = {"IE": "US", "JE": "GB", "BM": "US", "LU": "NL", "NL": "US", "GB": "US", "CH": "US"}
SUBSIDIARY = [
    "Finance",
    "Financial Services",
    "Credit",
    "Capital",
    "Leasing",
    "Insurance",
    "Bank",
    "Platinum",
    "Properties",
    "International Finance",
]
SHARE_CLASS = ["-A", "-B", "-H", "-REG", "-SP ADR", "-ADR", "-NVDR", "-PREF", "-CL A", "-CDI"]
BLOOMBERG_FORMS = {
    "N.V.": "NV",
    "B.V.": "BV",
    "plc": "PLC",
    "Inc.": "INC",
    "Corporation": "CORP",
    "Corp.": "CORP",
    "Co., Ltd.": "CO LTD",
    "Limited": "LTD",
    "S.A.": "SA",
    "A/S": "A/S",
    "AB (publ)": "AB",
    "S.p.A.": "SPA",
    "Holdings, Inc.": "HOLDINGS INC",
    "Holding N.V.": "HOLDING NV",
    "Group plc": "GROUP PLC",
    "Holdings Co., Ltd.": "HOLDINGS CO LTD",
    "Group Co., Ltd.": "GROUP CO LTD",
}
ABBREVIATE = {
    "International": "INTL",
    "Financial": "FIN",
    "Services": "SVCS",
    "Holdings": "HLDGS",
    "Technologies": "TECH",
    "Properties": "PPTYS",
    "Pharmaceuticals": "PHARM",
    "Management": "MGMT",
}
# Names in other scripts and how a holdings list transliterates them.
NATIVE = [
    ("ПАО «{0}»", "RU", "{1} PJSC"),
    ("АО «{0}»", "RU", "{1} AO"),
    ("{0} Α.Ε.", "GR", "{1} SA"),
]
CYRILLIC = dict(zip("abdefgiklmnoprstuvz", "абдефгиклмнопрстувз", strict=True))


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4)))).capitalize()


def company(rng: random.Random, short: bool = False) -> tuple[str, str]:
    """A base name (one to three invented words, often an industry) and its country; a short
    one for groups, so their subsidiaries' names keep their own word when cut at 28."""
    words = [word(rng) for _ in range(rng.choice((1, 1, 2) if short else (1, 1, 2, 2, 3)))]
    if rng.random() < 0.7:
        words.append(rng.choice(INDUSTRY))
    return " ".join(words), rng.choice(COUNTRIES)


def legal(rng: random.Random, base: str, country: str) -> str:
    return f"{base} {rng.choice(FORMS[country])}"


def bloomberg(rng: random.Random, legal_name: str) -> str:
    """Upper case, abbreviated, a share class, cut at 28 characters."""
    name = legal_name
    for long, short in BLOOMBERG_FORMS.items():
        if name.endswith(" " + long):
            name = name[: -len(long)] + short
    for long, short in ABBREVIATE.items():
        if rng.random() < 0.7:
            name = name.replace(long, short)
    name = name.upper().replace(",", "").replace("&", "&")
    if rng.random() < 0.6:
        name += rng.choice(SHARE_CLASS)
    return name[:28].rstrip()


def typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    i = rng.choice(letters[2:] or letters)
    return text[:i] + rng.choice("aeiou") + text[i + 1 :]


def styled(rng: random.Random, legal_name: str, country: str) -> tuple[str, str, str, str]:
    """(file name, file country, listing country, style) for a company in the register."""
    roll = rng.random()
    if roll < 0.40:
        return bloomberg(rng, legal_name), country, "", "bloomberg"
    if roll < 0.55:
        return legal_name.upper(), "", "", "no-country"
    if roll < 0.65:
        return bloomberg(rng, legal_name), "", "", "bloomberg-no-country"
    if roll < 0.80:
        return legal_name, country, "", "as-registered"
    return typo(rng, legal_name), country, "", "typo"


def main() -> None:
    rng = random.Random(20261127)
    register: list[tuple[str, str, str]] = []  # key, legal name, country
    pairs: list[tuple[str, str, str, str, str]] = []  # name, country, listing, key, style
    used: set[str] = set()

    def fresh(short: bool = False) -> tuple[str, str]:
        while True:
            base, country = company(rng, short)
            if short and len(base) > 14:
                continue
            if base.upper() not in used:
                used.add(base.upper())
                return base, country

    def add(legal_name: str, country: str) -> str:
        key = f"C{len(register) + 1:04d}"
        register.append((key, legal_name, country))
        return key

    # Companies written in the usual styles.
    for _ in range(520):
        base, country = fresh()
        name = legal(rng, base, country)
        key = add(name, country)
        text, file_country, listing, style = styled(rng, name, country)
        pairs.append((text, file_country, listing, key, style))
    # Listed in one country, incorporated in another; the file gives the listing country,
    # sometimes as the country column, sometimes as a listing-country column.
    for _ in range(120):
        base, _c = fresh()
        country = rng.choice(list(ELSEWHERE))
        name = legal(rng, base, country)
        key = add(name, country)
        listed = ELSEWHERE[country]
        text = bloomberg(rng, name) if rng.random() < 0.6 else name.upper()
        if rng.random() < 0.5:
            pairs.append((text, listed, "", key, "listing-as-country"))
        else:
            pairs.append((text, "", listed, key, "listing-country"))
    # Parents and their subsidiaries, both in the register and both held.
    for _ in range(90):
        base, country = fresh(short=True)
        parent = legal(rng, base, country)
        child_country = rng.choice((country, country, "NL", "US"))
        child = legal(rng, f"{base} {rng.choice(SUBSIDIARY)}", child_country)
        parent_key = add(parent, country)
        child_key = add(child, child_country)
        pairs.append((bloomberg(rng, parent), country, "", parent_key, "parent"))
        pairs.append((bloomberg(rng, child), child_country, "", child_key, "subsidiary"))
    # Only the parent is in the register: its subsidiary's bonds must not become the parent's.
    for _ in range(60):
        base, country = fresh(short=True)
        parent_key = add(legal(rng, base, country), country)
        child = legal(rng, f"{base} {rng.choice(SUBSIDIARY)}", country)
        pairs.append((bloomberg(rng, child), country, "", "", "subsidiary-not-in-register"))
        pairs.append((legal(rng, base, country).upper(), country, "", parent_key, "parent"))
    # Only the subsidiary is in the register: the parent is not it.
    for _ in range(40):
        base, country = fresh(short=True)
        add(legal(rng, f"{base} {rng.choice(SUBSIDIARY)}", country), country)
        pairs.append((legal(rng, base, country).upper(), country, "", "", "parent-not-in-register"))
    # Near-namesakes: a distinctive word more, or one letter apart.
    for _ in range(50):
        base, country = fresh()
        main_key = add(legal(rng, f"{base} Bank", country), country)
        add(legal(rng, f"State {base} Bank", country), country)
        pairs.append(
            (legal(rng, f"{base} Bank", country).upper(), country, "", main_key, "namesake")
        )
    for _ in range(40):
        base, country = fresh()
        add(legal(rng, f"{base} Bank", country), country)
        pairs.append((f"{base.upper()} BAHN", country, "", "", "namesake-not-in-register"))
    # Names in other scripts, as a holdings list transliterates them.
    for _ in range(30):
        latin = "".join(rng.choice("abdefgiklmnoprstuvz") for _ in range(rng.randint(6, 9)))
        native_word = "".join(CYRILLIC[c] for c in latin).capitalize()
        form, country, file_form = rng.choice(NATIVE[:2])
        key = add(form.format(native_word), country)
        pairs.append((file_form.format("", latin.upper()).strip(), country, "", key, "script"))
    # Companies that are not in the register at all.
    for _ in range(160):
        base, country = fresh()
        name = legal(rng, base, country)
        pairs.append(
            (bloomberg(rng, name) if rng.random() < 0.5 else name, country, "", "", "absent")
        )

    with (HERE / "match_register.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "legal_name", "country"])
        writer.writerows(register)
    with (HERE / "match_pairs.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "country", "listing_country", "expected", "style"])
        writer.writerows(pairs)
    print(f"{len(register)} register companies, {len(pairs)} labelled names")


if __name__ == "__main__":
    main()
