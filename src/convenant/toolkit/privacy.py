"""What the toolkit app holds about a person, for their export and erasure (core.privacy): the
text versions and comments they wrote, self-assessments they started, their answers and
evidence. The rows are the person's own; links to other people are left out."""

from __future__ import annotations

from typing import Any

from convenant.core import privacy
from convenant.core.models import User
from convenant.toolkit.models import (
    Answer,
    Comment,
    EvidenceDocument,
    SelfAssessment,
    TextVersion,
)

OWN = [
    (TextVersion, "created_by"),
    (Comment, "author"),
    (SelfAssessment, "created_by"),
    (EvidenceDocument, "uploaded_by"),
    (Answer, "answered_by"),
]


def export(person: User) -> dict[str, Any]:
    return privacy.own_rows(person, OWN)


def register() -> None:
    privacy.register("toolkit", exporter=export)
