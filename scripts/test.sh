#!/usr/bin/env bash
# `make test`: set up, start a throwaway PostgreSQL, make sure Chromium is there, run every check.
# The database is stopped and removed afterwards, also when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)          # browser tests
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)  # the Celery worker test
if [ ${#missing[@]} -gt 0 ]; then
  echo "test: installing Debian's ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
pgdir=$(mktemp -d /tmp/convenant-test-pg.XXXXXX)
cleanup() { scripts/pg.sh stop "$pgdir" || true; rm -rf "$pgdir"; }
trap cleanup EXIT
DATABASE_URL=$(PG_FSYNC=off PG_SYNCHRONOUS_COMMIT=off scripts/pg.sh start "$pgdir")
export DATABASE_URL DJANGO_SETTINGS_MODULE=convenant.settings_test
export DJANGO_ALLOW_ASYNC_UNSAFE=true  # Playwright's sync API runs an event loop beside the ORM

echo "== ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== mypy"; .venv/bin/mypy
echo "== import direction (DESIGN §4)"; PYTHONPATH=src .venv/bin/lint-imports --no-cache
echo "== django checks"; .venv/bin/convenant check --fail-level WARNING
.venv/bin/convenant makemigrations --check --dry-run
echo "== pytest"; .venv/bin/pytest "$@"
