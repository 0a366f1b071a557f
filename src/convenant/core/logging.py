"""Structured logs without personal data.

Every line is one JSON object with exactly these keys (those without a value left out):
``time``, ``level``, ``logger``, ``message``, ``request_id``, ``method``, ``path``, ``status``,
``duration_ms`` and ``exc_info``. The formatter takes only these from a record, so what a
library attaches (Django's ``request`` with its query string and client, a user object)
never reaches the log. ``ScrubFilter`` then replaces e-mail and IP addresses in the message,
its arguments and the traceback: a failed log-in or an error text may quote them.

``RequestIdMiddleware`` gives each request an id (a sane ``X-Request-ID`` from the proxy, else
a new one), returns it in the response and puts it, with the method and the path (never the
query string), on every line logged while the request runs. ``GunicornLogger`` writes
gunicorn's access and error lines in the same form: the access line has the method, path,
status, duration and request id, never the client's address, agent or referrer.

``LOG_FORMAT`` chooses ``json`` (production) or ``text`` (the demo and the tests).
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

# --- What must not be logged -----------------------------------------------------------------

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]*\d)")
# Full form, or any form with "::" (times such as 16:13:50 have neither).
IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}"
    r"|(?:[0-9a-fA-F]{1,4}:){0,6}[0-9a-fA-F]{0,4}::(?:[0-9a-fA-F]{1,4}:){0,6}[0-9a-fA-F]{0,4})"
    r"(?![\w:])"
)
EMAIL_MARK, IP_MARK = "[email]", "[ip]"


def scrub(text: str) -> str:
    """The text without e-mail or IP addresses."""
    text = EMAIL.sub(EMAIL_MARK, text)
    # Loopback and "any" are addresses of the machine, not of a person: kept for operators.
    text = IPV4.sub(
        lambda m: m.group() if m.group().startswith(("127.", "0.0.0.0")) else IP_MARK,  # noqa: S104
        text,
    )
    return IPV6.sub(lambda m: IP_MARK if any(c.isalnum() for c in m.group()) else m.group(), text)


class ScrubFilter(logging.Filter):
    """Removes e-mail and IP addresses from a record's message, arguments and traceback.
    Attached to the handlers, so it sees the lines of every logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep the template, drop the arguments
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
            record.exc_info = None  # the formatter uses the scrubbed text, not the original
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        path = getattr(record, "path", None)
        if isinstance(path, str):  # a path may name a person (an address in a URL)
            record.path = scrub(path)
        return True


# --- The request a line belongs to -----------------------------------------------------------

_request: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "convenant_request", default=None
)
REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only when it is short and plain (no spaces, quotes or markup to
# inject into a log line or a header).
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


class RequestContextFilter(logging.Filter):
    """Adds the running request's id, method and path to a record (unless it has its own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_request.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request.set(
            {"request_id": request_id, "method": request.method, "path": request.path}
        )
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


# --- Formatters ------------------------------------------------------------------------------

FIELDS = ("request_id", "method", "path", "status", "duration_ms")


class JsonFormatter(_JsonFormatter):
    """One JSON object per line with only the documented keys."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(
            timespec="milliseconds"
        )
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.getMessage()
        for key in FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                log_data[key] = value
        # The (scrubbed) traceback, which the base class has put in message_dict.
        for key in ("exc_info", "stack_info"):
            if message_dict.get(key):
                log_data[key] = message_dict[key]


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")


# --- Gunicorn --------------------------------------------------------------------------------


def _gunicorn_logger_base() -> type:
    from gunicorn.glogging import Logger

    return Logger


class GunicornLogger(_gunicorn_logger_base()):  # type: ignore[misc]
    """Gunicorn's error and access logs in convenant's JSON form (``logger_class`` in
    deploy/gunicorn.conf.py)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        text = os.environ.get("LOG_FORMAT", "json") == "text"
        formatter: logging.Formatter = TextFormatter() if text else JsonFormatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(formatter)
                    handler.addFilter(ScrubFilter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        headers = resp.headers.items() if hasattr(resp.headers, "items") else resp.headers
        request_id = next((v for k, v in headers if k.lower() == REQUEST_ID_HEADER.lower()), None)
        method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO", "-")
        duration_ms = round(request_time.total_seconds() * 1000, 1)
        self.access_log.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "request_id": request_id,
                "method": method,
                "path": path,
                "status": int(status),
                "duration_ms": duration_ms,
            },
        )
