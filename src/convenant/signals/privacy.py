"""What the signals app holds about a person, for their export and erasure (core.privacy): signals
they filed or handled, their links, steps and messages. The rows are the person's own; links to
other people are left out."""

from __future__ import annotations

from typing import Any

from convenant.core import privacy
from convenant.core.models import User
from convenant.signals.models import Signal, SignalEvent, SignalIssuer, SignalMessage

OWN = [
    (Signal, "reported_by"),
    (Signal, "handler"),
    (SignalIssuer, "linked_by"),
    (SignalEvent, "actor"),
    (SignalMessage, "written_by"),
]


def export(person: User) -> dict[str, Any]:
    return privacy.own_rows(person, OWN)


def erase(person: User, erasure: privacy.Erasure) -> None:
    """Texts that name people (typed by whoever recorded them) lose the person's name."""
    privacy.scrub(Signal, ["people"], erasure)


def register() -> None:
    privacy.register("signals", exporter=export, eraser=erase)
