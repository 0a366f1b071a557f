"""The reference-data registry: each app that ships reference data (in its package, with its
PROVENANCE.md; never downloaded) registers a loader from its ``AppConfig.ready()``;
``convenant load_reference_data`` runs them in order, so core never imports an app. Data that
is not shipped (it comes from a provider, or is too large) is registered as *separate*: the
command names the command that loads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Loaded:
    """One dataset a loader looked at: a line for the operator, and whether anything changed."""

    summary: str
    changed: bool


@dataclass(frozen=True)
class ReferenceLoader:
    name: str
    what: str
    load: Callable[[], list[Loaded]]  # idempotent: loading the same files again changes nothing
    order: int


@dataclass(frozen=True)
class SeparateDataset:
    name: str
    what: str
    command: str


_loaders: dict[str, ReferenceLoader] = {}
_separate: dict[str, SeparateDataset] = {}


def register_reference_loader(
    name: str, what: str, load: Callable[[], list[Loaded]], order: int
) -> None:
    _loaders[name] = ReferenceLoader(name, what, load, order)


def register_separate_dataset(name: str, what: str, command: str) -> None:
    _separate[name] = SeparateDataset(name, what, command)


def loaders() -> list[ReferenceLoader]:
    """In order: a lower number loads first (what others refer to comes before them)."""
    return sorted(_loaders.values(), key=lambda loader: (loader.order, loader.name))


def separate_datasets() -> list[SeparateDataset]:
    return sorted(_separate.values(), key=lambda dataset: dataset.name)
