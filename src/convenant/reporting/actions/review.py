"""Actions of reporting: the monitoring committee's workspace: each submitted submission with
its evidence, questions threaded per question, scores confirmed or corrected, acceptance,
reopening and corrections, findings and recommendations."""

from __future__ import annotations
