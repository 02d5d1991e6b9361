"""Checks the engine's stage funnels against the same funnels written in SQL for DuckDB.

Usage: python3 check_funnel_duckdb.py EVENTS_CSV MODE:DAYS[:counts]=FUNNEL_JSON ...

EVENTS_CSV is `wayfinder analyze events --format csv`; each FUNNEL_JSON is `wayfinder analyze
funnel --format json --mode MODE --window-days DAYS` (MODE ordered, strict or any_order), with
`--no-step-times` when the spec ends in `:counts` (the engine then only counts, another code
path). Funnels of touchpoint steps are read by touchpoint, a step joining several with '|'.
The SQL is in funnel_sql.py; every step's count must be equal. For an ordered funnel with step
times, the time to convert (its customers, median and 90th percentile as quantile_disc, and
every bucket of its histogram) must be equal too.
"""

import sys
import time

import duckdb

import funnel_sql
from peers_common import Report, funnel_counts, load_json


def main(csv_path: str, runs: list[str]) -> None:
    report = Report("duckdb funnel")
    con = duckdb.connect()
    loaded_steps: list[str] | None = None
    for run in runs:
        spec, _, path = run.partition("=")
        mode, days, *flags = spec.split(":") + [""]
        flags = [flag for flag in flags if flag]
        if mode not in ("ordered", "strict", "any_order") or not days.isdigit() or not path:
            sys.exit(f"check_funnel_duckdb: expected MODE:DAYS[:counts]=FUNNEL_JSON with MODE ordered, strict or any_order, got {run!r}")
        label = f"{mode} funnel{' counting only' if 'counts' in flags else ''}, {days}-day window"
        answer = load_json(path)
        engine = funnel_counts(answer)
        steps = [step for step, _ in engine]
        if steps != loaded_steps:
            column = "touchpoint" if answer["funnel"].get("step_kind") == "touchpoint" else "stage"
            rows = funnel_sql.load_event_log(con, csv_path, steps, column)
            report.note(f"{rows} events loaded, steps {', '.join(steps)}")
            loaded_steps = steps
        started = time.perf_counter()
        peer = con.execute(funnel_sql.counts_sql(mode, len(steps), int(days) * 86400)).fetchall()[0]
        seconds = time.perf_counter() - started
        for (step, count), peer_count in zip(engine, peer):
            report.equal(f"{label}, step {step}", count, peer_count, "duckdb")
        converted = answer["funnel"].get("time_to_convert")
        if mode == "ordered" and converted is not None and len(steps) > 1:
            seconds_sql = funnel_sql.time_to_convert_sql(len(steps), int(days) * 86400)
            customers, median, p90 = con.execute(
                f"SELECT count(*), quantile_disc(seconds, 0.5), quantile_disc(seconds, 0.9) FROM ({seconds_sql})").fetchall()[0]
            report.equal(f"{label}, time to convert: customers", converted["customers"], customers, "duckdb")
            report.equal(f"{label}, time to convert: median seconds", converted.get("median_seconds"), None if median is None else float(median), "duckdb")
            report.equal(f"{label}, time to convert: p90 seconds", converted.get("p90_seconds"), None if p90 is None else float(p90), "duckdb")
            lower = -1
            for bucket in converted["buckets"]:
                upper = bucket.get("up_to_seconds")
                condition = f"seconds > {lower}" + ("" if upper is None else f" AND seconds <= {upper}")
                count = con.execute(f"SELECT count(*) FROM ({seconds_sql}) WHERE {condition}").fetchall()[0][0]
                report.equal(f"{label}, time to convert up to {upper}", bucket["customers"], count, "duckdb")
                lower = upper if upper is not None else lower
        report.note(f"{mode:9} {days:>2} days{' (counting only)' if 'counts' in flags else ''}: engine {[count for _, count in engine]}, duckdb {list(peer)} ({seconds:.2f} s)")
    report.finish()


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) == 2 else 2)
    main(sys.argv[1], sys.argv[2:])
