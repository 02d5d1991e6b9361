#!/usr/bin/env bash
# What one shard of the cluster stores and scans per event, measured on the running cluster
# (scripts/cluster.sh up, filled with `wayfinder migrate`): the inputs of the 10-billion-event
# estimate in BENCHMARKS.md.
#
# Usage: benchmarks/cluster/estimate.sh [WORKSPACE_ID]      (default: default)
#
# Prints, from the first server: rows and bytes on disk per table (system.parts), the compressed
# bytes per column of the events (system.columns), the time of a four-step windowFunnel over one
# shard's own table and over the Distributed table (best of 3), and the bytes the shards send
# when each streams its customers' per-event arrays instead of counting.
set -euo pipefail
workspace="${1:-default}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
eval "$("$root/scripts/cluster.sh" urls)"
host="${WAYFINDER_EVENTS#clickhouse://}"; host="${host%%,*}"
query() { curl -fsS "http://$host/?$1" --data-binary "$2"; }
best() {  # best LABEL PARAMS SQL: the fastest of three runs, and the bytes of the answer
    local label="$1" params="$2" sql="$3" fastest=999 bytes=0
    for run in 1 2 3; do
        local started; started=$(date +%s.%N)
        bytes=$(query "$params" "$sql" | wc -c)
        fastest=$(python3 -c "print(min($fastest, $(date +%s.%N) - $started))")
    done
    printf '%-44s %8.3f s %12d bytes answered\n' "$label" "$fastest" "$bytes"
}
echo "tables on the first server (rows, bytes on disk, compressed, uncompressed):"
query "" "SELECT table, sum(rows), sum(bytes_on_disk), sum(data_compressed_bytes), sum(data_uncompressed_bytes) FROM system.parts WHERE database = 'wayfinder' AND active GROUP BY table ORDER BY table FORMAT TSV"
echo "events columns on the first server (compressed, uncompressed bytes):"
query "" "SELECT name, data_compressed_bytes, data_uncompressed_bytes FROM system.columns WHERE database = 'wayfinder' AND table = 'events_local' FORMAT TSV"
funnel="SELECT level, count() FROM (SELECT root, windowFunnel(2592000)(toDateTime(intDiv(timestamp, 1000)),
    name IN ('Ad Clicked', 'Social Post Clicked', 'Beginner Running Shoe Guide'), name IN ('Product Viewed', 'Product List Filtered', 'Search Performed'),
    name IN ('Checkout Step Viewed'), name = 'Order Completed') AS level FROM wayfinder.TABLE WHERE workspace = '$workspace' GROUP BY root)
    GROUP BY level ORDER BY level FORMAT TSV"
best "windowFunnel, one shard's own table" "" "${funnel/TABLE/events_local}"
best "windowFunnel, three shards" "distributed_group_by_no_merge=1" "${funnel/TABLE/events}"
best "per-customer arrays streamed, three shards" "distributed_group_by_no_merge=1" \
    "SELECT root, groupArray(toUInt8(name = 'Order Completed')), groupArray(timestamp) FROM wayfinder.events WHERE workspace = '$workspace' GROUP BY root FORMAT RowBinary"
