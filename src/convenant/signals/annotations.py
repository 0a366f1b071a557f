"""What apps above signals say about a signal on its page — engagement: its follow-up, the
engagements that answer it — without signals importing them (DESIGN §4 hook pattern). A
provider reads through ``visible_to(user)``: the page shows what it returns, at the reader's
level, and nothing more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FollowUp:
    label: str  # a short badge, e.g. "Followed up by an engagement"
    url: str
    title: str = ""


Provider = Callable[[Any, Any], list[FollowUp]]

_providers: dict[str, Provider] = {}


def register_signal_followup(name: str, provider: Provider) -> None:
    _providers[name] = provider


def signal_followups(user: Any, signal: Any) -> list[FollowUp]:
    return [note for name in sorted(_providers) for note in _providers[name](user, signal)]
