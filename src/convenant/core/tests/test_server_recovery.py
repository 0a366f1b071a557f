"""The demo's server under ordinary load: more concurrent clients than it has database
connections. It once leaked a PostgreSQL connection per client thread (persistent
connections, a thread per client in runserver) until PostgreSQL refused everyone, and then
answered 500 until it was restarted. With the connection pool it holds at most
DATABASE_POOL_MAX_SIZE connections, a client that waits too long gets 503, never 500, and the
server answers 200 again afterwards.

The server is the real one, started as `make demo` starts it (runserver, --noreload), on
127.0.0.1 with a free port, against the test database. Every loop is bounded in count and
time."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

POOL_SIZE = 3
CLIENTS = 24  # eight times the pool
REQUESTS_PER_CLIENT = 4
URL = "/api/v1/parties"  # public, and every answer reads the database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, timeout: float = 30) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", URL)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.fixture
def server(db: None) -> Iterator[tuple[int, str]]:
    """The demo's server against the test database; yields its port and the application
    name its database connections carry (to count them in pg_stat_activity)."""
    port, app_name = _free_port(), f"recovery-{uuid.uuid4().hex[:8]}"
    # The suite's DATABASE_URL, naming the test database instead.
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}")
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "convenant.settings",
        "SECRET_KEY": "recovery-test-secret-key-not-for-production-0123456789abcdef",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": urlunsplit(url),
        "DATABASE_POOL": "1",
        "DATABASE_POOL_MAX_SIZE": str(POOL_SIZE),
        "DATABASE_POOL_TIMEOUT": "3",
        "PGAPPNAME": app_name,
        "CELERY_BROKER_URL": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "convenant.manage", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    _out, err = process.communicate(timeout=10)
                    pytest.fail(f"the server did not start: {err.decode()[-3000:]}")
                time.sleep(0.2)
        yield port, app_name
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _server_connections(app_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [app_name]
        )
        return int(cursor.fetchone()[0])


def test_server_recovers_after_more_clients_than_database_connections(
    server: tuple[int, str],
) -> None:
    # Given the demo's server with a pool of POOL_SIZE connections
    port, app_name = server
    statuses: Counter[object] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client() -> None:
        # One keep-alive connection per client, so runserver gives each its own thread.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait(timeout=30)
        for _ in range(REQUESTS_PER_CLIENT):
            try:
                conn.request("GET", URL)
                response = conn.getresponse()
                response.read()
                outcome: object = response.status
            except OSError as error:
                outcome = type(error).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                statuses[outcome] += 1
        conn.close()

    # When CLIENTS clients ask at once, while we watch its connections
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    peak = 0
    while any(t.is_alive() for t in threads):
        peak = max(peak, _server_connections(app_name))
        for thread in threads:
            thread.join(timeout=0.05)
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)

    # Then no answer was a server error: each was served, or told to come back (503)
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[200] > 0
    assert sum(statuses.values()) == CLIENTS * REQUESTS_PER_CLIENT
    # and the server never held more connections than its pool
    assert 0 < peak <= POOL_SIZE, peak
    # and afterwards it answers as before, without a restart, and holds no more than its pool
    assert [_get(port) for _ in range(3)] == [200, 200, 200]
    assert _server_connections(app_name) <= POOL_SIZE
