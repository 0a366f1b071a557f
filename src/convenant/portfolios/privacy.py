"""What the portfolios app holds about a person, for their export and erasure (core.privacy): the
holdings snapshots and imports they started. The rows are the person's own; links to other
people are left out."""

from __future__ import annotations

from typing import Any

from convenant.core import privacy
from convenant.core.models import User
from convenant.portfolios.models import ImportJob, Snapshot

OWN = [
    (Snapshot, "imported_by"),
    (ImportJob, "created_by"),
]


def export(person: User) -> dict[str, Any]:
    return privacy.own_rows(person, OWN)


def register() -> None:
    privacy.register("portfolios", exporter=export)
