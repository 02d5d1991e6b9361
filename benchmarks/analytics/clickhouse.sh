#!/usr/bin/env bash
# ClickHouse's windowFunnel over the engine's event log: starts clickhouse-server on 127.0.0.1
# with a minimal configuration in a temporary folder (not as a system service), loads the log
# into a MergeTree table ORDER BY (customer, ts), times the funnel best of 5, prints JSON.
#
# Usage: benchmarks/analytics/clickhouse.sh EVENTS_CSV STAGE,STAGE,...
# Environment: CLICKHOUSE_PORT  native port (default 19000; HTTP on CLICKHOUSE_PORT + 1)
set -euo pipefail

log_csv="$1"
IFS=, read -r -a stages <<<"$2"
port="${CLICKHOUSE_PORT:-19000}"
dir="$(mktemp -d "${TMPDIR:-/tmp}/wayfinder-clickhouse.XXXXXX")"
server=""
stop() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$dir"
}
trap stop EXIT

mkdir -p "$dir"/{log,data,tmp,user_files,format_schemas}
cat >"$dir/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>$port</tcp_port>
  <http_port>$((port + 1))</http_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>1073741824</mark_cache_size>
  <max_concurrent_queries>10</max_concurrent_queries>
</yandex>
XML
cat >"$dir/users.xml" <<XML
<yandex>
  <profiles><default><max_threads>2</max_threads></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
clickhouse-server --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 &
server=$!
client() { clickhouse-client --host 127.0.0.1 --port "$port" "$@"; }
for _ in $(seq 1 60); do client --query "SELECT 1" >/dev/null 2>&1 && break; sleep 0.5; done
client --query "SELECT 1" >/dev/null 2>&1 || { echo "clickhouse: the server did not start:" >&2; tail -n 20 "$dir/log/stdout.log" "$dir/log/error.log" >&2 2>/dev/null; exit 1; }
version="$(client --query "SELECT version()")"

enum="$(for i in "${!stages[@]}"; do printf "%s'%s' = %d" "$([[ $i -gt 0 ]] && echo ', ')" "${stages[$i]}" $((i + 1)); done)"
client --query "CREATE TABLE events (customer String, ts DateTime, stage Enum8($enum)) ENGINE = MergeTree() ORDER BY (customer, ts)"
load_started=$(date +%s.%N)
# customer,timestamp,touchpoint,stage,channel with 2026-01-21T21:15:00Z times → TSV with DateTime text.
awk -F, 'NR > 1 { print $1 "\t" substr($2, 1, 10) " " substr($2, 12, 8) "\t" $4 }' "$log_csv" \
    | client --query "INSERT INTO events FORMAT TabSeparated"
client --query "OPTIMIZE TABLE events FINAL"
load_seconds=$(python3 -c "import time; print(time.time() - $load_started)")
rows="$(client --query "SELECT count() FROM events")"

conditions="$(for stage in "${stages[@]}"; do printf ", stage = '%s'" "$stage"; done)"
query="SELECT level, count() FROM (SELECT customer, windowFunnel(2592000)(ts$conditions) AS level FROM events GROUP BY customer) GROUP BY level ORDER BY level"
best=""
for _ in 1 2 3 4 5; do
    client --time --query "$query" >"$dir/levels.tsv" 2>"$dir/time.txt"
    seconds="$(tail -n 1 "$dir/time.txt")"
    best="$(python3 -c "print(min(float('$seconds'), float('${best:-inf}')))")"
done
levels="$(python3 -c "import json, sys; print(json.dumps({int(l): int(c) for l, c in (line.split() for line in open(sys.argv[1]))}))" "$dir/levels.tsv")"
printf '{"version": "%s", "events": %s, "load_seconds": %s, "funnel_seconds": %s, "levels": %s, "threads": 2}\n' \
    "$version" "$rows" "$load_seconds" "$best" "$levels"
