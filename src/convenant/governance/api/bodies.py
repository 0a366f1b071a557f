"""API of governance's bodies."""

from ninja import Router

router = Router(tags=["governance"])
