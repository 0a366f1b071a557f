"""Governance actions: decisions (every write in one transaction, audited)."""
