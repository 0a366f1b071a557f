"""API of the portfolios app, one module per sub-domain: the issuer register (issuers) and
the funds' holdings (holdings) and the exchange-rate table (rates)."""
