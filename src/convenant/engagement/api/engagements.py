"""API of engagement's engagements."""

from ninja import Router

router = Router(tags=["engagement"])
