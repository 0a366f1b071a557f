"""Writes of the portfolios app, one module per sub-domain: issuers, holdings (import and
review), import jobs, exchange rates."""

from convenant.portfolios.actions.holdings import confirm_match, import_holdings, reject_match
from convenant.portfolios.actions.issuers import create_issuer, merge_issuers
from convenant.portfolios.actions.jobs import (
    import_valid_rows,
    name_columns,
    purge_uploads,
    queue_import,
    run_import_job,
)
from convenant.portfolios.actions.rates import set_exchange_rates

__all__ = [
    "confirm_match",
    "create_issuer",
    "import_holdings",
    "import_valid_rows",
    "merge_issuers",
    "name_columns",
    "purge_uploads",
    "queue_import",
    "reject_match",
    "run_import_job",
    "set_exchange_rates",
]
