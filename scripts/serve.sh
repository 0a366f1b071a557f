#!/usr/bin/env bash
# `make serve`: convenant in production on one machine, everything on loopback, behind a TLS
# proxy (docs/deploy.md). It starts PostgreSQL, Redis, gunicorn, a Celery worker and Celery
# beat, all kept in one state folder, and stops them all on Ctrl-C or SIGTERM.
#
#   CONVENANT_SERVE_DIR  state folder (default ./.serve): database, Redis, data, mail, logs
#   CONVENANT_ENV_FILE   configuration, KEY=value lines (default $CONVENANT_SERVE_DIR/convenant.env;
#                        written for a loopback trial when missing); the environment wins
#   PORT (8000)  REDIS_PORT (6380)  WEB_WORKERS (4)  CELERY_CONCURRENCY (2)  READY_TIMEOUT (120)
#
# When /readyz answers 200 it prints one line: `convenant: serving on http://127.0.0.1:PORT`.
# It exits 0 after a requested stop, and non-zero when a process dies on its own (after
# stopping the others).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=${CONVENANT_SERVE_DIR:-$root/.serve}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
port=${PORT:-8000}
redis_port=${REDIS_PORT:-6380}
ready_timeout=${READY_TIMEOUT:-120}
export WEB_WORKERS=${WEB_WORKERS:-4}
concurrency=${CELERY_CONCURRENCY:-2}
worker_nice=${WORKER_NICE:-10}

say() { echo "serve: $*" >&2; }

scripts/setup.sh
if ! command -v redis-server >/dev/null 2>&1; then
  say "installing Debian's redis-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq redis-server >/dev/null
fi

env_file=${CONVENANT_ENV_FILE:-$dir/convenant.env}
if [ ! -e "$env_file" ]; then
  secret=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
  (
    umask 077
    cat >"$env_file" <<ENV
# convenant's configuration for a trial on this machine, written by scripts/serve.sh.
# KEY=value lines, no quotes; docs/deploy.md lists every setting. Keep this file private.
SECRET_KEY=$secret
ALLOWED_HOSTS=127.0.0.1,localhost
# The address people use: the TLS proxy in front of gunicorn (deploy/Caddyfile, deploy/nginx.conf).
BASE_URL=https://localhost
DEFAULT_FROM_EMAIL=convenant@localhost
# Mail is written to files here instead of being sent; set EMAIL_HOST (and remove these two) to send.
EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
EMAIL_FILE_PATH=$dir/mail
CELERY_BROKER_URL=redis://127.0.0.1:$redis_port/0
CACHE_URL=redis://127.0.0.1:$redis_port/1
CONVENANT_DATA_DIR=$dir/data
STATIC_ROOT=$dir/static
ENV
  )
  say "wrote $env_file for a trial on this machine (mail goes to files in $dir/mail); edit it for real use"
fi
# KEY=value lines, comments and blank lines; what the environment already has wins.
while IFS= read -r line || [ -n "$line" ]; do
  case $line in '' | '#'*) continue ;; esac
  key=${line%%=*}
  if [[ ! $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || [ "$key" = "$line" ]; then
    say "$env_file: not a KEY=value line: $key"
    exit 2
  fi
  [ -n "${!key+set}" ] || export "$key=${line#*=}"
done <"$env_file"
# Production, whatever the calling shell had (a test run sets DEBUG and its own database).
export DJANGO_SETTINGS_MODULE=convenant.settings DEBUG=0 PORT="$port"
unset DATABASE_POOL
mkdir -p "$dir/redis" "${CONVENANT_DATA_DIR:-$dir/data}" "$dir/mail"

names=()
pids=()
stopping=0
stopped=0
pg_started=0

start() { # start NAME COMMAND...: a child in the background, remembered for the stop
  local name=$1
  shift
  "$@" &
  names+=("$name")
  pids+=("$!")
}

stop_all() {
  set +e
  trap '' INT TERM
  stopped=1
  local i pid
  # The order matters: no new requests, then no new jobs, then the services they used.
  for name in web worker beat redis; do
    for i in "${!names[@]}"; do
      [ "${names[$i]}" = "$name" ] || continue
      pid=${pids[$i]}
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
      fi
    done
  done
  [ "$pg_started" = 1 ] && scripts/pg.sh stop "$dir/pg"
  set -e
}

dead_child() { # prints the name of a child that is no longer running
  local i
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "${names[$i]}"
      return 0
    fi
  done
  return 1
}

fail() {
  say "$*; stopping everything"
  stop_all
  exit 1
}

trap 'stopping=1' INT TERM
# Whatever ends the script (an error included), nothing it started is left running.
trap '[ "$stopped" = 1 ] || stop_all' EXIT

DATABASE_URL=$(scripts/pg.sh start "$dir/pg")
export DATABASE_URL
pg_started=1

start redis redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$dir/redis" \
  --save "" --appendonly no --protected-mode yes --loglevel warning \
  --logfile "$dir/redis/redis.log"
for _ in $(seq 100); do
  redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
  dead=$(dead_child) && fail "$dead did not start (is port $redis_port taken? set REDIS_PORT)"
  sleep 0.1
done

.venv/bin/convenant migrate --no-input --verbosity 0 || fail "migrate failed"
# Collecting (and compressing) the static files takes minutes on a small machine: skipped when
# nothing changed since the last time (no new install, no changed file in a static folder).
static_root=${STATIC_ROOT:-$root/staticfiles}
collected=$static_root/.collected
if [ -f "$collected" ] && [ "$collected" -nt .venv/.installed ] &&
  [ -z "$(find src/convenant -path '*/static/*' -newer "$collected" -print -quit)" ]; then
  say "static files unchanged since the last collectstatic"
else
  .venv/bin/convenant collectstatic --no-input --verbosity 0 || fail "collectstatic failed"
  touch "$collected"
fi

start web .venv/bin/gunicorn --config deploy/gunicorn.conf.py
# Background work yields the CPU to people waiting for a page (nice): on one machine an import
# or a scoring must not slow every page down; on a host of its own the niceness costs nothing.
start worker nice -n "$worker_nice" .venv/bin/celery -A convenant.worker --quiet worker --concurrency "$concurrency" \
  --loglevel INFO --hostname "convenant@%h-$port"
start beat .venv/bin/celery -A convenant.worker --quiet beat --loglevel INFO \
  --schedule "$dir/celerybeat-schedule"

deadline=$((SECONDS + ready_timeout))
until .venv/bin/python - "$port" 2>/dev/null <<'PY'; do
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/readyz", timeout=5)
PY
  [ "$stopping" = 1 ] && { stop_all; exit 0; }
  dead=$(dead_child) && fail "$dead stopped while starting"
  [ "$SECONDS" -lt "$deadline" ] || fail "not ready after $ready_timeout s (see the lines above)"
  sleep 0.5
done
echo "convenant: serving on http://127.0.0.1:$port"

# Sleep until a signal or a child's end; `wait -n` returns for either.
while [ "$stopping" = 0 ]; do
  wait -n "${pids[@]}" 2>/dev/null || true
  [ "$stopping" = 1 ] && break
  dead=$(dead_child) && fail "$dead stopped unexpectedly"
done
say "stopping"
stop_all
exit 0
