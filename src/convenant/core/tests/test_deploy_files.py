"""The container files say what `make serve` does (Docker Hub is not reachable where the suite
runs, so they are read, not built), and uploaded files live outside everything served."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[4]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
SERVE = (ROOT / "scripts" / "serve.sh").read_text()
GUNICORN_CONF = "/etc/convenant/gunicorn.conf.py"


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def serve_command(name: str) -> list[str]:
    """The words serve.sh starts the named child with (its `start NAME ...` line)."""
    text = SERVE.replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith(f"start {name} "))
    return shlex.split(line)[2:]


def test_compose_has_the_services_with_health_checks_and_start_order():
    assert set(SERVICES) == {"web", "worker", "beat", "migrate", "postgres", "redis"}
    assert SERVICES["postgres"]["image"].startswith("postgres:15")
    assert SERVICES["redis"]["image"].startswith("redis:7")
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert SERVICES[name]["healthcheck"]["test"], name
    for name in ("web", "worker", "beat"):
        service = SERVICES[name]
        assert service["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }, name
        assert service["env_file"] == [".env"]
        assert "data:/var/lib/convenant" in service["volumes"]
        assert service["environment"]["CONVENANT_DATA_DIR"] == "/var/lib/convenant"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert SERVICES["migrate"]["command"] == ["convenant", "migrate", "--no-input"]
    assert SERVICES["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "postgres:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert set(COMPOSE["volumes"]) == {"postgres", "data"}
    # Only the TLS proxy on the host reaches the web service.
    assert SERVICES["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert "/readyz" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_compose_runs_what_make_serve_runs():
    web = serve_command("web")
    assert web[0].endswith("gunicorn") and web[1:] == ["--config", "deploy/gunicorn.conf.py"]
    assert SERVICES["web"]["command"] == ["gunicorn", "--config", GUNICORN_CONF]
    for name in ("worker", "beat"):
        ours = serve_command(name)
        if ours[0] == "nice":  # serve.sh lowers the worker's priority on a shared machine
            ours = ours[3:]
        theirs = SERVICES[name]["command"]
        assert ours[0].endswith("celery") and theirs[0] == "celery", name
        # The same app, subcommand and options (values such as paths differ per host; serve.sh
        # adds a worker name of its own so that two stacks on one machine stay apart).
        shared = ["-A", "convenant.worker", "--quiet", name, "--loglevel", "INFO"]
        shared += ["--concurrency"] if name == "worker" else ["--schedule"]
        for word in shared:
            assert word in ours and word in theirs, (name, word)
        assert ours.index(name) == theirs.index(name) == 4, name
        flags = {word for word in theirs if word.startswith("-")}
        assert flags <= set(ours), (name, flags - set(ours))


def test_dockerfile_is_multi_stage_pinned_and_runs_as_a_user():
    steps = instructions(DOCKERFILE)
    images = [args.split()[0] for op, args in steps if op == "FROM"]
    assert len(images) >= 2 and all(image == "python:3.11-slim-bookworm" for image in images)
    runs = " ".join(args for op, args in steps if op == "RUN")
    assert "pip install -c constraints.txt ." in runs
    assert "pip install pip==" in runs
    assert "collectstatic --no-input" in runs and "compilemessages" in runs
    assert "apt-get install -y --no-install-recommends" in runs
    assert "rm -rf /var/lib/apt/lists/*" in runs
    users = [args for op, args in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    # The user is set after the last RUN of the final stage: nothing at run time is root's.
    final = steps[max(i for i, (op, _) in enumerate(steps) if op == "FROM") :]
    last_run = max(i for i, (op, _) in enumerate(final) if op == "RUN")
    assert any(op == "USER" for op, _ in final[last_run:])
    healthcheck = next(args for op, args in steps if op == "HEALTHCHECK")
    assert "/healthz" in healthcheck
    command = json.loads(next(args for op, args in steps if op == "CMD"))
    assert command == SERVICES["web"]["command"]
    assert f"deploy/gunicorn.conf.py {GUNICORN_CONF}" in " ".join(
        args for op, args in steps if op == "COPY"
    )
    # The build context leaves out secrets and local state.
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (".git", ".venv", ".env", "*.env", ".serve", "var"):
        assert entry in ignored, entry


def test_gunicorn_configuration():
    values: dict[str, object] = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), values)  # noqa: S102 - our file
    assert values["wsgi_app"] == "convenant.wsgi:application"
    assert values["bind"] == f"127.0.0.1:{os.environ.get('PORT', '8000')}"
    assert values["logger_class"] == "convenant.core.logging.GunicornLogger"
    assert values["accesslog"] == "-" and values["errorlog"] == "-"
    assert values["max_requests"] and values["max_requests_jitter"]
    assert values["graceful_timeout"] and values["control_socket_disable"] is True


def test_serve_script_parses():
    subprocess.run(["bash", "-n", str(ROOT / "scripts" / "serve.sh")], check=True)


# --- Uploads outside the web root ------------------------------------------------------------


def upload_dirs() -> dict[str, Path]:
    return {
        name: Path(getattr(settings, name))
        for name in dir(settings)
        if name.endswith("_UPLOAD_DIR")
    }


def test_every_upload_folder_lies_outside_the_served_folders():
    dirs = upload_dirs()
    assert {"SIGNALS_UPLOAD_DIR", "HOLDINGS_UPLOAD_DIR", "TOOLKIT_UPLOAD_DIR"} <= set(dirs)
    # STATIC_ROOT and every app's static folder (what WhiteNoise and the finders serve).
    served = [Path(settings.STATIC_ROOT).resolve()]
    served += [Path(app.path, "static").resolve() for app in apps.get_app_configs()]
    for name, folder in dirs.items():
        for root in served:
            assert not folder.resolve().is_relative_to(root), (name, root)
            assert not root.is_relative_to(folder.resolve()), (name, root)


def test_production_upload_folders_derive_from_the_data_folder(tmp_path):
    """With only CONVENANT_DATA_DIR given, every upload folder is inside it (what a backup
    takes and web hosts share), and none inside STATIC_ROOT."""
    data = tmp_path / "data"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "convenant.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://convenant@/convenant?host=/nowhere",
        "ALLOWED_HOSTS": "convenant.example.org",
        "BASE_URL": "https://convenant.example.org",
        "DEFAULT_FROM_EMAIL": "convenant@example.org",
        "EMAIL_HOST": "smtp.example.org",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CONVENANT_DATA_DIR": str(data),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({n: str(getattr(settings, n)) for n in dir(settings) "
        "if n.endswith('_UPLOAD_DIR')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    dirs = json.loads(out)
    assert len(dirs) >= 5
    for name, folder in dirs.items():
        assert Path(folder).is_relative_to(data), name
        assert not Path(folder).is_relative_to(tmp_path / "static"), name


@pytest.mark.django_db
def test_a_stored_upload_is_not_reachable_by_any_plain_url(client):
    """Given a file in each upload folder, no URL outside the access policy gives it: not
    under /static/, not by its folder's name, not by a path that climbs out."""
    stored = []
    for folder in upload_dirs().values():
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{secrets.token_hex(8)}.pdf"
        (folder / name).write_bytes(b"%PDF-1.4 confidential")
        stored.append((folder, name))
    try:
        for folder, name in stored:
            for url in (
                f"/static/{name}",
                f"/static/{folder.name}/{name}",
                f"/static/../{folder.name}/{name}",
                f"/static/%2e%2e/var/{folder.name}/{name}",
                f"/{folder.name}/{name}",
                f"/var/{folder.name}/{name}",
                f"/media/{name}",
                f"/uploads/{name}",
            ):
                response = client.get(url, follow=True)  # a slash added, then 404
                assert response.status_code == 404, url
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                assert b"confidential" not in body, url
    finally:
        for folder, name in stored:
            (folder / name).unlink(missing_ok=True)
