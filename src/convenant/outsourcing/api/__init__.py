"""The outsourcing API."""

from ninja import Router

from convenant.outsourcing.api import mandates, monitoring

router = Router(tags=["outsourcing"])
router.add_router("", mandates.router)
router.add_router("", monitoring.router)
