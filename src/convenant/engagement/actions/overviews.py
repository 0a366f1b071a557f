"""Engagement actions: overviews (every write in one transaction, audited)."""
