"""The peers' side of the analytics benchmark: DuckDB's funnel and pm4py's paths and conformance.

Usage:
  python3 peers.py duckdb EVENTS_CSV STAGE,STAGE,...      stage funnel in SQL, best of 3
  python3 peers.py pm4py EVENTS_CSV STAGE,STAGE,...       DFG + variants (best of 3) and
                                                          token-based replay (once)

EVENTS_CSV is `wayfinder analyze events --format csv`. Each prints one JSON object.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))

WINDOW_SECONDS = 30 * 86400


def best_of(repeats, body):
    fastest, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = body()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest, result


def duckdb_funnel(csv_path: str, stages: list[str]) -> dict:
    import duckdb

    import funnel_sql

    con = duckdb.connect()
    started = time.perf_counter()
    rows = funnel_sql.load_event_log(con, csv_path, stages)
    load_seconds = time.perf_counter() - started
    sql = funnel_sql.counts_sql("ordered", len(stages), WINDOW_SECONDS)
    seconds, counts = best_of(3, lambda: con.execute(sql).fetchone())
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return {"events": rows, "load_seconds": load_seconds, "funnel_seconds": seconds, "funnel_steps": list(counts),
            "threads": threads, "version": duckdb.__version__}


def stage_net(stages: list[str]):
    """The map's stage order as a Petri net, built by hand.

    Per stage i: a place `ready_i`, a visible transition labelled with the stage from `ready_i`
    to `done_i`, and silent transitions from `done_i` back to `ready_i` (the same stage again),
    on to `ready_{i+1}` (the next stage) and to the final place (the journey may end at any
    stage). The initial marking is one token in `ready_1`. A trace fits when its stages never
    move backwards and skip none, the conformance of DESIGN.md."""
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils import petri_utils

    net = PetriNet("stage order")
    ready = [PetriNet.Place(f"ready_{stage}") for stage in stages]
    done = [PetriNet.Place(f"done_{stage}") for stage in stages]
    end = PetriNet.Place("end")
    for place in ready + done + [end]:
        net.places.add(place)

    def transition(name, label, source, target):
        item = PetriNet.Transition(name, label)
        net.transitions.add(item)
        petri_utils.add_arc_from_to(source, item, net)
        petri_utils.add_arc_from_to(item, target, net)

    for i, stage in enumerate(stages):
        transition(f"t_{stage}", stage, ready[i], done[i])
        transition(f"again_{stage}", None, done[i], ready[i])
        transition(f"stop_{stage}", None, done[i], end)
        if i + 1 < len(stages):
            transition(f"next_{stage}", None, done[i], ready[i + 1])
    initial, final = Marking(), Marking()
    initial[ready[0]] = 1
    final[end] = 1
    return net, initial, final


def pm4py_paths_and_replay(csv_path: str, stages: list[str]) -> dict:
    import pandas as pd

    sys._pm4py_welcome_shown = True  # no licence banner on import
    os.environ["PM4PY_SHOW_PROGRESS_BAR"] = "False"
    import pm4py
    frame = pd.read_csv(csv_path, dtype=str)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="%Y-%m-%dT%H:%M:%SZ")
    started = time.perf_counter()
    log = pm4py.format_dataframe(frame.copy(), case_id="customer", activity_key="touchpoint", timestamp_key="timestamp")
    format_seconds = time.perf_counter() - started

    def paths():
        dfg, starts, ends = pm4py.discover_dfg(log)
        variants = pm4py.get_variants(log)
        return len(dfg), len(variants)

    paths_seconds, (edges, variants) = best_of(3, paths)

    # Conformance replays the stage of each event against the stage-order net.
    stage_log = pm4py.format_dataframe(frame.copy(), case_id="customer", activity_key="stage", timestamp_key="timestamp")
    net, initial, final = stage_net(stages)
    started = time.perf_counter()
    diagnostics = pm4py.conformance_diagnostics_token_based_replay(stage_log, net, initial, final)
    replay_seconds = time.perf_counter() - started
    fitting = sum(1 for trace in diagnostics if trace["trace_is_fit"])
    return {"events": len(log), "customers": int(log["case:concept:name"].nunique()), "format_seconds": format_seconds,
            "paths_seconds": paths_seconds, "edges": edges, "variants": variants,
            "replay_seconds": replay_seconds, "traces": len(diagnostics), "fitting_traces": fitting,
            "version": pm4py.__version__}


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("duckdb", "pm4py"):
        print(__doc__)
        sys.exit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
    kind, csv_path, stage_list = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    result = duckdb_funnel(csv_path, stage_list) if kind == "duckdb" else pm4py_paths_and_replay(csv_path, stage_list)
    print(json.dumps(result))
