"""The toolkit API."""

from ninja import Router

from convenant.toolkit.api import assessment, texts

router = Router(tags=["toolkit"])
router.add_router("", texts.router)
router.add_router("", assessment.router)
