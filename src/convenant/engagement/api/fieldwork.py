"""API of the deep track: a case's consultations (step A, with the group-level confidentiality and
redaction), remedies and company policy changes (step C), and progress with the grievance-
mechanism assessments against UNGP 31 (step D). Writes go through the same actions as the pages."""

from ninja import Router

router = Router(tags=["engagement"])
