"""Throttling failed log-ins, so a password cannot be guessed: per account (the e-mail address
tried) and per client, counted in the cache for a window. Keys are HMACs under the secret
key, so the cache holds neither the addresses tried nor the clients' IP addresses."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

from convenant.core import counters


def _key(kind: str, value: str) -> str:
    window = int(time.time()) // settings.LOGIN_THROTTLE_WINDOW
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"login:failures:{kind}:{window}:{digest}"


def _keys(email: str, client: str) -> list[tuple[str, int]]:
    return [
        (_key("account", email.strip().lower()), settings.LOGIN_FAILURES_PER_ACCOUNT),
        (_key("client", client), settings.LOGIN_FAILURES_PER_CLIENT),
    ]


def is_blocked(email: str, client: str) -> bool:
    return any(counters.count(key) >= limit for key, limit in _keys(email, client))


def failed(email: str, client: str) -> None:
    for key, _limit in _keys(email, client):
        counters.hit(key, settings.LOGIN_THROTTLE_WINDOW)


def succeeded(email: str) -> None:
    """A right password clears the account's count (not the client's)."""
    cache.delete(_key("account", email.strip().lower()))
