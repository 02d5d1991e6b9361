#!/usr/bin/env bash
# The servers a team runs Wayfinder on, started on loopback without Docker: a PostgreSQL 15
# (Debian's postgresql: initdb and pg_ctl in a folder of ours) and three ClickHouse servers
# (Debian's clickhouse-server 18.16) on their own ports, which know each other as two clusters:
# `three` (three shards, one on each server) and `one` (the first server alone).
#
# Usage:
#   scripts/cluster.sh up       start them (or say they run) and print the URLs to pass to
#                               --store and --events
#   scripts/cluster.sh urls     print the URLs of running servers
#   scripts/cluster.sh down     stop them and delete their data
#
# Environment:
#   WAYFINDER_CLUSTER_DIR   where their data and logs live (default /tmp/wayfinder-cluster)
#   WAYFINDER_PG_PORT       PostgreSQL's port (default 15432)
#   WAYFINDER_CH_PORT       the first ClickHouse server's HTTP port (default 18201; the others
#                           follow; their native ports are these plus 1000)
#
# Example:
#   eval "$(scripts/cluster.sh up)"     # sets WAYFINDER_STORE, WAYFINDER_EVENTS, WAYFINDER_EVENTS_ONE
#   swift run wayfinder serve --store "$WAYFINDER_STORE" --events "$WAYFINDER_EVENTS"
set -euo pipefail

dir="${WAYFINDER_CLUSTER_DIR:-/tmp/wayfinder-cluster}"
pg_port="${WAYFINDER_PG_PORT:-15432}"
ch_http="${WAYFINDER_CH_PORT:-18201}"
shards=3

say() { printf 'cluster: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

pg_bin() {
    local bin
    for bin in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        [[ -x "$bin/initdb" ]] && { echo "$bin"; return; }
    done
    fail "PostgreSQL's initdb is missing; install it with: apt-get install postgresql"
}

# PostgreSQL refuses to run as root: as root, its files belong to the postgres account.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

urls() {
    local hosts="" i
    for ((i = 0; i < shards; i++)); do hosts+="${hosts:+,}127.0.0.1:$((ch_http + i))"; done
    echo "export WAYFINDER_STORE='postgres://wayfinder@127.0.0.1:$pg_port/wayfinder'"
    echo "export WAYFINDER_EVENTS='clickhouse://$hosts/wayfinder?cluster=three'"
    echo "export WAYFINDER_EVENTS_ONE='clickhouse://127.0.0.1:$ch_http/wayfinder_one?cluster=one'"
}

clickhouse_config() {
    local index="$1"
    local http="$((ch_http + index))" native="$((ch_http + 1000 + index))" home="$dir/clickhouse$index"
    local three="" i
    for ((i = 0; i < shards; i++)); do
        three+="<shard><replica><host>127.0.0.1</host><port>$((ch_http + 1000 + i))</port></replica></shard>"
    done
    mkdir -p "$home"/{log,data,tmp,user_files,format_schemas}
    cat >"$home/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$home/log/server.log</log><errorlog>$home/log/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>$native</tcp_port>
  <http_port>$http</http_port>
  <interserver_http_port>$((native + 1000))</interserver_http_port>
  <path>$home/data/</path>
  <tmp_path>$home/tmp/</tmp_path>
  <user_files_path>$home/user_files/</user_files_path>
  <format_schema_path>$home/format_schemas/</format_schema_path>
  <users_config>$home/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
  <remote_servers>
    <three>$three</three>
    <one><shard><replica><host>127.0.0.1</host><port>$((ch_http + 1000))</port></replica></shard></one>
  </remote_servers>
</yandex>
XML
    cat >"$home/users.xml" <<XML
<yandex>
  <profiles><default><max_threads>2</max_threads><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

clickhouse_answers() { curl -fsS "http://127.0.0.1:$1/?query=SELECT%201" >/dev/null 2>&1; }

up() {
    command -v clickhouse-server >/dev/null || fail "clickhouse-server is missing; install it with: apt-get install clickhouse-server clickhouse-client"
    command -v curl >/dev/null || fail "curl is missing; install it with: apt-get install curl"
    local bin
    bin="$(pg_bin)"
    mkdir -p "$dir"
    chmod 755 "$dir"

    # PostgreSQL: a cluster of our own, trusting loopback (the servers are for tests and trials).
    if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; then
        if [[ ! -f "$dir/postgres/PG_VERSION" ]]; then
            mkdir -p "$dir/postgres"
            [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/postgres"
            as_pg "$bin/initdb" -D "$dir/postgres" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
                || { cat "$dir/initdb.log" >&2; fail "initdb failed"; }
        fi
        as_pg "$bin/pg_ctl" -D "$dir/postgres" -l "$dir/postgres/server.log" -w -t 60 \
            -o "-p $pg_port -k '' -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on -c shared_buffers=256MB" start >/dev/null \
            || { tail -n 20 "$dir/postgres/server.log" >&2; fail "PostgreSQL did not start"; }
        as_pg "$bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SELECT 'CREATE ROLE wayfinder LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wayfinder') \gexec
SELECT 'CREATE DATABASE wayfinder OWNER wayfinder' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'wayfinder') \gexec
SQL
    fi

    # ClickHouse: three servers, each with its own folder and ports.
    local i
    for ((i = 0; i < shards; i++)); do
        clickhouse_answers "$((ch_http + i))" && continue
        clickhouse_config "$i"
        local home="$dir/clickhouse$i"
        (cd "$home" && exec clickhouse-server --config-file="$home/config.xml" >"$home/log/stdout.log" 2>&1) &
        echo $! >"$home/pid"
    done
    for ((i = 0; i < shards; i++)); do
        local tries=0
        until clickhouse_answers "$((ch_http + i))"; do
            ((tries++ < 120)) || { tail -n 20 "$dir/clickhouse$i/log/stdout.log" "$dir/clickhouse$i/log/error.log" >&2 2>/dev/null; fail "ClickHouse server $i did not start"; }
            sleep 0.5
        done
    done
    say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port, ClickHouse $(curl -fsS "http://127.0.0.1:$ch_http/?query=SELECT%20version()") on HTTP ports $ch_http-$((ch_http + shards - 1)); data in $dir"
    urls
}

down() {
    local bin i
    bin="$(pg_bin)"
    if [[ -f "$dir/postgres/postmaster.pid" ]]; then
        as_pg "$bin/pg_ctl" -D "$dir/postgres" -m fast -w stop >/dev/null 2>&1 || say "PostgreSQL did not stop cleanly"
    fi
    for ((i = 0; i < shards; i++)); do
        local pidfile="$dir/clickhouse$i/pid"
        [[ -f "$pidfile" ]] || continue
        local pid
        pid="$(cat "$pidfile")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$dir"
    say "stopped; $dir deleted"
}

case "${1:-}" in
up) up ;;
urls) urls ;;
down) down ;;
*) echo "usage: scripts/cluster.sh up|urls|down   (see the comment at the top of this file)" >&2; exit 2 ;;
esac
