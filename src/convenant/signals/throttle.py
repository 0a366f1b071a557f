"""Throttling of the public intake without keeping anyone's address.

The anonymous intake must be rate-limited, and receipt codes must not be open to guessing,
but no IP address may be stored anywhere. A client is therefore counted under a bucket: an
HMAC of its address with a random salt that lives only in the cache and only for the
current window. When the window ends the salt expires with the counts, and nothing links a
bucket to an address or to a bucket of another window. Beside the per-client limits there
is a site-wide ceiling, so changing address does not get around them.

The cache is Django's (``CACHES``); with several processes it must be a shared one (Redis).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from convenant.core import counters

BUCKET_ATTRIBUTE = "_convenant_intake_bucket"


@dataclass(frozen=True)
class Limit:
    name: str
    per_client: int
    site_wide: int
    window: int  # seconds


def limits() -> dict[str, Limit]:
    window = int(getattr(settings, "SIGNALS_THROTTLE_WINDOW", 3600))
    return {
        "report": Limit(
            "report",
            int(getattr(settings, "SIGNALS_REPORTS_PER_CLIENT", 5)),
            int(getattr(settings, "SIGNALS_REPORTS_SITE_WIDE", 200)),
            window,
        ),
        "receipt": Limit(
            "receipt",
            int(getattr(settings, "SIGNALS_RECEIPT_FAILURES_PER_CLIENT", 10)),
            int(getattr(settings, "SIGNALS_RECEIPT_FAILURES_SITE_WIDE", 500)),
            window,
        ),
    }


def _window(limit: Limit) -> int:
    return int(time.time()) // limit.window


def bucket_for(address: str, limit: Limit) -> str:
    """The client's bucket in this window: an HMAC under a salt that expires with it."""
    window = _window(limit)
    salt_key = f"signals:salt:{limit.name}:{window}"
    salt = cache.get(salt_key)
    if salt is None:
        cache.add(salt_key, secrets.token_hex(32), timeout=limit.window)
        salt = cache.get(salt_key)
    return hmac.new(str(salt).encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def remember_client(request: HttpRequest, address: str) -> None:
    """Called by the middleware before the address is removed from the request: keep only
    the per-window buckets on the request object (never stored or logged)."""
    setattr(
        request,
        BUCKET_ATTRIBUTE,
        {name: bucket_for(address, limit) for name, limit in limits().items()},
    )


def _keys(request: HttpRequest, limit: Limit) -> tuple[str, str]:
    buckets = getattr(request, BUCKET_ATTRIBUTE, None) or {}
    bucket = buckets.get(limit.name, "unknown")
    window = _window(limit)
    return (
        f"signals:count:{limit.name}:{window}:{bucket}",
        f"signals:count:{limit.name}:{window}:all",
    )


def is_blocked(request: HttpRequest, name: str) -> bool:
    """Whether this client (or the whole site) has used up the limit of this window."""
    limit = limits()[name]
    mine, everyone = _keys(request, limit)
    return counters.count(mine) >= limit.per_client or counters.count(everyone) >= limit.site_wide


def hit(request: HttpRequest, name: str) -> None:
    """Count one use (a report sent, a wrong receipt code)."""
    limit = limits()[name]
    for key in _keys(request, limit):
        counters.hit(key, limit.window)
