"""`make serve` as a user runs it: scripts/serve.sh starts PostgreSQL, Redis, gunicorn, a Celery
worker and beat in a state folder of its own, says when it serves, answers over the TLS
proxy's header, runs a job through the real worker, logs JSON, and on SIGTERM stops every
process it started and exits 0. (Slow: a fresh database is migrated and static files are
collected, about a minute or two.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
READY = "convenant: serving on http://127.0.0.1:{port}"
READY_SECONDS = 600  # a fresh database's migrations on a busy two-core machine
# Collected static files are kept between runs (serve.sh collects again only when they
# changed): compressing them takes minutes on a busy machine.
STATIC_CACHE = Path(tempfile.gettempdir()) / "convenant-serve-test-static"
ADDRESS = "trial.person@example.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if text in cmdline:
                found.append(cmdline)
    return found


def serve_env(state: Path, port: int, redis_port: int) -> dict[str, str]:
    """A clean environment, as a shell would give: nothing of the test's own settings."""
    path = os.environ.get("PATH", "/usr/bin:/bin")
    return {
        "PATH": f"{path}:/usr/local/sbin:/usr/sbin:/sbin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "CONVENANT_SERVE_DIR": str(state),
        "PORT": str(port),
        "REDIS_PORT": str(redis_port),
        "WEB_WORKERS": "2",
        "CELERY_CONCURRENCY": "1",
        "READY_TIMEOUT": str(READY_SECONDS),
        "STATIC_ROOT": str(STATIC_CACHE),
    }


def app_env(state: Path) -> dict[str, str]:
    """What a management command needs to reach the stack `make serve` started."""
    env = {**os.environ}
    for key in ("DEBUG", "ALLOWED_HOSTS", "SECRET_KEY", "DATABASE_POOL"):
        env.pop(key, None)
    for line in (state / "convenant.env").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env.update(
        STATIC_ROOT=str(STATIC_CACHE),
        DJANGO_SETTINGS_MODULE="convenant.settings",
        DATABASE_URL=f"postgres://convenant@/convenant?host={state}/pg/run",
        DEBUG="0",
    )
    return env


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="`make test` installs Redis")
def test_make_serve_starts_serves_and_stops_the_whole_stack():
    # Under /tmp, not pytest's private tmp_path: PostgreSQL runs as its own user when we are
    # root and must be able to reach its folder.
    state = Path(tempfile.mkdtemp(prefix="convenant-serve-"))
    state.chmod(0o755)
    port, redis_port = free_port(), free_port()
    stderr_path = state.parent / f"{state.name}.stderr"
    out_lines: list[str] = []
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=ROOT,
            env=serve_env(state, port, redis_port),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert process.stdout is not None
    reader = threading.Thread(
        target=lambda: out_lines.extend(line.rstrip("\n") for line in process.stdout), daemon=True
    )
    reader.start()
    try:
        # Given the stack started by serve.sh
        deadline = time.monotonic() + READY_SECONDS + 120
        while READY.format(port=port) not in out_lines:
            assert process.poll() is None, stderr_path.read_text()[-5000:]
            assert time.monotonic() < deadline, "serve.sh never said it was serving"
            time.sleep(0.5)
        assert out_lines.count(READY.format(port=port)) == 1

        # Then the probes answer over plain http, readiness including the broker
        status, headers, body = get(port, "/healthz")
        assert status == 200 and json.loads(body)["status"] == "ok"
        status, headers, body = get(port, "/readyz", Host="10.1.2.3")
        assert status == 200, body
        assert json.loads(body)["checks"] == {
            "database": "ok",
            "migrations": "ok",
            "cache": "ok",
            "broker": "ok",
        }
        assert headers["Cache-Control"] == "no-store"
        # And pages answer through the TLS proxy's header, and send a browser to https without it
        status, headers, body = get(
            port, "/login/", Host="localhost", **{"X-Forwarded-Proto": "https"}
        )
        assert status == 200
        assert "Strict-Transport-Security" in headers
        status, headers, _ = get(port, "/login/", Host="localhost")
        assert status == 301 and headers["Location"].startswith("https://localhost/")
        # Static files are served (WhiteNoise) from what collectstatic gathered
        manifest = json.loads((STATIC_CACHE / "staticfiles.json").read_text())
        css = next(name for name in manifest["paths"].values() if name.endswith(".css"))
        status, headers, _ = get(
            port, f"/static/{css}", Host="localhost", **{"X-Forwarded-Proto": "https"}
        )
        assert status == 200

        # When a job is queued, the real worker runs it: the e-mail lands in the mail folder
        queue = (
            "from django.db import transaction\n"
            "from convenant.core.mail import send_email_later\n"
            "with transaction.atomic():\n"
            f"    send_email_later(to={ADDRESS!r}, subject='convenant serve',"
            " body='From the worker.', purpose='core.password_reset')\n"
        )
        subprocess.run(
            [str(ROOT / ".venv/bin/convenant"), "shell", "-c", queue],
            env=app_env(state),
            check=True,
            capture_output=True,
            timeout=120,
        )
        mail = state / "mail"
        deadline = time.monotonic() + 90
        while not any(mail.iterdir()):
            assert time.monotonic() < deadline, "the worker did not send the e-mail"
            time.sleep(0.5)
        assert "From the worker." in next(mail.iterdir()).read_text()

        pids = descendants(process.pid)
        postmaster = int((state / "pg" / "data" / "postmaster.pid").read_text().split()[0])
        pids.add(postmaster)
        assert len(pids) >= 6  # redis, gunicorn and its workers, worker, beat, postgres

        # When it is asked to stop, it stops everything and exits 0
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=120) == 0, stderr_path.read_text()[-5000:]
        reader.join(timeout=10)
        assert [pid for pid in pids if alive(pid)] == []
        assert processes_mentioning(str(state)) == []

        # And every log line was JSON, with no client or e-mail address
        # (but for serve.sh's own notes, its ready line, and Celery's shutdown notice, which it
        # prints rather than logs)
        own = ("serve:", "convenant: serving on", "worker: Warm shutdown")
        # Run as root (as here), Celery warns before its logging is set up: printed, not logged.
        errors = re.sub(
            r"^\S*platforms\.py:\d+: SecurityWarning:.*?_warn_or_raise_security_error\(.*?\n",
            "",
            stderr_path.read_text(),
            flags=re.S | re.M,
        )
        logged = [
            line
            for line in out_lines + errors.splitlines()
            if line.strip() and not line.startswith(own)
        ]
        records = [json.loads(line) for line in logged]
        loggers = {record["logger"] for record in records}
        assert {"gunicorn.access", "gunicorn.error"} <= loggers
        assert any(name.startswith("celery") for name in loggers)
        login = [r for r in records if r["logger"] == "gunicorn.access" and r["path"] == "/login/"]
        assert login and all(len(r["request_id"]) == 32 for r in login)
        text = "\n".join(logged)
        assert ADDRESS not in text and "10.1.2.3" not in text
    finally:
        if process.poll() is None:  # the test failed midway: leave nothing running
            left = descendants(process.pid)
            process.kill()
            process.wait(30)
            for pid in left:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
        subprocess.run(["bash", "scripts/pg.sh", "stop", str(state / "pg")], cwd=ROOT, check=False)
        shutil.rmtree(state, ignore_errors=True)
        stderr_path.unlink(missing_ok=True)
