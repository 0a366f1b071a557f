"""Permission-matrix rows of the deep track: a case's consultations (step A, with the group-level
confidentiality and redaction), remedies and company policy changes (step C), and progress with
the grievance-mechanism assessments against UNGP 31 (step D)."""

from convenant.core.testing import Row

ROWS: list[Row] = []
