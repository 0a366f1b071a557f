#!/usr/bin/env bash
# `make bench`: run every benchmarks/*.py against a throwaway PostgreSQL; each prints
# `figure-name = value unit` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
pgdir=$(mktemp -d /tmp/convenant-bench-pg.XXXXXX)
cleanup() { scripts/pg.sh stop "$pgdir" || true; rm -rf "$pgdir"; }
trap cleanup EXIT
DATABASE_URL=$(scripts/pg.sh start "$pgdir")
export DATABASE_URL DJANGO_SETTINGS_MODULE=convenant.settings_test
.venv/bin/convenant migrate --no-input --verbosity 0
for bench in benchmarks/*.py; do
  echo "# $bench"
  .venv/bin/python "$bench"
done
