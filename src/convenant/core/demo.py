"""The demo registry: each app registers a loader for its part of the fictional demo
covenant; ``convenant load_demo`` runs them in order (parties before portfolios …), so a
lower app never has to know what the higher ones put in the demo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[[], str]  # idempotent; returns a one-line summary
    order: int


_loaders: dict[str, DemoLoader] = {}


def register_demo_loader(name: str, load: Callable[[], str], order: int) -> None:
    _loaders[name] = DemoLoader(name, load, order)


def loaders() -> list[DemoLoader]:
    return sorted(_loaders.values(), key=lambda loader: loader.order)
