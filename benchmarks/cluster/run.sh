#!/usr/bin/env bash
# The funnel on a three-shard ClickHouse cluster: Wayfinder's pushed-down funnel against a
# hand-written windowFunnel query on the same cluster, on the same data, in one run.
#
# Usage: benchmarks/cluster/run.sh STORE WORKSPACE_FOLDER [WORKSPACE_ID]
#
# STORE is an embedded store holding the customer data (benchmarks/analytics/run.sh leaves a
# 10,000,000-event retail store in ${TMPDIR:-/tmp}/wayfinder-analytics-bench/retail-s7-c1458139);
# WORKSPACE_FOLDER the workspace whose first map classifies it. The script starts the cluster
# (scripts/cluster.sh up), copies the store with `wayfinder migrate` (timed; skipped when the
# cluster already holds as many events), then for each funnel mode runs, best of REPEAT:
#   - Wayfinder: the statement `wayfinder analyze funnel --no-step-times --events URL` sends to
#     count the funnel (the classification of each event by its signature and the customers'
#     furthest steps, computed on the shards), timed as ClickHouse answers it;
#   - the peer: windowFunnel over the same classification (the same `transform` of each event's
#     signature, so both classify alike), each shard grouping its own customers;
#   - the whole command, `wayfinder analyze funnel … --events URL`, from start to exit.
# windowFunnel has no strict or any-order mode on ClickHouse 18.16, so those modes are timed
# against the ordered windowFunnel. It takes whole seconds; the levels it gives differ where
# events of one customer share a second, so its counts are printed beside ours, not compared.
#
# Environment: REPEAT (default 3), SWIFT_SCRATCH_PATH (build folder, default .build).
# Prints a table and writes benchmarks/cluster/results.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ $# -lt 2 || "${1:-}" == -h || "${1:-}" == --help ]]; then sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2; fi
store="$(realpath "$1")"
workspace_folder="$(realpath "$2")"
workspace_id="${3:-default}"
repeat="${REPEAT:-3}"
started=$SECONDS
say() { printf '[%4ds] %s\n' $((SECONDS - started)) "$*" >&2; }

scratch=(--package-path "$root")
[[ -z "${SWIFT_SCRATCH_PATH:-}" ]] || scratch+=(--scratch-path "$(realpath -m "$SWIFT_SCRATCH_PATH")")
say "release build of wayfinder"
swift build -c release "${scratch[@]}" --product wayfinder >/dev/null
bin="$(swift build -c release "${scratch[@]}" --show-bin-path)/wayfinder"

say "the cluster"
eval "$("$root/scripts/cluster.sh" up)"
url="$WAYFINDER_EVENTS"
first_http="${url#clickhouse://}"; first_http="${first_http%%,*}"

stored="$(sqlite3 "$store" "SELECT count(*) FROM events e JOIN workspaces w ON w.id = e.workspace_id WHERE w.slug = '$workspace_id'")"
present="$(curl -fsS "http://$first_http/" --data-binary "SELECT count() FROM wayfinder.events WHERE workspace = '$workspace_id'" 2>/dev/null || echo 0)"
migrate_seconds=null
if [[ "$present" != "$stored" ]]; then
    say "copying $stored events to the cluster"
    migrate_started=$(date +%s.%N)
    "$bin" migrate --from "sqlite:$store" --to "$url" --workspace-id "$workspace_id" --replace
    migrate_seconds=$(python3 -c "import time; print(round(time.time() - $migrate_started, 1))")
fi

python3 "$here/compare.py" --bin "$bin" --url "$url" --host "$first_http" --workspace "$workspace_folder" \
    --workspace-id "$workspace_id" --repeat "$repeat" --events "$stored" --migrate-seconds "$migrate_seconds" \
    --out "$here/results.json"
say "done; scripts/cluster.sh down stops the cluster"
