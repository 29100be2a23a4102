#!/usr/bin/env bash
# Starts, describes and stops the throwaway PostgreSQL that `make test` runs the
# database tests against.
#
# Usage: scripts/test-postgres.sh start   start it (or reuse the running one), print DATABASE_URL
#        scripts/test-postgres.sh url     print DATABASE_URL of the running one
#        scripts/test-postgres.sh restart stop and start the running one, keeping its data
#                                         (to check that clients survive a server restart)
#        scripts/test-postgres.sh stop    stop it and delete its folder (no-op when not started)
#
# The cluster lives in a fresh /tmp/parcours-test-pg.XXXXXX folder and listens on a
# Unix socket only (no TCP), so `trust` authentication reaches no one who cannot
# already read the folder. Durability is switched off: the data is thrown away.
# The state file .build/test-postgres.env records the folder, the port and the URL,
# so `stop` and `url` find the cluster that `start` made. PARCOURS_TEST_PG_STATE names
# another state file, for a second cluster that never reuses nor stops the first one
# (make bench runs its own while make test may be running).
# PostgreSQL refuses to run as root: as root the server tools run as `postgres`.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state_file="${PARCOURS_TEST_PG_STATE:-$repo/.build/test-postgres.env}"
server_user=postgres

die() { echo "test-postgres: $*" >&2; exit 1; }
say() { echo "test-postgres: $*" >&2; }

# The server programs: PARCOURS_PG_BINDIR, else pg_config's folder if it has the
# server (on Debian pg_config may come with the client only), else the highest
# /usr/lib/postgresql/<version>/bin. The same order as LocalPostgres in Swift.
find_bindir() {
    local dir
    if [ -n "${PARCOURS_PG_BINDIR:-}" ]; then
        [ -x "$PARCOURS_PG_BINDIR/initdb" ] && [ -x "$PARCOURS_PG_BINDIR/pg_ctl" ] \
            || die "PARCOURS_PG_BINDIR is $PARCOURS_PG_BINDIR, but it has no initdb and pg_ctl; point it at the server's bin folder or unset it"
        echo "$PARCOURS_PG_BINDIR"; return
    fi
    if dir=$(pg_config --bindir 2>/dev/null) && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        echo "$dir"; return
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        echo "$dir"; return
    fi
    echo "test-postgres: the PostgreSQL server programs (initdb, pg_ctl) were not found." >&2
    echo "Install the Debian package postgresql with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y postgresql" >&2
    echo "or set PARCOURS_PG_BINDIR to the folder that holds initdb and pg_ctl." >&2
    exit 1
}

# Runs a command as the user the server runs as: ourselves, or postgres when root.
# Starts from / because postgres may not be allowed into the current folder.
as_server() {
    if [ "$(id -u)" -ne 0 ]; then
        "$@"
    elif command -v runuser >/dev/null; then
        (cd / && runuser -u "$server_user" -- "$@")
    else
        local quoted
        quoted=$(printf "'%s' " "${@//\'/\'\\\'\'}")
        (cd / && su "$server_user" -s /bin/sh -c "$quoted")
    fi
}

# Percent-encodes everything but RFC 3986 unreserved characters (libpq accepts
# host=%2Ftmp%2F... for a socket folder in a URL).
url_encode() {
    local text=$1 out="" c i
    for ((i = 0; i < ${#text}; i++)); do
        c=${text:i:1}
        case "$c" in
            [A-Za-z0-9._~-]) out+=$c ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    echo "$out"
}

# A port no local TCP server answers on. With a Unix socket only, the port just names
# the socket file, but tools that default to TCP then fail loudly instead of reaching
# some other server.
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"; return
        fi
    done
    die "found no free port between 20000 and 40000"
}

# pg_ctl status only checks that the pid in postmaster.pid exists. A postmaster killed
# with -9 stays a zombie until its parent (often pid 1) reaps it, and pg_ctl stop would
# then wait for a pid file the dead server never removes: so a zombie counts as stopped.
is_running() {
    local status pid
    [ -n "${PARCOURS_TEST_PG_DIR:-}" ] && [ -f "$PARCOURS_TEST_PG_DIR/data/PG_VERSION" ] || return 1
    status=$(as_server "$PARCOURS_TEST_PG_BINDIR/pg_ctl" status -D "$PARCOURS_TEST_PG_DIR/data" 2>/dev/null) || return 1
    pid=$(sed -n 's/.*PID: \([0-9]*\).*/\1/p' <<<"$status")
    [ -z "$pid" ] || [ ! -r "/proc/$pid/stat" ] || [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

load_state() {
    [ -f "$state_file" ] || return 1
    # shellcheck disable=SC1090
    . "$state_file"
}

start() {
    if load_state; then
        if is_running; then
            say "reusing the cluster in $PARCOURS_TEST_PG_DIR"
            echo "$DATABASE_URL"; return
        fi
        # A state file without a server (after a reboot, or a crash): start afresh.
        say "the cluster recorded in $state_file is not running; starting a new one"
        stop
    fi

    # Globals, not locals: the EXIT trap below runs after this function's locals are gone.
    local port socket url
    bindir=$(find_bindir)
    dir=$(mktemp -d /tmp/parcours-test-pg.XXXXXX)
    # If anything below fails, show why and leave nothing behind.
    trap 'status=$?; if [ $status -ne 0 ]; then
            [ -f "$dir/server.log" ] && tail -n 20 "$dir/server.log" >&2
            as_server "$bindir/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
            rm -rf "$dir"; fi' EXIT
    chmod 0700 "$dir"
    # mktemp made it ours; the server must own it when it runs as postgres.
    [ "$(id -u)" -eq 0 ] && chown "$server_user:$server_user" "$dir"
    socket="$dir/socket"
    as_server mkdir -m 0700 "$socket"
    port=$(free_port)

    # --no-sync: the cluster is thrown away, so skip waiting for the disk.
    as_server "$bindir/initdb" -D "$dir/data" -U parcours --auth-local=trust --auth-host=reject \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync --no-instructions >/dev/null
    # In postgresql.conf rather than pg_ctl -o, which goes through a shell.
    # tee as the server user, because the file is theirs.
    as_server tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF

# Added by scripts/test-postgres.sh: Unix socket only, and no durability, for tests.
listen_addresses = ''
unix_socket_directories = '$socket'
port = $port
max_connections = 200
EOF
    # No durability, for tests; PARCOURS_TEST_PG_DURABLE=1 (make bench's BENCH_DURABLE) keeps
    # PostgreSQL's defaults, as in production: every commit waits for the disk.
    if [ "${PARCOURS_TEST_PG_DURABLE:-0}" != 1 ]; then
        printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' | as_server tee -a "$dir/data/postgresql.conf" >/dev/null
    fi
    as_server "$bindir/pg_ctl" start -D "$dir/data" -w -t 30 -l "$dir/server.log" >/dev/null
    as_server "$bindir/createdb" -h "$socket" -p "$port" -U parcours parcours

    url="postgresql://parcours@/parcours?host=$(url_encode "$socket")&port=$port"
    mkdir -p "$(dirname "$state_file")"
    {
        echo "# Written by scripts/test-postgres.sh start; removed by stop."
        printf 'PARCOURS_TEST_PG_DIR=%q\n' "$dir"
        printf 'PARCOURS_TEST_PG_BINDIR=%q\n' "$bindir"
        printf 'PARCOURS_TEST_PG_PORT=%q\n' "$port"
        printf 'DATABASE_URL=%q\n' "$url"
    } > "$state_file"
    trap - EXIT
    say "started PostgreSQL in $dir (socket $socket, port $port)"
    echo "$url"
}

stop() {
    if ! load_state; then
        say "not started; nothing to stop"
        return
    fi
    if is_running; then
        as_server "$PARCOURS_TEST_PG_BINDIR/pg_ctl" stop -D "$PARCOURS_TEST_PG_DIR/data" -m fast -w >/dev/null
    fi
    # Delete only what start made, whatever the state file says.
    case "$PARCOURS_TEST_PG_DIR" in
        /tmp/parcours-test-pg.*) rm -rf "$PARCOURS_TEST_PG_DIR" ;;
        *) say "not deleting $PARCOURS_TEST_PG_DIR: not a folder this script made" ;;
    esac
    rm -f "$state_file"
    say "stopped and deleted $PARCOURS_TEST_PG_DIR"
}

restart() {
    load_state || die "not started; run scripts/test-postgres.sh start"
    as_server "$PARCOURS_TEST_PG_BINDIR/pg_ctl" restart -D "$PARCOURS_TEST_PG_DIR/data" -m fast -w -t 30 \
        -l "$PARCOURS_TEST_PG_DIR/server.log" >/dev/null
    say "restarted PostgreSQL in $PARCOURS_TEST_PG_DIR"
}

url() {
    load_state || die "not started; run scripts/test-postgres.sh start"
    is_running || die "the cluster in $PARCOURS_TEST_PG_DIR is not running; run scripts/test-postgres.sh start"
    echo "$DATABASE_URL"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) restart ;;
    url) url ;;
    *) echo "usage: $0 start|stop|restart|url" >&2; exit 2 ;;
esac
