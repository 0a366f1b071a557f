#!/usr/bin/env bash
# Creates .venv and installs convenant with exact pins (constraints.txt). Idempotent and quick
# when nothing changed. Usage: scripts/setup.sh [dev]
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
extra=${1:-}
stamp=.venv/.installed${extra:+-$extra}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
current() { [ -f "$1" ] && [ ! pyproject.toml -nt "$1" ] && [ ! constraints.txt -nt "$1" ]; }
# The dev install holds the plain one (make serve after make test installs nothing more).
if current "$stamp" || { [ -z "$extra" ] && current .venv/.installed-dev; }; then
  :
else
  .venv/bin/python -m pip install --quiet --upgrade pip==26.3
  spec="."
  [ -n "$extra" ] && spec=".[$extra]"
  .venv/bin/python -m pip install --quiet -c constraints.txt -e "$spec"
  touch "$stamp"
fi
if ! command -v msgfmt >/dev/null 2>&1; then
  echo "setup: installing Debian's gettext (msgfmt) to compile the translations" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq gettext >/dev/null
fi
# compilemessages needs settings but no database.
DJANGO_SETTINGS_MODULE=convenant.settings_test .venv/bin/convenant compilemessages --verbosity 0
