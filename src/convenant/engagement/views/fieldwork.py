"""Views of the deep track: a case's consultations (step A, with the group-level confidentiality
and redaction), remedies and company policy changes (step C), and progress with the grievance-
mechanism assessments against UNGP 31 (step D)."""

from __future__ import annotations
