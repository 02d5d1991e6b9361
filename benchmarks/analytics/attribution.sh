#!/usr/bin/env bash
# Markov attribution of order 1 (and the heuristic models) in the engine against ChannelAttribution
# 2.2.5 on the same journeys, in one run.
#
# Generates the retail scenario (--customers, default 1,000,000: about as many journeys), imports
# it, and exports the classified events; Python builds each customer's path from them by the
# definition of docs/analytics.md (not timed). Then, alternately, best of --runs each:
#
#   engine    wayfinder analyze attribution --model markov (from the saved index, which a first
#             untimed run builds: the time is the command's, reading the index, building every
#             customer's path, the chain and its removal effects)
#   peer      ChannelAttribution's markov_model (order 1, its default simulation) on the same
#             journeys, one row each (as a customer table gives them); and, for reference, on
#             the journeys grouped by path beforehand (the grouping not timed)
#
# and the same for first/last/linear touch (wayfinder's --model linear against heuristic_models,
# which computes the three at once). The command's time is mostly the index read from disk; with
# --bench WAYFINDER_BENCH the attribution itself is timed in-process on the index too (best of
# --runs), against the same peer times. The credit shares are compared (within 0.02). Prints a JSON
# summary; BENCHMARKS.md records it.
#
# Usage: benchmarks/analytics/attribution.sh [--customers N] [--runs K] [--keep] [--bench WAYFINDER_BENCH] WAYFINDER
#        ATTRIBUTION_WORK=FOLDER benchmarks/analytics/attribution.sh WAYFINDER   (time a kept folder again)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
customers=1000000
runs=3
keep=0
bench=""
binary=""
while (($#)); do
    case "$1" in
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        --customers) customers="${2:?--customers needs a number}"; shift 2 ;;
        --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
        --keep) keep=1; shift ;;
        --bench) bench="$(cd "$(dirname "${2:?--bench needs a wayfinder-bench binary}")" && pwd)/$(basename "$2")"; shift 2 ;;
        -*) echo "attribution: unknown option $1" >&2; exit 2 ;;
        *) binary="$1"; shift ;;
    esac
done
[[ -x "$binary" ]] || { echo "attribution: give a built wayfinder binary (swift build -c release)" >&2; exit 2; }
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
python3 -c 'import pandas, matplotlib, ChannelAttribution' 2>/dev/null || {
    python3 -m pip install --quiet --disable-pip-version-check pandas matplotlib ChannelAttribution==2.2.5 \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages pandas matplotlib ChannelAttribution==2.2.5
}

if [[ -n "${ATTRIBUTION_WORK:-}" ]]; then
    # Time again in a folder a --keep run left.
    exec python3 "$here/attribution_peer.py" "$binary" "$ATTRIBUTION_WORK" "$runs" "$bench"
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/wayfinder-attribution.XXXXXX")"
cleanup() { if ((keep)); then echo "attribution: work folder kept in $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT
cd "$work"
echo "attribution: generating and importing $customers customers" >&2
"$binary" generate --scenario retail --customers "$customers" --seed 1 --out data >/dev/null 2>&1
"$binary" init --template retail ws >/dev/null
"$binary" import data/events.csv --db store.db >/dev/null 2>&1
"$binary" analyze events --workspace ws --db store.db --format csv > events.csv 2>/dev/null
# The first run builds and saves the index.
"$binary" analyze attribution --workspace ws --db store.db --format json > /dev/null 2>&1
python3 "$here/attribution_peer.py" "$binary" "$work" "$runs" "$bench"
