"""The engagement API: engagements, objectives, milestones and activities; overviews."""

from ninja import Router

from convenant.engagement.api import engagements, overviews

router = Router(tags=["engagement"])
router.add_router("", engagements.router)
router.add_router("", overviews.router)
