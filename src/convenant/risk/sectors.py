"""The sector risk map's codes: which entry of the map applies to a company.

The map (edition 2026.2 on) has entries at GICS sector (2 digits), industry group (4),
industry (6) and sub-industry (8) level. An entry below sector level lists the complete set
of themes for its industry, replacing its sector's; so a company takes the themes of the
most specific entry its code falls under, never a mix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from convenant.risk.models import SectorGood, SectorThemeRisk

LEVELS = (2, 4, 6, 8)  # GICS: sector, industry group, industry, sub-industry


def sector_entry(code: str, known: Collection[str]) -> str | None:
    """The longest prefix of ``code`` among the map's codes ``known`` (industry before
    industry group before sector), or None where the map has no entry for it. Spaces, dots
    and other separators in the code are ignored ("15 10 40" is 151040)."""
    digits = "".join(ch for ch in code if ch.isdigit())
    for length in reversed(LEVELS):
        if len(digits) >= length and digits[:length] in known:
            return digits[:length]
    return None


def parent_codes(code: str) -> list[str]:
    """The broader codes above an entry, nearest first: 151040 → 1510, 15."""
    return [code[:n] for n in reversed(LEVELS) if n < len(code)]


@dataclass
class MapEntry:
    """One entry of the map as a page shows it: its rows and goods, and (for a sector) the
    industries below it that replace it."""

    code: str
    name: str
    risks: list[tuple[SectorThemeRisk, str]] = field(default_factory=list)  # (row, theme name)
    goods: list[str] = field(default_factory=list)
    industries: list[MapEntry] = field(default_factory=list)


def nested(
    risks: Iterable[SectorThemeRisk], goods: Iterable[SectorGood], theme_names: dict[str, str]
) -> list[MapEntry]:
    """The map's entries as sectors with their industry groups and industries below them,
    in code order, names in the reader's language (the row's own translation)."""
    entries: dict[str, MapEntry] = {}
    for risk in risks:
        entry = entries.setdefault(
            risk.sector_code, MapEntry(risk.sector_code, risk.localised_sector_name)
        )
        entry.risks.append((risk, theme_names.get(risk.theme, risk.theme)))
    for good in goods:
        if good.sector_code in entries:
            entries[good.sector_code].goods.append(good.good)
    sectors: dict[str, MapEntry] = {}
    for code in sorted(entries):
        if len(code) == LEVELS[0]:
            sectors[code] = entries[code]
        else:  # the loader requires the sector entry; a page never hides a row without one
            parent = sectors.setdefault(code[:2], MapEntry(code[:2], f"GICS {code[:2]}"))
            parent.industries.append(entries[code])
    return sorted(sectors.values(), key=lambda e: e.code)
