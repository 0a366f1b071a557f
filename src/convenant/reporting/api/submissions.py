"""API of reporting: reporting cycles and each party's submission: opening a cycle, answering
(saved as the person types), evidence, validation, submitting, reminders and the secretariat's
overview. Writes go through the same actions as the pages."""

from ninja import Router

router = Router(tags=["reporting"])
