#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of every parser that reads outside input: the map reader
# (YAML and JSON), CSV, NDJSON and Segment batch files, analysis queries, alert rules,
# collection request bodies and saved analytics index files. The harnesses are the package in
# Fuzz/; their seed corpora are Fuzz/Corpus/<harness>/.
#
# Usage: scripts/fuzz.sh [options] [HARNESS...]
#   --seconds N     run each harness for N seconds (default 60; 3600 or more for a long run)
#   --jobs N        harnesses run at once (default: the number of cores)
#   --no-build      use the harnesses already built
#   --list          print the harnesses and stop
#   -h, --help      this text
# HARNESS names one or more of the harnesses (default: all), for example FuzzCSV.
#
# Examples:
#   scripts/fuzz.sh                          # every harness for a minute (what CI runs, shorter)
#   scripts/fuzz.sh --seconds 3600           # every harness for an hour, two at a time on two cores
#   scripts/fuzz.sh --seconds 14400 FuzzCSV  # one harness for four hours
#   .build-fuzz/release/FuzzCSV CRASH_FILE   # replay one input (after a build)
#
# Each harness keeps what it learns in .build-fuzz/corpus/<harness>/, so a later run starts
# where the last one stopped. An input that crashes, traps, takes more than --timeout seconds
# or more memory than the limit is written to .build-fuzz/findings/ (FUZZ_FINDINGS overrides)
# and the script exits non-zero, naming it: turn it into a regular test of the module whose
# parser failed, fix the parser, and run the harness again.
#
# Environment: FUZZ_TIMEOUT (seconds for one input, default 10), FUZZ_RSS_LIMIT_MB (default
# 2048), FUZZ_FINDINGS (folder for crashing inputs), FUZZ_SCRATCH_PATH (build folder,
# default .build-fuzz), FUZZ_CONFIGURATION (release, the default, or debug: builds in about
# two thirds of the time and runs fewer inputs a second, which suits CI's one-minute smoke run;
# replay its findings with .build-fuzz/debug/HARNESS).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$(cd "$root" && realpath -m "${FUZZ_SCRATCH_PATH:-.build-fuzz}")"
findings="$(realpath -m "${FUZZ_FINDINGS:-$scratch/findings}")"
timeout_seconds="${FUZZ_TIMEOUT:-10}"
rss_limit="${FUZZ_RSS_LIMIT_MB:-2048}"
configuration="${FUZZ_CONFIGURATION:-release}"
[[ "$configuration" == release || "$configuration" == debug ]] || { echo "fuzz: FUZZ_CONFIGURATION is release or debug, not '$configuration'" >&2; exit 2; }

# Each harness and the longest input it is given (bytes): big enough for a small map or file,
# small enough that the fuzzer runs many inputs a second.
harnesses=(FuzzMapYAML FuzzMapJSON FuzzCSV FuzzNDJSON FuzzSegmentBatch FuzzAnalysisQuery FuzzAlertRule FuzzCollectionBody FuzzIndexFile)
max_len() {
    case "$1" in
        FuzzMapYAML | FuzzMapJSON | FuzzSegmentBatch | FuzzCollectionBody) echo 16384 ;;
        FuzzCSV | FuzzNDJSON | FuzzIndexFile) echo 8192 ;;
        *) echo 4096 ;;
    esac
}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

seconds=60
jobs="$(nproc 2>/dev/null || echo 2)"
build=1
selected=()
while (($#)); do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
        --seconds=*) seconds="${1#*=}"; shift ;;
        --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
        --jobs=*) jobs="${1#*=}"; shift ;;
        --no-build) build=0; shift ;;
        --list) printf '%s\n' "${harnesses[@]}"; exit 0 ;;
        -h | --help) usage; exit 0 ;;
        -*) echo "fuzz: unknown option $1 (see --help)" >&2; exit 2 ;;
        *)
            if [[ " ${harnesses[*]} " != *" $1 "* ]]; then
                echo "fuzz: no harness '$1'; the harnesses are: ${harnesses[*]}" >&2
                exit 2
            fi
            selected+=("$1"); shift ;;
    esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --seconds takes a whole number above 0, not '$seconds'" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --jobs takes a whole number above 0, not '$jobs'" >&2; exit 2; }
((${#selected[@]})) || selected=("${harnesses[@]}")

build_args=(
    --package-path "$root/Fuzz" --scratch-path "$scratch" -c "$configuration"
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
    -Xcc -fsanitize=fuzzer-no-link,address
)
if ((build)); then
    mkdir -p "$scratch"
    echo "fuzz: building ${selected[*]} ($configuration, libFuzzer and AddressSanitizer)"
    started=$SECONDS
    # One product at a time: a build of the whole package would also link the main package's
    # executables with the fuzzer, which they are not made for.
    for harness in "${selected[@]}"; do
        set +e
        swift build "${build_args[@]}" --product "$harness" >"$scratch/build-$harness.log" 2>&1
        built=$?
        set -e
        grep -v -E '^warning: .*unhandled|Cannot export local symbol|CMakeLists.txt$' "$scratch/build-$harness.log" | grep -E 'error:|warning:' | head -n 40 || true
        ((built == 0)) || { echo "fuzz: the build of $harness failed; its log is $scratch/build-$harness.log" >&2; exit 1; }
    done
    echo "fuzz: built in $((SECONDS - started)) s"
fi
bin="$(swift build "${build_args[@]}" --show-bin-path)"

mkdir -p "$findings"
logs="$scratch/logs"
mkdir -p "$logs"

# run HARNESS: fuzzes one harness for $seconds; its exit status is the fuzzer's.
run() {
    local harness="$1"
    local corpus="$scratch/corpus/$harness"
    mkdir -p "$corpus"
    # New inputs go to the first folder; the seeds in the repository are only read. Swift's
    # runtime keeps its caches until exit, which LeakSanitizer would report as leaks.
    # Swift's own crash handler is off, so that AddressSanitizer's report is the one printed.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" "$bin/$harness" "$corpus" "$root/Fuzz/Corpus/$harness" \
        -max_total_time="$seconds" -max_len="$(max_len "$harness")" -timeout="$timeout_seconds" \
        -rss_limit_mb="$rss_limit" -malloc_limit_mb="$rss_limit" -detect_leaks=0 \
        -dict="$root/Fuzz/Dictionaries/$harness.dict" \
        -artifact_prefix="$findings/$harness-" -print_final_stats=1 >"$logs/$harness.log" 2>&1
}

echo "fuzz: ${#selected[@]} harnesses, $seconds s each, $jobs at a time; findings go to $findings"
declare -A pids=()
declare -A status=()
pending=("${selected[@]}")
while ((${#pending[@]})) || ((${#pids[@]})); do
    while ((${#pending[@]})) && ((${#pids[@]} < jobs)); do
        harness="${pending[0]}"
        pending=("${pending[@]:1}")
        run "$harness" &
        pids[$harness]=$!
    done
    # Wait for any one harness to finish, then collect every one that has.
    wait -n || true
    for harness in "${!pids[@]}"; do
        if ! kill -0 "${pids[$harness]}" 2>/dev/null; then
            set +e
            wait "${pids[$harness]}"
            status[$harness]=$?
            set -e
            unset "pids[$harness]"
        fi
    done
done

passed=0
failed=0
for harness in "${selected[@]}"; do
    log="$logs/$harness.log"
    runs="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)"
    found=("$findings/$harness"-*)
    [[ -e "${found[0]}" ]] || found=()
    if [[ "${status[$harness]}" -eq 0 && ${#found[@]} -eq 0 ]]; then
        passed=$((passed + 1))
        echo "  ok    $harness: ${runs:-?} inputs, corpus of $(find "$scratch/corpus/$harness" -type f | wc -l)"
    else
        failed=$((failed + 1))
        echo "  FAIL  $harness (exit ${status[$harness]}): ${found[*]:-no input saved}"
        grep -E -m 3 -A 12 'ERROR: (libFuzzer|AddressSanitizer)|Fatal error|invariant broken|deadly signal' "$log" | head -n 40 | sed 's/^/        /'
    fi
done
echo "fuzz: $passed passed, $failed failed"
if ((failed)); then
    echo "fuzz: replay a finding with $bin/HARNESS FILE; make it a regular test before fixing the parser" >&2
    exit 1
fi
