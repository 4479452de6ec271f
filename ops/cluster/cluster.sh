#!/usr/bin/env bash
# The local high-availability cluster: etcd and three PostgreSQL 15 nodes under Patroni on
# 127.0.0.1 (docs/operations.md, "High availability").
#
#   ops/cluster/cluster.sh start    start what is not running, wait for a leader and a
#                                   synchronous standby, create the database, print the URLs
#   ops/cluster/cluster.sh stop     stop exactly the processes whose pid files it wrote
#   ops/cluster/cluster.sh status   the members as Patroni sees them
#
# Settings (environment): CLUSTER_DIR (var/cluster), CLUSTER_PG_PORT (5441: nodes on 5441,
# 5442, 5443), CLUSTER_REST_PORT (8441...), CLUSTER_ETCD_PORT (2479, peers on +1),
# CLUSTER_DB (rightsmark), PG_BIN (/usr/lib/postgresql/15/bin).
#
# PostgreSQL refuses to run as root. Run as root, every process runs as the `postgres`
# system user (setpriv), keeping one capability, CAP_DAC_READ_SEARCH, only so that it can
# reach its data under var/ (which `rightsmark init` keeps 0700, owned by root); run as
# anyone else, they run as that user.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIR="${CLUSTER_DIR:-$ROOT/var/cluster}"
case "$DIR" in /*) ;; *) DIR="$ROOT/$DIR" ;; esac
PG_PORT="${CLUSTER_PG_PORT:-5441}"
REST_PORT="${CLUSTER_REST_PORT:-8441}"
ETCD_PORT="${CLUSTER_ETCD_PORT:-2479}"
DB="${CLUSTER_DB:-rightsmark}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
NODES=(1 2 3)
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
    RUN_AS=(setpriv --reuid=postgres --regid=postgres --init-groups
            --inh-caps=+dac_read_search --ambient-caps=+dac_read_search --)
fi

say() { echo "cluster: $*" >&2; }
die() { say "$*"; exit 1; }
pg_port() { echo $((PG_PORT + $1 - 1)); }
rest_port() { echo $((REST_PORT + $1 - 1)); }
hosts() {
    local list="" n
    for n in "${NODES[@]}"; do list="$list${list:+,}127.0.0.1:$(pg_port "$n")"; done
    echo "$list"
}

# A pid file's process, if it is still the program that wrote it (a pid can be reused).
alive() {
    local file="$1" program="$2" pid
    [ -f "$file" ] || return 1
    pid="$(cat "$file")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$program"
}

# Run "$@" as the cluster's user in the background, in its own session; pid to $1.
spawn() {
    local pidfile="$1" log="$2"; shift 2
    setsid "${RUN_AS[@]}" "$@" >>"$log" 2>&1 < /dev/null &
    echo $! > "$pidfile"
}

check_tools() {
    local missing=()
    command -v etcd >/dev/null || missing+=(etcd-server)
    command -v patroni >/dev/null || missing+=(patroni)
    [ -x "$PG_BIN/postgres" ] || missing+=(postgresql-15)
    command -v curl >/dev/null || missing+=(curl)
    [ ${#missing[@]} = 0 ] || die "missing: ${missing[*]} (as root: make cluster-tools)"
}

wait_for() {  # seconds, description, command...
    local seconds="$1" what="$2"; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || die "no $what after ${seconds}s (logs in $DIR)"
        sleep 0.5
    done
}

members() { curl -sf "http://127.0.0.1:$(rest_port 1)/cluster" || curl -sf "http://127.0.0.1:$(rest_port 2)/cluster"; }

ready() {  # a leader and a synchronous standby, every member running or streaming
    members | python3 -c '
import json, sys
members = json.load(sys.stdin)["members"]
roles = [m["role"] for m in members]
up = all(m["state"] in ("running", "streaming") for m in members)
sys.exit(0 if up and len(members) == 3 and "leader" in roles and "sync_standby" in roles else 1)'
}

leader_port() {
    members | python3 -c '
import json, sys
print(next(m["port"] for m in json.load(sys.stdin)["members"] if m["role"] == "leader"))'
}

start() {
    check_tools
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR" && chmod 700 "$DIR"
    if ! alive "$DIR/etcd.pid" etcd; then
        "${RUN_AS[@]}" mkdir -p "$DIR/etcd"
        spawn "$DIR/etcd.pid" "$DIR/etcd.log" etcd --name rightsmark-etcd \
            --data-dir "$DIR/etcd/data" \
            --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
            --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
            --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
            --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
            --initial-cluster "rightsmark-etcd=http://127.0.0.1:$((ETCD_PORT + 1))"
        say "etcd on 127.0.0.1:$ETCD_PORT (pid $(cat "$DIR/etcd.pid"))"
    fi
    wait_for 30 "etcd" curl -sf "http://127.0.0.1:$ETCD_PORT/health"
    local n node
    for n in "${NODES[@]}"; do
        node="$DIR/node$n"
        "${RUN_AS[@]}" mkdir -p "$node"
        "${RUN_AS[@]}" chmod 700 "$node"
        sed -e "s|@NAME@|node$n|" -e "s|@PG_PORT@|$(pg_port "$n")|" \
            -e "s|@REST_PORT@|$(rest_port "$n")|" -e "s|@ETCD_PORT@|$ETCD_PORT|" \
            -e "s|@DIR@|$node|g" -e "s|@BIN_DIR@|$PG_BIN|" \
            "$HERE/patroni.yml.in" | "${RUN_AS[@]}" tee "$node/patroni.yml" > /dev/null
        if ! alive "$node/patroni.pid" patroni; then
            spawn "$node/patroni.pid" "$node/patroni.log" patroni "$node/patroni.yml"
            say "node$n: PostgreSQL on 127.0.0.1:$(pg_port "$n"), Patroni on :$(rest_port "$n") (pid $(cat "$node/patroni.pid"))"
        fi
        # The first node bootstraps alone, so it is the one that runs initdb.
        [ "$n" = 1 ] && wait_for 90 "leader" sh -c "curl -sf http://127.0.0.1:$(rest_port 1)/primary || curl -sf http://127.0.0.1:$(rest_port 1)/replica"
    done
    wait_for 120 "leader with a synchronous standby" ready
    local port; port="$(leader_port)"
    if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname = '$DB'" 2>/dev/null | grep -q 1; then
        psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE \"$DB\"" >/dev/null
    fi
    local url="postgresql://postgres@$(hosts)/$DB"
    cat > "$DIR/env" <<ENV
# Written by ops/cluster/cluster.sh start: \`. $DIR/env\` before \`rightsmark init\` and \`serve\`.
export RIGHTSMARK_DATABASE_URL='$url?target_session_attrs=read-write'
export RIGHTSMARK_DATABASE_REPLICA_URL='$url?target_session_attrs=prefer-standby'
ENV
    status
    echo
    echo "Serve on it:"
    echo "  . $DIR/env"
    echo "  export RIGHTSMARK_DATA_DIR=$DIR/registry"
    echo "  .venv/bin/rightsmark init && .venv/bin/rightsmark serve"
    echo
    cat "$DIR/env" | grep ^export
}

stop_one() {  # pid file, program, description
    local file="$1" program="$2" what="$3" pid
    if alive "$file" "$program"; then
        pid="$(cat "$file")"
        kill -TERM "$pid"
        local deadline=$((SECONDS + 60))
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            say "$what (pid $pid) did not stop in 60 s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        say "$what stopped (pid $pid)"
    fi
    rm -f "$file"
}

stop() {
    local n
    # Patroni stops its PostgreSQL on SIGTERM; replicas first, so the leader is not failed over.
    for n in 3 2 1; do
        stop_one "$DIR/node$n/patroni.pid" patroni "node$n (Patroni and its PostgreSQL)" &
    done
    wait
    stop_one "$DIR/etcd.pid" etcd etcd
}

status() {
    members | python3 -c '
import json, sys
for m in json.load(sys.stdin)["members"]:
    where = "%s:%s" % (m["host"], m["port"])
    print("%-6s %-16s %-12s %-9s timeline %s  lag %s"
          % (m["name"], where, m["role"], m["state"], m.get("timeline", "?"), m.get("lag", "")))' \
        || say "no Patroni answers on 127.0.0.1:$(rest_port 1)-$(rest_port 3)"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    hosts) hosts ;;
    *) die "usage: $0 start|stop|status|hosts" ;;
esac
