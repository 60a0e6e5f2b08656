# shellcheck shell=bash
# Sourced by scripts/test: a throwaway PostgreSQL server on loopback for the storage tests, in a
# temporary directory, stopped and removed when the test run ends. Without fsync (tests need no
# durability), unless PG_FSYNC=on (benchmarks of durable writes).

start_test_postgres() {
  ensure_debian_packages postgresql
  local bindir
  # shellcheck disable=SC2012 # Debian names these directories by major version only
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  PG_BINDIR="$bindir"
  PG_DIR="$(mktemp -d /tmp/portal-test-pg.XXXXXX)"
  PG_PORT="$(free_loopback_port)"
  # initdb refuses to run as root: use the postgres account the package created.
  if [ "$(id -u)" -eq 0 ]; then
    ensure_command runuser util-linux
    PG_AS=(runuser -u postgres --)
    chown postgres: "$PG_DIR"
  else
    PG_AS=()
  fi
  log "starting PostgreSQL ($("$bindir/postgres" --version)) on 127.0.0.1:$PG_PORT"
  "${PG_AS[@]}" "$bindir/initdb" -D "$PG_DIR/data" -A trust -U portal -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log"
  "${PG_AS[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=${PG_FSYNC:-off}" start >/dev/null
  export TEST_POSTGRES_URL="postgres://portal@127.0.0.1:$PG_PORT/postgres"
}

stop_test_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
