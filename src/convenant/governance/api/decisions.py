"""API of governance's decisions."""

from ninja import Router

router = Router(tags=["governance"])
