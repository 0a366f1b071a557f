"""The themes a signal can be about: the themes of the risk app's taxonomy edition in force,
so that a verified signal feeds the fund's risk results on the same theme (signals may read
risk; risk never reads signals)."""

from __future__ import annotations

from django.utils.translation import get_language

from convenant.risk.models import Theme


def _taxonomy() -> list[tuple[str, str, str]]:
    # Read on each call, not cached: loading a new edition changes the choices at once.
    return list(Theme.objects.in_force().values_list("key", "name", "name_en"))


def theme_keys() -> list[str]:
    return [key for key, _nl, _en in _taxonomy()]


def theme_names() -> dict[str, str]:
    """Key → name in Dutch or English (the product's languages)."""
    dutch = get_language() != "en"
    return {key: nl if dutch else en for key, nl, en in _taxonomy()}


def theme_choices() -> list[tuple[str, str]]:
    return list(theme_names().items())
