"""Words for the keys engagement and the deep track store: a theme's name (the taxonomy in
force) and a sector's name (the sector map), in the reader's language. Reference data changes
only when a new edition is loaded, so the names are kept for a minute per process."""

from __future__ import annotations

import time

from django import template
from django.utils.translation import get_language

register = template.Library()

_KEEP_SECONDS = 60.0
_kept: dict[str, tuple[float, dict[str, str], dict[str, str]]] = {}


def _names() -> tuple[dict[str, str], dict[str, str]]:
    from convenant.risk.models import SectorThemeRisk, Theme

    english = (get_language() or "nl").startswith("en")
    language = "en" if english else "nl"
    found = _kept.get(language)
    if found and time.monotonic() - found[0] < _KEEP_SECONDS:
        return found[1], found[2]
    themes = {t.key: (t.name_en if english else t.name) for t in Theme.objects.in_force()}
    sectors: dict[str, str] = {}
    for code, name, name_nl in (
        SectorThemeRisk.objects.order_by("dataset__edition")
        .values_list("sector_code", "sector_name", "sector_name_nl")
        .distinct()
    ):
        sectors[code] = name if english or not name_nl else name_nl
    _kept[language] = (time.monotonic(), themes, sectors)
    return themes, sectors


@register.filter
def theme_name(key: str) -> str:
    """The theme's name, or its key when the taxonomy in force does not know it."""
    return _names()[0].get(key, key)


@register.filter
def sector_name(code: str) -> str:
    """The sector map's name for a GICS code, with the code; the code alone if unknown."""
    name = _names()[1].get(code)
    return f"{name} ({code})" if name else code
