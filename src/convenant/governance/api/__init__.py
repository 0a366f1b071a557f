"""The governance API: bodies and meetings, proposals, votes and the decision log, budget."""

from ninja import Router

from convenant.governance.api import bodies, budget, decisions

router = Router(tags=["governance"])
router.add_router("", decisions.router)
router.add_router("", bodies.router)
router.add_router("", budget.router)
