"""Governance actions: budget (every write in one transaction, audited)."""
