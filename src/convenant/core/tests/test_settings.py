"""Settings fail fast on missing or unsafe values, and pass Django's deployment checks."""

import os
import subprocess
import sys

import pytest

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "convenant.settings",
    "SECRET_KEY": "p" * 20 + "roduction-like-secret-key-with-enough-variety-0123456789",
    "ALLOWED_HOSTS": "convenant.example.org",
    "BASE_URL": "https://convenant.example.org",
    "DEFAULT_FROM_EMAIL": "secretariaat@convenant.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "CELERY_BROKER_URL": "redis://localhost:6379/0",
    # A cache shared by the web processes (throttles, sessions); the deploy check asks for it.
    "CACHE_URL": "redis://localhost:6379/1",
}


def run_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    unsafe = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in unsafe}
    return subprocess.run(
        [sys.executable, "-m", "convenant.manage", "check", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_check_passes_with_production_settings() -> None:
    result = run_check(PRODUCTION, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS"),
        ("EMAIL_HOST", "EMAIL_HOST"),
        ("DEFAULT_FROM_EMAIL", "DEFAULT_FROM_EMAIL"),
        ("CELERY_BROKER_URL", "CELERY_BROKER_URL"),
    ],
)
def test_missing_required_setting_stops_start_up(missing: str, message: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run_check(env)
    assert result.returncode != 0
    assert f"Set the environment variable {message}" in result.stderr


def test_only_postgresql_is_accepted() -> None:
    result = run_check({**PRODUCTION, "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_debug_is_off_unless_asked_for() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        env={**{k: v for k, v in os.environ.items() if k != "DEBUG"}, **PRODUCTION},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"
