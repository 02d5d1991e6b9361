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
# Exit status: 0 measured and nothing lost, 1 a loss or a failed step, 2 usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration=20
connections=12
binary=""
out="$here/results.json"

usage() {
    cat <<USAGE
Usage: benchmarks/server/load.sh [--duration S] [--connections N] [--binary PATH] [--out FILE]

Builds the release wayfinder (unless --binary), starts 'wayfinder serve' with a new store and
write key on a free loopback port, runs wrk against POST /v1/batch for --duration seconds
(default $duration) over --connections connections (default $connections), stops the server
with SIGTERM and checks that the store holds exactly the events the server acknowledged.
Installs wrk with apt-get when it is missing. Writes the figures to --out (default
benchmarks/server/results.json) and prints them.
USAGE
}

while (($#)); do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --duration) duration="${2:?--duration needs seconds}"; shift 2 ;;
        --connections) connections="${2:?--connections needs a number}"; shift 2 ;;
        --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
        --out) out="${2:?--out needs a file}"; shift 2 ;;
        *) echo "load: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

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
server=""
cleanup() {
    if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then kill -KILL "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

secret="$("$binary" keys create --db "$work/store.db" --kind write --name load --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
url="http://127.0.0.1:$port"
say "wayfinder serve on $url"
"$binary" serve --db "$work/store.db" --host 127.0.0.1 --port "$port" --log-level warning 2>"$work/server.log" &
server=$!
for _ in $(seq 1 100); do curl -fsS "$url/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$url/health" >/dev/null || { echo "load: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

say "wrk: $connections connections for ${duration}s"
WF_BASIC="$(printf '%s:' "$secret" | base64 -w0)" wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$here/batch.lua" "$url" | tee "$work/wrk.out"
# Requests wrk left in flight are still answered; read the counters once they stop moving.
accepted() { curl -fsS "$url/metrics" | awk '/^wayfinder_events_accepted_total/ { print $NF }'; }
previous="" current="$(accepted)"
while [[ "$current" != "$previous" ]]; do sleep 0.5; previous="$current"; current="$(accepted)"; done
curl -fsS "$url/metrics" >"$work/metrics.txt"
kill -TERM "$server"
wait "$server" || { echo "load: the server did not stop cleanly" >&2; cat "$work/server.log" >&2; exit 1; }
server=""
stored="$(sqlite3 "$work/store.db" 'SELECT count(*) FROM events')"

python3 - "$work/wrk.out" "$work/metrics.txt" "$stored" "$connections" "$out" <<'PY'
import json, re, sys
wrk_out, metrics_path, stored, connections, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
result = json.loads(next(line for line in open(wrk_out) if line.startswith("WF_RESULT "))[len("WF_RESULT "):])
metrics = open(metrics_path).read()
match = re.search(r'^wayfinder_events_accepted_total(?:\{[^}]*\})?\s+([0-9.e+]+)', metrics, re.M)
accepted = int(float(match.group(1))) if match else None
per = result["events_per_request"]
acknowledged = result["acknowledged_requests"] * per
result.update({
    "connections": connections,
    "events_acknowledged_seen_by_wrk": acknowledged,
    "events_per_second": round(acknowledged / result["duration_seconds"]),
    "events_acknowledged_by_server": accepted,
    "events_in_store": stored,
})
problems = []
if accepted is None:
    problems.append("no wayfinder_events_accepted_total in /metrics")
elif stored != accepted:
    problems.append(f"the store holds {stored} events but the server acknowledged {accepted}")
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
