"""What the reporting app holds about a person, for their export and erasure (core.privacy):
cycles they opened, submissions they accepted, answers, evidence, scores, review threads and
messages, reminders and findings they wrote, reports they signed off. The rows are the person's
own; links to other people are left out."""

from __future__ import annotations

from typing import Any

from convenant.core import privacy
from convenant.core.models import User
from convenant.reporting.models import (
    Answer,
    Cycle,
    Evidence,
    Finding,
    MonitoringReport,
    Reminder,
    ReviewMessage,
    ReviewThread,
    Score,
    Submission,
)

OWN = [
    (Cycle, "created_by"),
    (Submission, "accepted_by"),
    (Answer, "answered_by"),
    (Evidence, "uploaded_by"),
    (Score, "confirmed_by"),
    (ReviewThread, "opened_by"),
    (ReviewThread, "resolved_by"),
    (ReviewMessage, "author"),
    (Reminder, "sent_by"),
    (Finding, "written_by"),
    (MonitoringReport, "signed_off_by"),
]


def export(person: User) -> dict[str, Any]:
    return privacy.own_rows(person, OWN)


def register() -> None:
    privacy.register("reporting", exporter=export)
