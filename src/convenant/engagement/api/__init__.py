"""The engagement API: engagements, objectives, milestones and activities; overviews."""

from ninja import Router

from convenant.engagement.api import (
    cases,
    closure,
    communication,
    engagements,
    fieldwork,
    overviews,
    selection,
)

router = Router(tags=["engagement"])
router.add_router("", engagements.router)
router.add_router("", overviews.router)
for area in (selection, cases, fieldwork, communication, closure):
    router.add_router("", area.router)
