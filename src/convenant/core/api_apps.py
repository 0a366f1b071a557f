"""The apps that answer in the API: what an API token may be limited to. The API registers
them when it is built (``core.api.scope_tokens``); core names no higher app."""

from __future__ import annotations

from django.apps import apps
from django.urls import get_resolver

# Following a job (core's part of the API) belongs to every app's work: a token limited to
# some apps still follows the imports and exports its own calls started.
COMMON = "core"

_labels: set[str] = set()


def register(label: str) -> None:
    if label != COMMON:
        _labels.add(label)


def api_apps() -> list[tuple[str, str]]:
    """(label, name) of every app with operations in the API, by name."""
    if not _labels:
        get_resolver().url_patterns  # noqa: B018 - the URLconf builds the API, which registers
    named = [(label, str(apps.get_app_config(label).verbose_name)) for label in _labels]
    return sorted(named, key=lambda pair: pair[1])


def app_name(label: str) -> str:
    return str(apps.get_app_config(label).verbose_name)
