#!/usr/bin/env bash
# The saved analytics index against building it at every analysis, on one store, in one run.
#
# Usage: benchmarks/analytics/saved-index.sh STORE WORKSPACE_FOLDER [BASE_BINARY]
#
#   STORE             an embedded store (the 10M-event one benchmarks/analytics/run.sh leaves in
#                     its BENCH_DIR, for instance); it gets one more import of about 94,000
#                     events (15,000 retail customers, seed $MORE_SEED, default 11: pick another
#                     seed to run it again on the same store), so use a copy you can spare
#   WORKSPACE_FOLDER  the workspace whose first map the funnel measures
#   BASE_BINARY       a wayfinder built before the saved index, to time the build at every
#                     analysis (default: the same binary with --rebuild-index, which also saves)
#
# Times `wayfinder analyze funnel --format csv` (wall clock, /usr/bin/time) in these cases and
# checks that every one prints the same CSV as a build from the whole store:
#   first      no saved index: builds it and saves it
#   reused     nothing changed since it was saved (three runs)
#   cold       the same after dropping the page cache (when run as root)
#   updated    after the import, from the index saved before it (three runs)
#   rebuilt    the base binary, or --rebuild-index
set -euo pipefail
store="${1:?usage: saved-index.sh STORE WORKSPACE_FOLDER [BASE_BINARY]}"
workspace="${2:?usage: saved-index.sh STORE WORKSPACE_FOLDER [BASE_BINARY]}"
base="${3:-}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
scratch="${SWIFT_SCRATCH_PATH:-$root/.build}"
say() { printf 'saved-index: %s\n' "$*" >&2; }

(cd "$root" && swift build -c release --scratch-path "$scratch" --product wayfinder >/dev/null)
bin="$scratch/release/wayfinder"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
folder="$store.index.${WORKSPACE_ID:-default}"
timed() {  # timed LABEL OUTPUT BINARY [OPTION...]
    local label="$1" output="$2" binary="$3"; shift 3
    /usr/bin/time -f "$label %e s, %M KB resident" "$binary" analyze funnel --workspace "$workspace" --db "$store" --format csv "$@" \
        >"$output" 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
    grep -F "$label " "$work/stderr" >&2
}
rebuilt() {  # the answer of a build from the whole store
    if [[ -n "$base" ]]; then timed "rebuilt(base)" "$1" "$base"; else timed "rebuilt(--rebuild-index)" "$1" "$bin" --rebuild-index; fi
}
same() { cmp -s "$1" "$2" || { say "$1 and $2 differ"; diff "$1" "$2" >&2 || true; exit 1; }; }

rm -rf "$folder"
rebuilt "$work/truth.csv"
rm -rf "$folder"
timed first "$work/first.csv" "$bin"
same "$work/first.csv" "$work/truth.csv"
for run in 1 2 3; do timed reused "$work/reused.csv" "$bin"; same "$work/reused.csv" "$work/truth.csv"; done
if [[ $(id -u) == 0 ]] && sync && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
    timed cold "$work/cold.csv" "$bin"
    same "$work/cold.csv" "$work/truth.csv"
fi

say "importing 15,000 more customers"
cp -r "$folder" "$work/saved"
"$bin" generate --scenario retail --customers 15000 --seed "${MORE_SEED:-11}" --out "$work/more" >/dev/null
"$bin" import "$work/more/events.csv" --db "$store" | tail -n 2 >&2
rebuilt "$work/truth2.csv"
for run in 1 2 3; do
    rm -rf "$folder" && cp -r "$work/saved" "$folder"
    timed updated "$work/updated.csv" "$bin"
    same "$work/updated.csv" "$work/truth2.csv"
done
say "every case printed the funnel a build from the whole store prints"
