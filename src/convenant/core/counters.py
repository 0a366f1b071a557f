"""Counters in the cache that expire with their window: what every throttle counts with
(failed log-ins, reports and receipt codes on the public intake)."""

from __future__ import annotations

from django.core.cache import cache


def count(key: str) -> int:
    return int(cache.get(key) or 0)


def hit(key: str, window: int) -> None:
    """Count one; the counter disappears ``window`` seconds after its first hit."""
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
