"""Governance actions: bodies (every write in one transaction, audited)."""
