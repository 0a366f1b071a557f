"""Governance views: bodies."""
