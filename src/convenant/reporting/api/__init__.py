"""The reporting API."""

from ninja import Router

from convenant.reporting.api import framework, publication, report, review, submissions

router = Router(tags=["reporting"])
router.add_router("", framework.router)
router.add_router("", submissions.router)
router.add_router("", review.router)
router.add_router("", report.router)
router.add_router("", publication.router)
