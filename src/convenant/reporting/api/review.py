"""API of reporting: the monitoring committee's workspace: each submitted submission with its
evidence, questions threaded per question, scores confirmed or corrected, acceptance, reopening
and corrections, findings and recommendations. Writes go through the same actions as the
pages."""

from ninja import Router

router = Router(tags=["reporting"])
