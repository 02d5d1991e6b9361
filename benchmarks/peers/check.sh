#!/usr/bin/env bash
# Correctness against peers: the engine's analyses checked against pm4py, DuckDB and the truth
# the generator planted, on one generated retail data set (about 50,000 events).
#
#   pm4py     every directly-follows edge, start, end and variant count equal to `analyze paths`
#   DuckDB    the stage funnel in SQL (benchmarks/peers/funnel_sql.py): ordered over 30 and 7
#             days, strict and any order, and ordered counting only (--no-step-times) over
#             30, 7 and 1 days, and a funnel of touchpoint steps whose first is any of two in
#             each mode, every step equal to `analyze funnel`; for ordered funnels with step
#             times the time to convert too (customers, median and p90 as quantile_disc, every
#             bucket of its histogram); the customers listed at a step (reached it, dropped
#             before it) exactly those whose furthest step in SQL says so; funnels with a window
#             per step, exclusions and repeats counted against every chain a recursive query
#             enumerates (each step, the customers counted and excluded, every pass)
#   truth     the ordered 30-day funnel, customers per persona and unclassified events equal
#             to truth.json; the planted friction points ranked first, with their visitors and
#             leavers equal to truth.json
#   DuckDB    retention cohorts (month and week; a stage and a touchpoint) in SQL, every cohort
#             size and count equal to `analyze retention`
#   ChannelAttribution 2.2.5
#             attribution's first, last and linear touch equal to heuristic_models, Markov
#             within 0.02 of markov_model's shares (it simulates) and equal to an exact solve;
#             time decay, position and Shapley equal to their definitions computed in Python
#   planted groups and kmodes 0.12.2
#             on a second data set with three planted groups (generate --groups 3), segments'
#             groups agree with the planted ones (adjusted Rand index at least 0.9 over the
#             customers with traits, by traits and journeys and by traits alone), and the
#             traits-only grouping costs no more than kmodes' KPrototypes on the same matrix
#
# Exit status: 0 all equal, 1 a mismatch (named, with both numbers) or a failed command, 2 usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
customers=7200
seed=7
keep=0

usage() {
    cat <<USAGE
Usage: benchmarks/peers/check.sh [--customers N] [--seed S] [--keep] WAYFINDER

Generates the retail scenario (--customers $customers, --seed $seed: about 49,000 events),
imports it with WAYFINDER (a built wayfinder binary, e.g. .build/debug/wayfinder), and checks
its funnel, paths, friction, personas and index counts against pm4py, DuckDB and the planted truth,
its attribution against ChannelAttribution, and its segments against planted groups and kmodes
(on a second data set of 3,000 customers with three planted groups). Installs Python's pm4py, duckdb,
ChannelAttribution, kmodes and scikit-learn with pip when they are missing.

  --customers N   customers to generate
  --seed S        generator seed
  --keep          keep the work folder (printed at the end)
USAGE
}

binary=""
while (($#)); do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --customers) customers="${2:?--customers needs a number}"; shift 2 ;;
        --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
        --keep) keep=1; shift ;;
        -*) echo "check: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) [[ -z "$binary" ]] || { echo "check: one binary only" >&2; exit 2; }; binary="$1"; shift ;;
    esac
done
[[ -n "$binary" ]] || { usage >&2; exit 2; }
[[ -x "$binary" ]] || { echo "check: $binary is not an executable; build it first (swift build)" >&2; exit 2; }
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

started=$SECONDS
step() { printf '\n-- %s (%ds)\n' "$*" $((SECONDS - started)); }

python_ready() { python3 -c 'import pm4py, duckdb, pandas, matplotlib, ChannelAttribution, kmodes, sklearn' 2>/dev/null; }
if ! python_ready; then
    # ChannelAttribution is built from its source (C++) on the first install.
    step "installing pm4py, duckdb, ChannelAttribution 2.2.5 and kmodes 0.12.2"
    packages=(pm4py duckdb pandas matplotlib ChannelAttribution==2.2.5 kmodes==0.12.2 scikit-learn)
    python3 -m pip install --quiet --disable-pip-version-check "${packages[@]}" \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${packages[@]}"
    python_ready || { echo "check: could not install Python's pm4py, duckdb, ChannelAttribution and kmodes" >&2; exit 1; }
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/wayfinder-peers.XXXXXX")"
cleanup() { if ((keep)); then echo "check: work folder kept in $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

# run LOG COMMAND...: COMMAND's output to LOG, shown when it fails.
run() {
    local log="$1"; shift
    if ! "$@" >"$log" 2>&1; then
        echo "check: failed: $*" >&2
        sed 's/^/    /' "$log" >&2
        exit 1
    fi
}

step "generating retail data (--customers $customers --seed $seed)"
run "$work/generate.log" "$binary" generate --scenario retail --customers "$customers" --seed "$seed" --out "$work/data"
run "$work/init.log" "$binary" init --template retail "$work/ws"
run "$work/import.log" "$binary" import "$work/data/events.csv" --db "$work/store.db"
tail -n 2 "$work/import.log"

analyze() { # analyze OUTPUT KIND OPTIONS...
    local output="$1" kind="$2"; shift 2
    "$binary" analyze "$kind" --workspace "$work/ws" --db "$work/store.db" "$@" >"$output" 2>"$output.err" \
        || { echo "check: wayfinder analyze $kind $* failed:" >&2; sed 's/^/    /' "$output.err" >&2; exit 1; }
}

# Each analysis builds its own index; two run at a time.
running=()
in_background() {
    analyze "$@" &
    running+=($!)
    if ((${#running[@]} >= 2)); then
        wait "${running[0]}" || exit 1
        running=("${running[@]:1}")
    fi
}

step "running the engine's analyses"
in_background "$work/events.csv" events --format csv
funnels=()
for run_spec in ordered:30 ordered:7 strict:30 strict:7 any_order:30 any_order:7; do
    mode="${run_spec%:*}" days="${run_spec#*:}"
    in_background "$work/funnel-$mode-$days.json" funnel --format json --mode "$mode" --window-days "$days"
    funnels+=("$run_spec=$work/funnel-$mode-$days.json")
done
# Without step times the ordered funnel only counts, on a separate code path.
for days in 30 7 1; do
    in_background "$work/funnel-counts-$days.json" funnel --format json --mode ordered --window-days "$days" --no-step-times
    funnels+=("ordered:$days:counts=$work/funnel-counts-$days.json")
done
# Touchpoint steps, the first any of two.
for mode in ordered strict any_order; do
    in_background "$work/funnel-any-of-$mode.json" funnel --format json --mode "$mode" --window-days 30 \
        --steps 'product-page-sizing|fit-chat,checkout-delivery,order-completed'
    funnels+=("$mode:30=$work/funnel-any-of-$mode.json")
done
# The customers at a step, reached and dropped, of the stage funnel and of the touchpoint funnel.
step_lists=()
for spec in ordered:30:decision:reached ordered:30:decision:dropped ordered:30:awareness:dropped strict:7:retention:reached any_order:30:advocacy:reached; do
    IFS=: read -r mode days step which <<<"$spec"
    in_background "$work/step-$mode-$days-$step-$which.csv" customers --format csv --mode "$mode" --window-days "$days" --step "$step" $([[ $which == dropped ]] && echo --dropped)
    step_lists+=("$spec=$work/step-$mode-$days-$step-$which.csv")
done
chain_funnels=()
for spec in "ordered|--step-window decision:2 --step-window advocacy:5" "strict|--window-days 14 --step-window retention:3" \
            "ordered|--exclude fit-chat:consideration:decision --exclude retargeting-ad" "strict|--exclude fit-chat|store-gait-analysis" \
            "ordered|--count-repeats --steps product-page-sizing,checkout-delivery" \
            "strict|--count-repeats --steps collection-browse|product-page-sizing,fit-chat --step-window fit-chat:0.1"; do
    mode="${spec%%|*}" rest="${spec#*|}"
    name="$work/chains-${#chain_funnels[@]}.json"
    # shellcheck disable=SC2086
    in_background "$name" funnel --format json --mode "$mode" $rest
    chain_funnels+=("$name")
done
in_background "$work/step-any-of.csv" customers --format csv --steps 'product-page-sizing|fit-chat,checkout-delivery,order-completed' --step checkout-delivery --dropped
in_background "$work/paths.json" paths --format json --top 10000
in_background "$work/personas.json" personas --format json
for pid in "${running[@]}"; do wait "$pid" || exit 1; done
echo "  $(($(wc -l <"$work/events.csv") - 1)) classified events exported"

step "pm4py: directly-follows graph and variants"
python3 "$here/check_paths_pm4py.py" "$work/events.csv" "$work/paths.json"

step "DuckDB: stage funnels in SQL"
python3 "$here/check_funnel_duckdb.py" "$work/events.csv" "${funnels[@]}"

step "DuckDB: the customers at a funnel step"
python3 "$here/check_step_customers_duckdb.py" "$work/events.csv" "$work/funnel-ordered-30.json" "${step_lists[@]}"
python3 "$here/check_step_customers_duckdb.py" "$work/events.csv" "$work/funnel-any-of-ordered.json" "ordered:30:checkout-delivery:dropped=$work/step-any-of.csv"

step "DuckDB: funnels with windows per step, exclusions and repeats, against every chain"
python3 "$here/check_funnel_chains_duckdb.py" "$work/events.csv" "${chain_funnels[@]}"

step "planted truth: funnel, personas, unclassified events"
python3 "$here/check_truth.py" "$work/data/truth.json" "$work/funnel-ordered-30.json" "$work/personas.json"

step "planted truth: friction"
analyze "$work/friction.json" friction --format json
python3 "$here/check_truth.py" --friction "$work/data/truth.json" "$work/friction.json"

step "DuckDB: retention cohorts in SQL"
retention=()
running=()
for spec in month:stage:retention:12 week:stage:retention:10 week:touchpoint:order-completed:8 month:stage:advocacy:4; do
    IFS=: read -r period kind target periods <<<"$spec"
    in_background "$work/retention-$period-$target.json" retention --format json --cohort "$period" --returning-to "$target" --periods "$periods"
    retention+=("$spec=$work/retention-$period-$target.json")
done
for pid in "${running[@]}"; do wait "$pid" || exit 1; done
running=()
python3 "$here/check_retention_duckdb.py" "$work/events.csv" "${retention[@]}"

step "ChannelAttribution and direct computations: attribution"
attribution=()
running=()
for model in first_touch last_touch linear time_decay position shapley markov; do
    in_background "$work/attribution-$model.json" attribution --format json --model "$model"
    attribution+=("$model=$work/attribution-$model.json")
done
in_background "$work/attribution-markov2.json" attribution --format json --model markov --order 2
attribution+=("markov2=$work/attribution-markov2.json")
for pid in "${running[@]}"; do wait "$pid" || exit 1; done
running=()
python3 "$here/check_attribution.py" "$work/events.csv" order-completed "${attribution[@]}"

step "planted groups and kmodes: segments"
run "$work/generate-groups.log" "$binary" generate --scenario retail --customers 3000 --seed "$seed" --groups 3 --out "$work/groups-data"
run "$work/import-groups.log" "$binary" import "$work/groups-data/events.csv" --db "$work/groups.db"
planted_traits=market.region,market.tier,market.yearly_spend
for by in both traits; do
    "$binary" analyze segments --workspace "$work/ws" --db "$work/groups.db" --traits "$planted_traits" --k 3 --segment-by "$by" \
        --assignments --format json >"$work/segments-$by.json" 2>"$work/segments-$by.err" \
        || { echo "check: wayfinder analyze segments --segment-by $by failed:" >&2; sed 's/^/    /' "$work/segments-$by.err" >&2; exit 1; }
done
python3 "$here/check_segments.py" "$work/groups-data" "$work/groups.db" "$work/segments-both.json" "$work/segments-traits.json"

printf '\npeers: all checks passed in %ds\n' $((SECONDS - started))
