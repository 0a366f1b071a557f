"""Issuers (the companies funds invest in), holdings snapshots and matching the two."""
