"""Governance views: decisions."""
