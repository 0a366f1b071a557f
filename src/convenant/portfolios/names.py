"""Normalising company names for matching: case, accents, punctuation and legal forms do not
tell two companies apart."""

from __future__ import annotations

import re
import unicodedata

# Legal-form words dropped at the end (and anywhere as separate tokens), many countries.
LEGAL_FORMS = {
    "NV",
    "BV",
    "VOF",
    "CV",
    "PLC",
    "INC",
    "INCORPORATED",
    "CORP",
    "CORPORATION",
    "CO",
    "COMPANY",
    "LTD",
    "LIMITED",
    "LLC",
    "LP",
    "LLP",
    "AG",
    "SE",
    "SA",
    "SAS",
    "SPA",
    "SRL",
    "GMBH",
    "KGAA",
    "AB",
    "ASA",
    "AS",
    "OYJ",
    "OY",
    "A/S",
    "PJSC",
    "JSC",
    "OAO",
    "PT",
    "TBK",
    "BHD",
    "BERHAD",
    "PTE",
    "PTY",
    "KK",
    "NL",
    "SAB",
    "DE",
    "CV.",
    "THE",
    "HOLDING",
    "HOLDINGS",
    "GROUP",
    "GROEP",
}
_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """Upper-case ASCII words without punctuation or legal forms: “Koninklijke Ahold Delhaize
    N.V.” → “KONINKLIJKE AHOLD DELHAIZE”. Never empty for a non-empty name."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    text = text.replace("&", " AND ")
    text = _PUNCTUATION.sub(lambda m: "" if m.group(0) == "." else " ", text)
    words = _SPACES.sub(" ", text).strip().split(" ")
    kept = [w for w in words if w and w not in LEGAL_FORMS]
    return " ".join(kept) or " ".join(w for w in words if w)
