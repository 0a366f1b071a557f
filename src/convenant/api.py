"""The API under /api/v1/: one NinjaAPI, one router per app."""

from functools import partial

from ninja.errors import ValidationError

from convenant.core.api import (
    AUTHENTICATED,
    ConvenantAPI,
    declare_error_answers,
    invalid_input,
    scope_tokens,
)
from convenant.core.jobs_api import router as jobs_router
from convenant.engagement.api import router as engagement_router
from convenant.governance.api import router as governance_router
from convenant.outsourcing.api import router as outsourcing_router
from convenant.parties.api import router as parties_router
from convenant.portfolios.api.holdings import router as holdings_router
from convenant.portfolios.api.issuers import router as portfolios_router
from convenant.portfolios.api.rates import router as rates_router
from convenant.reporting.api import router as reporting_router
from convenant.risk.api import router as risk_router
from convenant.signals.api import router as signals_router
from convenant.toolkit.api import router as toolkit_router

api = ConvenantAPI(
    title="convenant API",
    version="1",
    description=(
        "The API of convenant. Authenticate with a personal API token "
        "(`Authorization: Bearer cvn_…`, created on your account page) or, from the browser, "
        "with your session. A token may be limited to reading and to some apps: outside its "
        "scope an operation answers 403 and says what the token lacks. Every answer "
        "respects the same access policy as the pages: an "
        "object you may not see answers 404, like one that does not exist. Operations "
        "without a security requirement are public: anyone may call them, and a signed-in "
        "caller may see more. Lists take `limit` (documented maximum) and `offset`. Every "
        'error answers `{"detail": "…"}` in the documented shape.'
    ),
    urls_namespace="api",
    auth=AUTHENTICATED,
)
api.add_router("/", jobs_router)
api.add_router("/", parties_router)
api.add_router("/", governance_router)
api.add_router("/", toolkit_router)
api.add_router("/", outsourcing_router)
api.add_router("/", portfolios_router)
api.add_router("/", holdings_router)
api.add_router("/", rates_router)
api.add_router("/", risk_router)
api.add_router("/", signals_router)
api.add_router("/", engagement_router)
api.add_router("/", reporting_router)
api.add_exception_handler(ValidationError, partial(invalid_input, api=api))
declare_error_answers(api)
scope_tokens(api)  # last: it binds the routers
