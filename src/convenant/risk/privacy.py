"""What the risk app holds about a person, for their export and erasure (core.privacy): company
findings they recorded and risk judgements they made. The rows are the person's own; links to
other people are left out."""

from __future__ import annotations

from typing import Any

from convenant.core import privacy
from convenant.core.models import User
from convenant.risk.models import CompanyFinding, RiskJudgement

OWN = [
    (CompanyFinding, "recorded_by"),
    (RiskJudgement, "decided_by"),
]


def export(person: User) -> dict[str, Any]:
    return privacy.own_rows(person, OWN)


def register() -> None:
    privacy.register("risk", exporter=export)
