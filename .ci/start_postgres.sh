#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for the scenario-store tests.
#
#   eval "$(bash .ci/start_postgres.sh)"
#
# initdb's a fresh cluster in a temporary directory (as the `postgres` system user when run
# as root), starts it on the first free port from 55432 up, creates database analyzer_test
# and prints, on stdout, the lines to eval:
#   export ANALYZER_TEST_POSTGRES_URL=postgresql+psycopg2://postgres@127.0.0.1:PORT/analyzer_test
#   export ANALYZER_TEST_POSTGRES_PGDATA=/tmp/...   (stop it with: pg_ctl -D "$DIR" stop)
# Everything else goes to stderr. Trust authentication, loopback only: test use only.
#
#   bash .ci/start_postgres.sh --stop
#
# stops the server of $ANALYZER_TEST_POSTGRES_PGDATA (as exported above) and removes its
# temporary directory.
set -euo pipefail

log() { echo "start_postgres.sh: $*" >&2; }

bindir=""
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        bindir="$dir"
        break
    fi
done
if [ -z "$bindir" ]; then
    log "no PostgreSQL server found under /usr/lib/postgresql/*/bin;" \
        "run .ci/install_system_deps.sh (apt-get install postgresql) first"
    exit 1
fi

# as_pg CMD...: run as the postgres system user when we are root (initdb refuses root).
if [ "$(id -u)" -eq 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

if [ "${1:-}" = "--stop" ]; then
    pgdata="${ANALYZER_TEST_POSTGRES_PGDATA:-}"
    if [ -z "$pgdata" ] || [ ! -d "$pgdata" ]; then
        log "nothing to stop (ANALYZER_TEST_POSTGRES_PGDATA unset or missing)"
        exit 0
    fi
    case "$pgdata" in
        /tmp/analyzer-pg.*/data) ;;
        *) log "refusing to stop/remove $pgdata: not a cluster made by this script"; exit 1 ;;
    esac
    as_pg "$bindir/pg_ctl" -D "$pgdata" -m fast -w stop >&2 || true
    rm -rf "$(dirname "$pgdata")"
    log "stopped and removed $pgdata"
    exit 0
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port="${ANALYZER_TEST_POSTGRES_PORT:-55432}"
for _ in $(seq 1 50); do
    if ! port_in_use "$port"; then
        break
    fi
    port=$((port + 1))
done
if port_in_use "$port"; then
    log "no free port found from ${ANALYZER_TEST_POSTGRES_PORT:-55432} on"
    exit 1
fi

pgdata_root="$(mktemp -d /tmp/analyzer-pg.XXXXXX)"
pgdata="$pgdata_root/data"

if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        log "system user 'postgres' is missing (it comes with the postgresql package)"
        exit 1
    fi
    chown postgres: "$pgdata_root"
fi

log "PostgreSQL binaries: $bindir; cluster: $pgdata; port: $port"
as_pg "$bindir/initdb" -D "$pgdata" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$pgdata_root/initdb.log" 2>&1 || {
    cat "$pgdata_root/initdb.log" >&2
    exit 1
}
as_pg "$bindir/pg_ctl" -D "$pgdata" -l "$pgdata_root/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdata_root" start >&2 || {
    cat "$pgdata_root/server.log" >&2
    exit 1
}
as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres analyzer_test >&2

log "ready"
echo "export ANALYZER_TEST_POSTGRES_URL=postgresql+psycopg2://postgres@127.0.0.1:$port/analyzer_test"
echo "export ANALYZER_TEST_POSTGRES_PGDATA=$pgdata"
