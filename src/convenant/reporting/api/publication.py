"""API of reporting: what is published: disclosure control, the steering group's approval
(governance effects), the public report pages, the annual meeting pack and the trend across
cycles. Writes go through the same actions as the pages."""

from ninja import Router

router = Router(tags=["reporting"])
