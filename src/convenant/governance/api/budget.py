"""API of governance's budget."""

from ninja import Router

router = Router(tags=["governance"])
