"""The API under /api/v1/: one NinjaAPI, one router per app."""

from ninja import NinjaAPI

from convenant.core.api import AUTHENTICATED
from convenant.core.jobs_api import router as jobs_router
from convenant.parties.api import router as parties_router
from convenant.portfolios.api import router as portfolios_router
from convenant.portfolios.holdings_api import router as holdings_router
from convenant.risk.api import router as risk_router
from convenant.signals.api import router as signals_router

api = NinjaAPI(
    title="convenant API",
    version="1",
    description=(
        "The API of convenant. Authenticate with a personal API token "
        "(`Authorization: Bearer cvn_…`, created on your account page) or, from the browser, "
        "with your session. Every answer respects the same access policy as the pages: an "
        "object you may not see answers 404, like one that does not exist."
    ),
    urls_namespace="api",
    auth=AUTHENTICATED,
)
api.add_router("/", jobs_router)
api.add_router("/", parties_router)
api.add_router("/", portfolios_router)
api.add_router("/", holdings_router)
api.add_router("/", risk_router)
api.add_router("/", signals_router)
