"""What the outsourcing app holds about a person, for their export and erasure (core.privacy):
providers, mandates, clauses, renewal tasks and provider reports they recorded. The rows are
the person's own; links to other people are left out."""

from __future__ import annotations

from typing import Any

from convenant.core import privacy
from convenant.core.models import User
from convenant.outsourcing.models import (
    Mandate,
    MandateClause,
    Provider,
    ProviderReport,
    RenewalTask,
)

OWN = [
    (Provider, "created_by"),
    (Mandate, "created_by"),
    (MandateClause, "recorded_by"),
    (RenewalTask, "done_by"),
    (ProviderReport, "recorded_by"),
]


def export(person: User) -> dict[str, Any]:
    return privacy.own_rows(person, OWN)


def register() -> None:
    privacy.register("outsourcing", exporter=export)
