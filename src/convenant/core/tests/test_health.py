"""The health endpoints: liveness without the database, readiness over the database, the
migrations, the cache and (when configured) the Celery broker, against the real services."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client, override_settings

from convenant.core import health
from convenant.core.testing import redis_server


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture(autouse=True)
def fresh_migration_state() -> Iterator[None]:
    health._migrations_applied = False
    yield
    health._migrations_applied = False


def get(client: Client, path: str, **headers: str):
    response = client.get(path, headers=headers)
    return response, response.json()


@pytest.mark.django_db
def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response, body = get(client, "/healthz")
    assert response.status_code == 200
    assert body == {"status": "ok", "checks": {"process": "ok"}}
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_readiness_is_ok_when_database_migrations_and_cache_answer(client):
    response, body = get(client, "/readyz")
    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok"},
    }
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readiness_is_unavailable_with_an_unapplied_migration(client):
    """Given core's last migration no longer recorded as applied (inside the test's
    transaction, rolled back after it), readiness answers 503 and liveness still 200."""
    from django.db.migrations.loader import MigrationLoader

    leaf = max(
        name for app, name in MigrationLoader(connection).graph.leaf_nodes() if app == "core"
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'core' AND name = %s", [leaf])
    response, body = get(client, "/readyz")
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "migrations": "unavailable", "cache": "ok"}
    assert get(client, "/healthz")[0].status_code == 200


@pytest.mark.django_db
def test_readiness_checks_the_broker_when_one_is_configured(client, redis_url):
    with override_settings(CELERY_BROKER_URL=redis_url):
        response, body = get(client, "/readyz")
    assert response.status_code == 200
    assert body["checks"]["broker"] == "ok"


@pytest.mark.django_db
def test_an_unreachable_broker_makes_readiness_503_without_details(client, tmp_path):
    """Given a broker URL with a password that nothing listens on, the answer is 503 within
    a few seconds and names no address, password or error."""
    url = f"redis+socket://:s3cret-pass@/{tmp_path}/nothing.sock"
    started = time.monotonic()
    with override_settings(CELERY_BROKER_URL=url):
        response, body = get(client, "/readyz")
    assert time.monotonic() - started < 15
    assert response.status_code == 503
    assert body == {
        "status": "unavailable",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "broker": "unavailable"},
    }
    assert b"s3cret" not in response.content and str(tmp_path).encode() not in response.content


@pytest.mark.django_db
def test_a_broken_cache_makes_readiness_503_never_500(client):
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    with override_settings(CACHES=broken):
        response, body = get(client, "/readyz")
    assert response.status_code == 503
    assert body["checks"]["cache"] == "unavailable"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
@override_settings(
    DEBUG=False,
    ALLOWED_HOSTS=["convenant.example"],
    SECURE_SSL_REDIRECT=True,
    SECURE_REDIRECT_EXEMPT=[],
)
def test_probes_answer_over_plain_http_to_any_host(client):
    """A load balancer probes by address over http: no redirect to https and no 400 for an
    unknown Host, while a page still gets both."""
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, path
    assert client.get("/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    assert client.get("/login/", HTTP_HOST="convenant.example").status_code == 301


@pytest.mark.django_db
def test_other_methods_are_refused(client):
    assert client.post("/healthz").status_code in (403, 405)  # CSRF or the method
    assert Client(enforce_csrf_checks=False).post("/readyz").status_code == 405
