#!/usr/bin/env bash
# CSV import benchmark: `wayfinder import` against the sqlite3 shell's `.import`
# of the same generated file into a plain table, in one run.
#
# Usage: benchmarks/import/run.sh [EVENTS]      (default 10,000,000)
# Prints a Markdown table for BENCHMARKS.md. Needs sqlite3 and GNU time (/usr/bin/time).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
events="${1:-10000000}"
work="${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/wayfinder-import-bench.XXXXXX")}"
mkdir -p "$work"
trap '[[ -z "${KEEP_BENCH:-}" ]] && rm -rf "$work"' EXIT

command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }

swift build -c release --package-path "$root" --product wayfinder >/dev/null
bin="$(swift build -c release --package-path "$root" --show-bin-path)/wayfinder"

# About 7 events per retail customer; generate enough customers, then cut the file to EVENTS rows.
customers=$(( events / 6 + 1000 ))
"$bin" generate --scenario retail --customers "$customers" --seed 7 --format csv --out "$work/data" >/dev/null
csv="$work/data/events.csv"
head -n $(( events + 1 )) "$csv" > "$work/events.csv"
csv="$work/events.csv"
rows=$(( $(wc -l < "$csv") - 1 ))
size=$(du -m "$csv" | cut -f1)

measure() { # measure LABEL COMMAND... → seconds and max RSS (MB) in $seconds $rss
    local log="$work/time.log"
    /usr/bin/time -f '%e %M' -o "$log" "$@" >/dev/null 2>"$work/stderr.log" || [[ $? -eq 3 ]]
    read -r seconds rss_kb < "$log"
    rss=$(( rss_kb / 1024 ))
}

rm -f "$work/sqlite.db"
measure sqlite3 "$work/sqlite.db" ".mode csv" ".import $csv events"
sqlite_seconds=$seconds; sqlite_rss=$rss

rm -f "$work/wayfinder.db"*
measure "$bin" import "$csv" --db "$work/wayfinder.db"
wayfinder_seconds=$seconds; wayfinder_rss=$rss
stored=$(sqlite3 "$work/wayfinder.db" "SELECT count(*) FROM events")
customers_stored=$(sqlite3 "$work/wayfinder.db" "SELECT count(*) FROM customers WHERE merged_into IS NULL")

ratio=$(python3 -c "print(f'{$sqlite_seconds / $wayfinder_seconds:.2f}')")
rate=$(python3 -c "print(f'{$rows / $wayfinder_seconds:,.0f}')")
cat <<TABLE
| tool | rows | seconds | rows/s | max RSS (MB) |
| --- | --- | --- | --- | --- |
| sqlite3 \`.import\` (plain table, no parsing) | $rows | $sqlite_seconds | $(python3 -c "print(f'{$rows / $sqlite_seconds:,.0f}')") | $sqlite_rss |
| \`wayfinder import\` (parse, stitch, dedupe, index) | $stored | $wayfinder_seconds | $rate | $wayfinder_rss |

File: $size MB CSV, $rows events; the store holds $stored events of $customers_stored customers.
Speed ratio (wayfinder / sqlite3 .import): **$ratio×** (target ≥ 0.5×); resident memory $wayfinder_rss MB (target < 1024 MB).
TABLE
