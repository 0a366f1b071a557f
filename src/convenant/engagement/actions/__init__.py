"""Engagement actions, by area."""
