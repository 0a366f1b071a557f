"""Logs in JSON, one object per line, with the request's id, method and path, and without
personal data: no e-mail or IP address, no query string, whatever the code logs."""

from __future__ import annotations

import datetime
import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from convenant.core.logging import (
    GunicornLogger,
    JsonFormatter,
    RequestContextFilter,
    ScrubFilter,
    scrub,
)

ADDRESS = "someone.private@example.org"
IP = "203.0.113.9"
IPV6 = "2001:db8::17"


def broken_view(request: HttpRequest) -> HttpResponse:
    logging.getLogger("convenant.test").warning("looking up %s from %s", ADDRESS, IP)
    raise ValueError(f"no account for {ADDRESS} (client {IP}, {IPV6})")


urlpatterns = [
    path("broken/", broken_view),
    path("", include("convenant.urls")),
]


@contextmanager
def captured_lines() -> Iterator[io.StringIO]:
    """What the loggers write meanwhile, through convenant's formatter and filters."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    handler.addFilter(ScrubFilter())
    loggers = [logging.getLogger(), logging.getLogger("django")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def assert_no_personal_data(raw: str) -> None:
    for secret in (ADDRESS, "example.org", IP, IPV6, "token=", "secret-query"):
        assert secret not in raw, secret


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_error_is_logged_as_json_with_the_request_and_without_addresses():
    """Given a view that logs and raises with an e-mail and IP addresses in the text, when it
    is requested with a query string, the lines are JSON with the request's id, method and
    path (no query), and the addresses are scrubbed, from the traceback too."""
    client = Client(raise_request_exception=False, REMOTE_ADDR=IP)
    with captured_lines() as stream:
        response = client.get(
            "/broken/?token=secret-query", headers={"X-Request-ID": "abc-12345678"}
        )
    assert response.status_code == 500
    assert response["X-Request-ID"] == "abc-12345678"
    raw = stream.getvalue()
    assert_no_personal_data(raw)
    records = [json.loads(line) for line in raw.splitlines()]
    by_logger = {r["logger"]: r for r in records}
    warning, error = by_logger["convenant.test"], by_logger["django.request"]
    assert warning["message"] == "looking up [email] from [ip]"
    assert error["level"] == "ERROR"
    assert "ValueError: no account for [email] (client [ip], [ip])" in error["exc_info"]
    for record in (warning, error):
        assert record["request_id"] == "abc-12345678"
        assert record["method"] == "GET"
        assert record["path"] == "/broken/"
        assert set(record) <= {
            "time",
            "level",
            "logger",
            "message",
            "request_id",
            "method",
            "path",
            "status",
            "duration_ms",
            "exc_info",
            "stack_info",
        }
        datetime.datetime.fromisoformat(record["time"])


@pytest.mark.django_db
def test_a_failed_log_in_leaves_no_address_in_the_log():
    """Given a log-in with an e-mail address from a client address that fails, and code that
    logs both, every line is JSON and neither address is in it."""
    client = Client(REMOTE_ADDR=IP)
    with captured_lines() as stream:
        response = client.post(
            "/login/?next=/account/", {"username": ADDRESS, "password": "wrong-password-1"}
        )
        logging.getLogger("convenant.test").warning("log-in failed for %s at %s", ADDRESS, IP)
    assert response.status_code == 200  # the form again, with its error
    raw = stream.getvalue()
    assert_no_personal_data(raw)
    records = [json.loads(line) for line in raw.splitlines()]
    assert records[-1]["message"] == "log-in failed for [email] at [ip]"


def test_request_ids_from_a_proxy_are_kept_only_when_sane(client):
    given = client.get("/healthz", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert given["X-Request-ID"] == "lb-0123456789abcdef"
    for bad in ('x"; rm -rf', "short", "a" * 200, "<script>alert(1)</script>"):
        made = client.get("/healthz", headers={"X-Request-ID": bad})
        assert made["X-Request-ID"] != bad
        assert len(made["X-Request-ID"]) == 32
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"mail {ADDRESS} now", "mail [email] now"),
        ("from 10.0.0.1:8000", "from [ip]:8000"),
        (
            "listening at http://127.0.0.1:8000 and 0.0.0.0:80",
            "listening at http://127.0.0.1:8000 and 0.0.0.0:80",
        ),
        ("v6 ::1 and fe80::1ff:fe23:4567:890a", "v6 [ip] and [ip]"),
        ("2001:0db8:0000:0000:0000:ff00:0042:8329", "[ip]"),
        (
            "at 16:13:50 on 2026-11-27, job 42 took 1.5 s",
            "at 16:13:50 on 2026-11-27, job 42 took 1.5 s",
        ),
        ("version 1.2.3 of Class::method", "version 1.2.3 of Class::method"),
    ],
)
def test_scrub(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_gunicorn_access_and_error_lines_are_json_without_the_client(capsys):
    """Gunicorn's access line: method, path, status, duration and the request id from the
    response; not the address, the query string, the agent or the referrer."""
    from gunicorn.config import Config

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("errorlog", "-")
    log = GunicornLogger(cfg)
    response = SimpleNamespace(
        status="302 Found", headers=[("X-Request-ID", "req-0123456789"), ("Location", "/")]
    )
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/login/",
        "QUERY_STRING": "next=/account/&secret-query=1",
        "RAW_URI": "/login/?next=/account/&secret-query=1",
        "REMOTE_ADDR": IP,
        "HTTP_USER_AGENT": "Mozilla/5.0 (private)",
        "HTTP_REFERER": "https://elsewhere.example/?token=secret-query",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    log.access(response, None, environ, datetime.timedelta(milliseconds=12.34))
    log.error("worker failed talking to %s for %s", IP, ADDRESS)
    captured = capsys.readouterr()
    raw = captured.out + captured.err
    assert_no_personal_data(raw)
    assert "Mozilla" not in raw and "elsewhere" not in raw
    records = [json.loads(line) for line in raw.splitlines() if line.strip()]
    access = next(r for r in records if r["logger"] == "gunicorn.access")
    assert access == {
        "time": access["time"],
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": "POST /login/ 302",
        "request_id": "req-0123456789",
        "method": "POST",
        "path": "/login/",
        "status": 302,
        "duration_ms": 12.3,
    }
    error = next(r for r in records if r["logger"] == "gunicorn.error")
    assert error["message"] == "worker failed talking to [ip] for [email]"
