"""API of engagement's overviews."""

from ninja import Router

router = Router(tags=["engagement"])
