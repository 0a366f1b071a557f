#!/usr/bin/env bash
# `make demo`: set up, start the embedded PostgreSQL in .pgdata/, load the demo covenant and serve it.
# Ctrl-C stops the server and the database; the next run finds the data again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
pgdir=${CONVENANT_PGDIR:-$PWD/.pgdata}
server=
stop_all() {
  set +e
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  scripts/pg.sh stop "$pgdir"
  echo "Stopped the demo and its database; \`make demo\` starts both again."
}
trap stop_all EXIT
trap 'exit 130' INT TERM
DATABASE_URL=$(scripts/pg.sh start "$pgdir")
export DATABASE_URL
mkdir -p .demo
[ -s .demo/secret_key ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > .demo/secret_key
export DJANGO_SETTINGS_MODULE=convenant.settings
export SECRET_KEY=$(cat .demo/secret_key)
export DEBUG=1 ALLOWED_HOSTS=127.0.0.1,localhost
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=$PWD/.demo/mail
export DEFAULT_FROM_EMAIL=secretariaat@demo.convenant.example BASE_URL=http://127.0.0.1:8000
.venv/bin/convenant migrate --no-input --verbosity 0
.venv/bin/convenant load_demo
echo "E-mails the demo sends (invitations, password resets) are written to .demo/mail/."
echo "Serving on http://127.0.0.1:8000 — press Ctrl-C to stop (the database stops with it)."
.venv/bin/convenant runserver 127.0.0.1:8000 --noreload &
server=$!
wait "$server"
