"""Writes of the portfolios app, one module per sub-domain: issuers, holdings (import and
review), holdings imports as jobs (imports), exchange rates."""

from convenant.portfolios.actions.holdings import confirm_match, import_holdings, reject_match
from convenant.portfolios.actions.imports import (
    cancel_import,
    import_valid_rows,
    name_columns,
    purge_uploads,
    queue_import,
    retry_import,
    run_import,
)
from convenant.portfolios.actions.issuers import create_issuer, merge_issuers
from convenant.portfolios.actions.rates import load_exchange_rates, set_exchange_rates

__all__ = [
    "cancel_import",
    "confirm_match",
    "create_issuer",
    "import_holdings",
    "import_valid_rows",
    "load_exchange_rates",
    "merge_issuers",
    "name_columns",
    "purge_uploads",
    "queue_import",
    "reject_match",
    "retry_import",
    "run_import",
    "set_exchange_rates",
]
