"""Engagement views: engagements."""
