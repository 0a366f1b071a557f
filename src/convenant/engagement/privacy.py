"""What the engagement app holds about a person, for their export and erasure (core.privacy):
nominations, scores, cases, steps, consultations, notes, remedies, assessments, communications,
lessons, engagements, activities and attachments they recorded. The rows are the person's own;
links to other people are left out."""

from __future__ import annotations

from typing import Any

from convenant.core import privacy
from convenant.core.models import User
from convenant.engagement.models import (
    Activity,
    ActivityAttachment,
    ActivityNote,
    Case,
    Communication,
    CommunicationApproval,
    Consultation,
    ConsultationNote,
    Engagement,
    GrievanceAssessment,
    Lesson,
    Nomination,
    NominationScore,
    Remedy,
    SelectionRound,
    StepMove,
)

OWN = [
    (SelectionRound, "created_by"),
    (Nomination, "nominated_by"),
    (NominationScore, "scored_by"),
    (Case, "created_by"),
    (StepMove, "moved_by"),
    (Consultation, "recorded_by"),
    (ConsultationNote, "written_by"),
    (Remedy, "recorded_by"),
    (GrievanceAssessment, "assessed_by"),
    (Communication, "created_by"),
    (CommunicationApproval, "approved_by"),
    (Lesson, "recorded_by"),
    (Engagement, "created_by"),
    (Activity, "recorded_by"),
    (ActivityNote, "written_by"),
    (ActivityAttachment, "uploaded_by"),
]


def export(person: User) -> dict[str, Any]:
    return privacy.own_rows(person, OWN)


def erase(person: User, erasure: privacy.Erasure) -> None:
    """Texts that name people (typed by whoever recorded them) lose the person's name."""
    privacy.scrub(Consultation, ["with_whom", "people"], erasure)
    privacy.scrub(Remedy, ["for_whom", "by_whom"], erasure)


def register() -> None:
    privacy.register("engagement", exporter=export, eraser=erase)
