#!/usr/bin/env bash
# HTTP collection under load: wrk posts /v1/batch (100 events a request, unique messageIds,
# 50,000 anonymous customers) to a release `wayfinder serve` on loopback for a fixed time; then
# the server is stopped with SIGTERM and the store is counted.
#
#   rate      events acknowledged (200) per second, as wrk saw them
#   latency   p50, p90, p99 and max of every request, from wrk --latency
#   no loss   the store's events equal the events the server acknowledged (its /metrics), and
#             those are wrk's acknowledged events plus at most the requests still in flight when
#             wrk stopped (answered by the server, never read by wrk)
#
# With --store postgres://…, the team server: --servers processes (default 2) share one new
# schema of that PostgreSQL database, each with its own wrk over its share of the connections,
# all customers drawn from the same pool, so the processes stitch the same people at once.
#
# Exit status: 0 measured and nothing lost, 1 a loss or a failed step, 2 usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration=20
connections=12
binary=""
out="$here/results.json"
store=""
servers=1

usage() {
    cat <<USAGE
Usage: benchmarks/server/load.sh [--duration S] [--connections N] [--binary PATH] [--out FILE]
                                [--store postgres://USER@HOST:PORT/DB --servers N]

Builds the release wayfinder (unless --binary), starts 'wayfinder serve' with a new store and
write key on a free loopback port, runs wrk against POST /v1/batch for --duration seconds
(default $duration) over --connections connections (default $connections), stops the server
with SIGTERM and checks that the store holds exactly the events the server acknowledged.
Installs wrk with apt-get when it is missing. Writes the figures to --out (default
benchmarks/server/results.json) and prints them.

With --store, the servers share a new schema of that PostgreSQL database (dropped at the end),
--servers of them (default 2), and the events are counted there.
USAGE
}

while (($#)); do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --duration) duration="${2:?--duration needs seconds}"; shift 2 ;;
        --connections) connections="${2:?--connections needs a number}"; shift 2 ;;
        --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
        --out) out="${2:?--out needs a file}"; shift 2 ;;
        --store) store="${2:?--store needs a postgres:// URL}"; servers=2; shift 2 ;;
        --servers) servers="${2:?--servers needs a number}"; shift 2 ;;
        *) echo "load: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ "$connections" =~ ^[0-9]+$ && "$servers" =~ ^[0-9]+$ && "$servers" -ge 1 && "$connections" -ge "$servers" ]] \
    || { echo "load: --connections ($connections) must be a whole number of at least --servers ($servers), each server taking one or more" >&2; exit 2; }

say() { printf '\n-- %s\n' "$*"; }

if ! command -v wrk >/dev/null; then
    say "installing wrk"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
if [[ -z "$binary" ]]; then
    say "release build of wayfinder"
    (cd "$root" && swift build -c release --product wayfinder >/dev/null)
    binary="$root/.build/release/wayfinder"
fi
[[ -x "$binary" ]] || { echo "load: $binary is not an executable" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/wayfinder-load.XXXXXX")"
pids=()
schema=""
database=""
cleanup() {
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true; done
    if [[ -n "$schema" ]]; then psql -q "$database" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

if [[ -n "$store" ]]; then
    database="${store%%\?*}"
    schema="load_$(date +%s)_$$"
    target=(--store "$database?schema=$schema")
else
    target=(--db "$work/store.db")
fi
secret="$("$binary" keys create "${target[@]}" --kind write --name load --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')"
urls=()
for index in $(seq 1 "$servers"); do
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
    url="http://127.0.0.1:$port"
    say "wayfinder serve on $url (${target[*]})"
    "$binary" serve "${target[@]}" --host 127.0.0.1 --port "$port" --log-level warning 2>"$work/server$index.log" &
    pids+=($!)
    urls+=("$url")
    for _ in $(seq 1 100); do curl -fsS "$url/health" >/dev/null 2>&1 && break; sleep 0.1; done
    curl -fsS "$url/health" >/dev/null || { echo "load: the server did not start" >&2; cat "$work/server$index.log" >&2; exit 1; }
done

# The connections are shared out exactly: the first servers take one more when they do not divide.
say "wrk: $connections connections over $servers server(s) for ${duration}s"
wrks=()
for index in $(seq 1 "$servers"); do
    share=$(( connections / servers + (index <= connections % servers ? 1 : 0) ))
    WF_PREFIX="s$index-" WF_BASIC="$(printf '%s:' "$secret" | base64 -w0)" wrk -t1 -c"$share" -d"${duration}s" --timeout 10s --latency \
        -s "$here/batch.lua" "${urls[$((index - 1))]}" >"$work/wrk$index.out" &
    wrks+=($!)
done
for pid in "${wrks[@]}"; do wait "$pid"; done
cat "$work"/wrk*.out
# Requests wrk left in flight are still answered; read the counters once they stop moving.
accepted() {
    local total=0
    for url in "${urls[@]}"; do total=$((total + $(curl -fsS "$url/metrics" | awk '/^wayfinder_events_accepted_total/ { printf "%d", $NF }'))); done
    echo "$total"
}
previous="" current="$(accepted)"
while [[ "$current" != "$previous" ]]; do sleep 0.5; previous="$current"; current="$(accepted)"; done
for pid in "${pids[@]}"; do
    kill -TERM "$pid"
    wait "$pid" || { echo "load: a server did not stop cleanly" >&2; cat "$work"/server*.log >&2; exit 1; }
done
pids=()
if [[ -n "$store" ]]; then
    stored="$(psql -tA "$database" -c "SELECT count(*) FROM $schema.events")"
else
    stored="$(sqlite3 "$work/store.db" 'SELECT count(*) FROM events')"
fi

python3 - "$work" "$servers" "$current" "$stored" "$connections" "$out" "${store:+postgresql}" <<'PY'
import json, sys
work, servers, accepted, stored, connections, out, backend = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7] or "sqlite"
runs = [json.loads(next(line for line in open(f"{work}/wrk{index}.out") if line.startswith("WF_RESULT "))[len("WF_RESULT "):]) for index in range(1, servers + 1)]
per = runs[0]["events_per_request"]
duration = max(run["duration_seconds"] for run in runs)
acknowledged = sum(run["acknowledged_requests"] for run in runs) * per
result = {
    "store": backend,
    "servers": servers,
    "connections": connections,
    "events_per_request": per,
    "duration_seconds": duration,
    "requests": sum(run["requests"] for run in runs),
    "acknowledged_requests": sum(run["acknowledged_requests"] for run in runs),
    "refused_requests": sum(run["refused_requests"] for run in runs),
    "socket_errors": sum(run["socket_errors"] for run in runs),
    # Each wrk's percentiles; the slowest server's stand for the whole.
    "latency_ms": {key: max(run["latency_ms"][key] for run in runs) for key in ("p50", "p90", "p99", "max")},
    "latency_ms_per_server": [run["latency_ms"] for run in runs],
    "events_acknowledged_seen_by_wrk": acknowledged,
    "events_per_second": round(acknowledged / duration),
    "events_acknowledged_by_server": accepted,
    "events_in_store": stored,
}
problems = []
if stored != accepted:
    problems.append(f"the store holds {stored} events but the servers acknowledged {accepted}")
if not acknowledged <= stored <= acknowledged + connections * per:
    problems.append(f"the store holds {stored} events; wrk saw {acknowledged} acknowledged, with at most {connections} requests in flight")
if result["refused_requests"] or result["socket_errors"]:
    problems.append(f"{result['refused_requests']} requests refused and {result['socket_errors']} socket errors")
result["lost"] = bool(problems)
json.dump(result, open(out, "w"), indent=2)
print(json.dumps(result, indent=2))
for problem in problems:
    print("load: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
