"""Health endpoints for a load balancer, an orchestrator or `make serve`.

``/healthz`` (liveness) says only that the process answers: it touches no database, so a
slow database never gets healthy web processes restarted. ``/readyz`` (readiness) says
whether this process can serve: the database answers, every migration is applied, the
cache answers and, when one is configured, the Celery broker answers.

Both answer JSON ``{"status": "ok"|"unavailable", "checks": {...}}`` with 200 or 503, never
a 500 and never a detail (an address, a password in a URL, an error text): a failing check
says "unavailable" and the reason goes to the log. They answer over plain http and to any
Host header (a load balancer probes by address), which is why ``HealthMiddleware`` answers
them before SecurityMiddleware's redirect and before CommonMiddleware validates the host.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
OK, UNAVAILABLE = "ok", "unavailable"
BROKER_TIMEOUT_SECONDS = 2.0

# Once every migration is applied it stays so for the life of the process (a deploy with
# new migrations starts new processes), so the migration graph is read until then only.
_migrations_applied = False


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("unapplied migrations")
    _migrations_applied = True


def check_cache() -> None:
    key, value = f"convenant:readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not give back what was stored")
    finally:
        cache.delete(key)


def check_broker() -> None:
    from kombu import Connection

    options = {
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }
    with Connection(settings.CELERY_BROKER_URL, transport_options=options) as broker:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks: dict[str, Callable[[], None]] = {
        "database": check_database,
        "migrations": check_migrations,
        "cache": check_cache,
    }
    if getattr(settings, "CELERY_BROKER_URL", ""):
        checks["broker"] = check_broker
    return checks


def _answer(checks: dict[str, str]) -> JsonResponse:
    status = OK if all(v == OK for v in checks.values()) else UNAVAILABLE
    response = JsonResponse(
        {"status": status, "checks": checks}, status=200 if status == OK else 503
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def liveness(request: HttpRequest) -> HttpResponse:
    return _answer({"process": OK})


@require_safe
def readiness(request: HttpRequest) -> HttpResponse:
    results: dict[str, str] = {}
    for name, check in readiness_checks().items():
        try:
            check()
        except Exception:
            # The reason is for the operator's log, not for whoever probes the endpoint.
            logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = UNAVAILABLE
        else:
            results[name] = OK
    return _answer(results)


ENDPOINTS = {LIVENESS_PATH: liveness, READINESS_PATH: readiness}


class HealthMiddleware:
    """Answers the health endpoints before the host check and the https redirect, with no
    session, language or user: a probe is neither a visitor nor a browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = ENDPOINTS.get(request.path_info.rstrip("/"))
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
