"""What apps above risk say about a fund's risk (a company and a theme) on the fund's risks
page — engagement: "being engaged", linking to the engagement — without risk importing them
(DESIGN §4 hook pattern). A provider reads through ``visible_to(user)``: the page shows what
it returns, at the reader's level, and nothing more."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RiskAnnotation:
    label: str  # a short badge, e.g. "Being engaged"
    url: str
    title: str = ""  # what the link leads to, e.g. the engagement's title


Pair = tuple[int, str]  # (issuer id, theme key)
Provider = Callable[[Any, set[Pair]], dict[Pair, list[RiskAnnotation]]]

_providers: dict[str, Provider] = {}


def register_risk_annotation(name: str, provider: Provider) -> None:
    _providers[name] = provider


def risk_annotations(user: Any, pairs: Iterable[Pair]) -> dict[Pair, list[RiskAnnotation]]:
    wanted = set(pairs)
    found: dict[Pair, list[RiskAnnotation]] = {}
    if not wanted:
        return found
    for name in sorted(_providers):
        for pair, notes in _providers[name](user, wanted).items():
            found.setdefault(pair, []).extend(notes)
    return found
