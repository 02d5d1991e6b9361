"""Checks the engine's directly-follows graph and variants against pm4py on the same event log.

Usage: python3 check_paths_pm4py.py EVENTS_CSV PATHS_JSON

EVENTS_CSV is `wayfinder analyze events --format csv` (customer, timestamp, touchpoint, stage,
channel; a customer's rows by time, then arrival). PATHS_JSON is `wayfinder analyze paths
--format json --top N` with N large enough to list every variant. Every edge, start, end and
variant count must be equal.
"""

import sys

import pandas as pd

from peers_common import Report, load_json

sys._pm4py_welcome_shown = True  # pm4py prints a licence banner on import unless told it was shown
import pm4py  # noqa: E402


def ties_keep_file_order() -> bool:
    """Whether pm4py keeps two events of one case at the same time in the order it was given them."""
    at = pd.Timestamp("2026-01-01T00:00:00Z")
    frame = pd.DataFrame({"customer": ["x", "x", "x"], "touchpoint": ["b", "a", "c"], "timestamp": [at, at, at]})
    log = pm4py.format_dataframe(frame, case_id="customer", activity_key="touchpoint", timestamp_key="timestamp")
    return list(pm4py.get_variants(log)) == [("b", "a", "c")]


def formatted_log(csv_path: str, report: Report) -> pd.DataFrame:
    """The log as pm4py sees it, with events of equal time kept in file order (checked)."""
    frame = pd.read_csv(csv_path, dtype=str)
    frame["row"] = range(len(frame))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="%Y-%m-%dT%H:%M:%SZ")
    ties = int(frame.duplicated(["customer", "timestamp"]).sum())
    log = pm4py.format_dataframe(frame.copy(), case_id="customer", activity_key="touchpoint", timestamp_key="timestamp")
    # format_dataframe sorts by case, time and its own index of the input rows; check that a
    # case's events keep the file's order, and if not, break ties by row with microseconds.
    in_order = ties_keep_file_order() and bool((log.groupby("case:concept:name", sort=False)["row"].diff().dropna() > 0).all())
    if not in_order:
        report.note("pm4py reorders events of equal time; adding microseconds by row order")
        frame["timestamp"] = frame["timestamp"] + pd.to_timedelta(frame.groupby("customer").cumcount(), unit="us")
        log = pm4py.format_dataframe(frame.copy(), case_id="customer", activity_key="touchpoint", timestamp_key="timestamp")
    report.note(f"{len(log)} events of {log['case:concept:name'].nunique()} customers, {ties} with the same time as "
                f"the customer's previous one; pm4py keeps file order for them: {'yes' if in_order else 'no'}")
    return log


def main(csv_path: str, paths_path: str) -> None:
    report = Report("pm4py paths")
    log = formatted_log(csv_path, report)
    engine = load_json(paths_path)

    dfg, starts, ends = pm4py.discover_dfg(log)
    engine_edges = {(edge["from"], edge["to"]): edge["count"] for edge in engine["dfg"]["edges"]}
    for edge in sorted(set(engine_edges) | set(dfg)):
        report.equal(f"edge {edge[0]} -> {edge[1]}", engine_edges.get(edge, 0), dfg.get(edge, 0), "pm4py")
    for label, engine_side, peer_side in (("start", engine["dfg"]["starts"], starts), ("end", engine["dfg"]["ends"], ends)):
        for touchpoint in sorted(set(engine_side) | set(peer_side)):
            report.equal(f"{label} {touchpoint}", engine_side.get(touchpoint, 0), peer_side.get(touchpoint, 0), "pm4py")
    edges_compared = len(set(engine_edges) | set(dfg))

    variants = pm4py.get_variants(log)
    peer_variants = {tuple(path): (count if isinstance(count, int) else len(count)) for path, count in variants.items()}
    listed = engine["variants"]["variants"]
    if len(listed) < engine["variants"]["distinct"]:
        report.mismatches.append(f"the engine listed {len(listed)} of {engine['variants']['distinct']} variants; "
                                 "run paths with a larger --top")
    engine_variants = {tuple(variant["path"]): variant["customers"] for variant in listed}
    # Customers without classified events have an empty trace; pm4py never sees them.
    empty = engine_variants.pop((), 0)
    if empty:
        report.note(f"{empty} customers with no classified event (empty variant) left out of the comparison")
    for path in sorted(set(engine_variants) | set(peer_variants)):
        report.equal(f"variant {' > '.join(path)}", engine_variants.get(path, 0), peer_variants.get(path, 0), "pm4py")
    report.equal("customers with events", engine["variants"]["total"] - empty, int(log["case:concept:name"].nunique()), "pm4py")
    report.note(f"{edges_compared} edges, {len(starts)} starts, {len(ends)} ends, "
                f"{len(set(engine_variants) | set(peer_variants))} variants compared")
    report.finish()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) == 2 else 2)
    main(sys.argv[1], sys.argv[2])
