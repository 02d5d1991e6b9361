#!/usr/bin/env bash
# Journey analytics benchmark: the engine (wayfinder-bench) against ClickHouse windowFunnel,
# DuckDB and pm4py, in one session, on the generated retail scenario.
#
# Usage: benchmarks/analytics/run.sh [EVENTS]          (default 10,000,000)
#
# EVENTS is the size of the generated data (raw events; about 70% are classified into the map).
# The retail scenario makes 6.858 events per customer (49,378 for 7,200 customers, seed 7), so
# it generates round(EVENTS × 7200 / 49378) customers: 1,458,139 for 10,000,000 events.
#
# The 1,000,000-event slice for pm4py is the first customers of the same data: the generator
# makes each customer's events in turn from the seed, so generating K customers writes exactly
# the first K customers' events of a larger run (checked with cmp). K is chosen for about
# 1,000,000 classified events (4.744 per customer) and the slice gets its own store and index.
#
# Environment:
#   BENCH_DIR            work folder, kept between runs: stores are reused when the same seed
#                        and size exist (import of 10M events takes about 2 minutes)
#                        (default ${TMPDIR:-/tmp}/wayfinder-analytics-bench)
#   SWIFT_SCRATCH_PATH   build folder (default .build)
#   SLICE_EVENTS         classified events in the pm4py slice (default 1000000)
#   REPEAT               best of how many runs for the engine (default 5); the index is built
#                        3 times, the first from a cold page cache, and the best is reported
#
# Needs python3 with duckdb and pm4py (pip), clickhouse-server and clickhouse-client (Debian's
# 18.16: apt-get install clickhouse-server clickhouse-client); the ClickHouse server is started
# here on 127.0.0.1 with a minimal configuration in a temporary folder and stopped at the end.
# Prints a table and writes benchmarks/analytics/results.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
events="${1:-10000000}"
[[ "$events" =~ ^[0-9]+$ ]] || { echo "bench: EVENTS is a number of events, got '$events'" >&2; exit 2; }
seed=7
customers=$(( (events * 7200 + 24689) / 49378 ))
slice_events="${SLICE_EVENTS:-1000000}"
slice_customers=$(( (slice_events * 7200 + 17077) / 34155 ))
(( slice_customers <= customers )) || slice_customers=$customers
repeat="${REPEAT:-5}"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/wayfinder-analytics-bench}"
mkdir -p "$work"
results="$here/results.json"

command -v clickhouse-server >/dev/null && command -v clickhouse-client >/dev/null \
    || { echo "bench: ClickHouse is missing (apt-get install clickhouse-server clickhouse-client)" >&2; exit 2; }
python3 -c 'import duckdb, pm4py' 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check duckdb pm4py \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages duckdb pm4py

started=$SECONDS
say() { printf '[%4ds] %s\n' $((SECONDS - started)) "$*" >&2; }

scratch=(--package-path "$root")
[[ -z "${SWIFT_SCRATCH_PATH:-}" ]] || scratch+=(--scratch-path "$(realpath -m "$SWIFT_SCRATCH_PATH")")
say "release build of wayfinder and wayfinder-bench"
swift build -c release "${scratch[@]}" --product wayfinder >/dev/null
swift build -c release "${scratch[@]}" --product wayfinder-bench >/dev/null
bin="$(swift build -c release "${scratch[@]}" --show-bin-path)"

# prepare DIR CUSTOMERS: generated data, workspace, store and event log in DIR, made once.
prepare() {
    local dir="$1" count="$2"
    if [[ -f "$dir/ready" ]]; then say "reusing $dir"; return; fi
    rm -rf "$dir"; mkdir -p "$dir"
    say "generating $count retail customers (seed $seed) into $dir"
    "$bin/wayfinder" generate --scenario retail --customers "$count" --seed "$seed" --out "$dir/data" >/dev/null
    "$bin/wayfinder" init --template retail "$dir/ws" >/dev/null
    say "importing"
    "$bin/wayfinder" import "$dir/data/events.csv" --db "$dir/store.db" | tail -n 1 >&2
    say "exporting the classified event log"
    "$bin/wayfinder" analyze events --workspace "$dir/ws" --db "$dir/store.db" --format csv >"$dir/log.csv"
    touch "$dir/ready"
}

full="$work/retail-s$seed-c$customers"
prepare "$full" "$customers"
slice="$full"
if (( slice_customers < customers )); then
    slice="$work/retail-s$seed-c$slice_customers"
    prepare "$slice" "$slice_customers"
    cmp -s -n "$(stat -c %s "$slice/data/events.csv")" "$slice/data/events.csv" "$full/data/events.csv" \
        || { echo "bench: the slice's events are not the first customers of the full data" >&2; exit 1; }
fi

say "engine: wayfinder-bench on the full store (best of $repeat)"
"$bin/wayfinder-bench" --workspace "$full/ws" --db "$full/store.db" --repeat "$repeat" >"$work/engine.json"
say "engine: wayfinder-bench on the slice"
"$bin/wayfinder-bench" --workspace "$slice/ws" --db "$slice/store.db" --repeat "$repeat" >"$work/engine-slice.json"
stages="$(python3 -c 'import json, sys; print(",".join(json.load(open(sys.argv[1]))["stages"]))' "$work/engine.json")"

say "ClickHouse: starting a server on 127.0.0.1"
"$here/clickhouse.sh" "$full/log.csv" "$stages" >"$work/clickhouse.json"

say "DuckDB: the stage funnel in SQL (best of 3)"
python3 "$here/peers.py" duckdb "$full/log.csv" "$stages" >"$work/duckdb.json"

say "pm4py: DFG, variants and token-based replay on the slice"
python3 "$here/peers.py" pm4py "$slice/log.csv" "$stages" >"$work/pm4py.json"

say "done"
python3 "$here/report.py" --events "$events" --customers "$customers" --slice-customers "$slice_customers" \
    --engine "$work/engine.json" --engine-slice "$work/engine-slice.json" --clickhouse "$work/clickhouse.json" \
    --duckdb "$work/duckdb.json" --pm4py "$work/pm4py.json" --out "$results"
