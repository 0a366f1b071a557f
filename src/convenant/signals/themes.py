"""The themes a signal can be about: the keys of the risk app's theme taxonomy, so that a
verified signal feeds the fund's risk results on the same theme."""

from __future__ import annotations

from functools import lru_cache

import yaml
from django.utils.translation import get_language

from convenant.risk.actions import LIBRARY


@lru_cache(maxsize=1)
def _taxonomy() -> tuple[tuple[str, str, str], ...]:
    data = yaml.safe_load((LIBRARY / "themes" / "dataset.yaml").read_text(encoding="utf-8"))
    return tuple((t["key"], t["nl"], t["en"]) for t in data["themes"])


def theme_keys() -> list[str]:
    return [key for key, _nl, _en in _taxonomy()]


def theme_names() -> dict[str, str]:
    """Key → name in Dutch or English (the product's languages)."""
    dutch = get_language() != "en"
    return {key: nl if dutch else en for key, nl, en in _taxonomy()}


def theme_choices() -> list[tuple[str, str]]:
    return list(theme_names().items())
