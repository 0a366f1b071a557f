"""Engagement views: overviews."""
