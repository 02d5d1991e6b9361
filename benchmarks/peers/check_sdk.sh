#!/usr/bin/env bash
# Real SDKs against the server: Segment's (segment-analytics-python) and RudderStack's
# (rudder-sdk-python) Python libraries send a known set of events to `wayfinder serve`, which
# is then stopped with SIGTERM; the store must hold exactly those events, with the right
# customers (checked with sqlite3 and `wayfinder customers`), and the metrics must count them.
#
# Exit status: 0 all equal, 1 a mismatch (named) or a failed step, 2 usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
keep=0

usage() {
    cat <<USAGE
Usage: benchmarks/peers/check_sdk.sh [--keep] WAYFINDER

Starts WAYFINDER serve (a built wayfinder binary, e.g. .build/debug/wayfinder) on a free
loopback port with a new store and write key, sends events through Segment's and
RudderStack's Python SDKs, stops the server with SIGTERM, and checks the store.
Installs the SDKs with pip when they are missing.

  --keep   keep the work folder (store, server log, metrics; printed at the end)
USAGE
}

binary=""
while (($#)); do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --keep) keep=1; shift ;;
        -*) echo "check_sdk: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) [[ -z "$binary" ]] || { echo "check_sdk: one binary only" >&2; exit 2; }; binary="$1"; shift ;;
    esac
done
[[ -n "$binary" ]] || { usage >&2; exit 2; }
[[ -x "$binary" ]] || { echo "check_sdk: $binary is not an executable; build it first (swift build)" >&2; exit 2; }
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

started=$SECONDS
step() { printf '\n-- %s (%ds)\n' "$*" $((SECONDS - started)); }

sdks_ready() { python3 -c 'import segment.analytics, rudderstack.analytics' 2>/dev/null; }
if ! sdks_ready; then
    step "installing segment-analytics-python and rudder-sdk-python"
    python3 -m pip install --quiet --disable-pip-version-check segment-analytics-python rudder-sdk-python \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages segment-analytics-python rudder-sdk-python
    sdks_ready || { echo "check_sdk: could not install the SDKs" >&2; exit 1; }
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/wayfinder-sdk.XXXXXX")"
server=""
cleanup() {
    if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then kill -KILL "$server" 2>/dev/null || true; fi
    if ((keep)); then echo "check_sdk: work folder kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

step "a store with a write key"
secret="$("$binary" keys create --db "$work/store.db" --kind write --name sdk-check --format json \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')"
[[ "$secret" == wf_* ]] || { echo "check_sdk: 'wayfinder keys create' gave no secret" >&2; exit 1; }

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
url="http://127.0.0.1:$port"
step "wayfinder serve on $url"
"$binary" serve --db "$work/store.db" --host 127.0.0.1 --port "$port" --log-format json 2>"$work/server.log" >"$work/server.out" &
server=$!
if ! python3 "$here/check_sdk.py" wait "$url"; then
    sed 's/^/    /' "$work/server.log" >&2
    exit 1
fi

step "sending through both SDKs"
python3 "$here/check_sdk.py" send "$url" "$secret"
python3 "$here/check_sdk.py" metrics "$url" "$work/metrics.txt"

step "stopping the server with SIGTERM"
kill -TERM "$server"
status=0
for _ in $(seq 1 150); do kill -0 "$server" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$server" 2>/dev/null; then
    echo "check_sdk: the server did not stop within 30 s of SIGTERM" >&2
    exit 1
fi
wait "$server" || status=$?
server=""
if ((status != 0)); then
    echo "check_sdk: the server exited with status $status after SIGTERM:" >&2
    sed 's/^/    /' "$work/server.log" >&2
    exit 1
fi
echo "  exited with status 0"

step "checking the store, the metrics and the log"
python3 "$here/check_sdk.py" verify "$work/store.db" "$binary" "$work/metrics.txt" "$work/server.log"

printf '\nsdk: all checks passed in %ds\n' $((SECONDS - started))
