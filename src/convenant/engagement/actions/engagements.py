"""Engagement actions: engagements (every write in one transaction, audited)."""
