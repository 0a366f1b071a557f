"""Governance views: budget."""
