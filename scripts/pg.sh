#!/usr/bin/env bash
# A private PostgreSQL cluster for the demo, the tests and the benchmarks.
#
#   scripts/pg.sh start DIR   create the cluster in DIR if needed, start it, print its DATABASE_URL
#   scripts/pg.sh stop DIR    stop it (nothing happens when it is not running)
#
# The cluster listens only on a Unix socket inside DIR (no TCP port to collide with).
# PostgreSQL refuses to run as root, so when we are root the server runs as the
# unprivileged `postgres` system user, which owns DIR.
set -euo pipefail

action=${1:?usage: pg.sh start|stop DIR}
dir=${2:?usage: pg.sh start|stop DIR}
db=convenant

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(readlink -f "$(command -v initdb)")"; return 0; }
  return 1
}

bindir=$(find_bindir || true)
if [ -z "$bindir" ]; then
  echo "pg.sh: PostgreSQL server binaries not found; installing Debian's postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  bindir=$(find_bindir)
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data=$dir/data
sock=$dir/run

case $action in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
    chown postgres: "$dir"
    chmod 700 "$dir"
  fi
  if [ ! -s "$data/PG_VERSION" ]; then
    as_owner mkdir -p "$data" "$sock"
    as_owner "$bindir/initdb" --pgdata="$data" --username=convenant --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat <<CONF | as_owner tee -a "$data/postgresql.conf" >/dev/null
listen_addresses = ''
unix_socket_directories = '$sock'
unix_socket_permissions = 0700
fsync = ${PG_FSYNC:-on}
synchronous_commit = ${PG_SYNCHRONOUS_COMMIT:-on}
max_connections = 50
CONF
  fi
  if ! as_owner "$bindir/pg_ctl" --pgdata="$data" status >/dev/null 2>&1; then
    as_owner "$bindir/pg_ctl" --pgdata="$data" --log="$dir/server.log" --wait start >/dev/null
  fi
  if ! "$bindir/psql" -h "$sock" -U convenant -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    "$bindir/createdb" -h "$sock" -U convenant "$db"
  fi
  echo "postgres://convenant@/$db?host=$sock"
  ;;
stop)
  if [ -s "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" --pgdata="$data" status >/dev/null 2>&1; then
    as_owner "$bindir/pg_ctl" --pgdata="$data" --mode=fast --wait stop >/dev/null
  fi
  ;;
*)
  echo "usage: pg.sh start|stop DIR" >&2
  exit 2
  ;;
esac
