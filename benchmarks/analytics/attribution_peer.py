"""The timed part of benchmarks/analytics/attribution.sh: the engine's attribution command and
ChannelAttribution on the same paths, alternately, best of RUNS each; prints JSON.

Usage: attribution_peer.py WAYFINDER WORK_FOLDER RUNS [WAYFINDER_BENCH]
"""

import csv
import json
import subprocess
import sys
import time
from collections import defaultdict

import pandas

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent / "peers"))
from check_attribution import collapsed  # noqa: E402  (the definition the peer check uses)


def paths(events_csv: str, goal: str):
    """Per customer: the channels before the first goal event (all when none), and whether it converted."""
    traces = defaultdict(list)
    with open(events_csv, newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            traces[row["customer"]].append((row["touchpoint"], row["channel"]))
    out = []
    for trace in traces.values():
        goal_at = next((i for i, (touchpoint, _) in enumerate(trace) if touchpoint == goal), None)
        kept = [channel for _, channel in (trace if goal_at is None else trace[:goal_at])]
        if kept:
            out.append((kept, goal_at is not None))
    return out


def main() -> None:
    binary, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    bench = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None
    from ChannelAttribution import heuristic_models, markov_model

    journeys = paths(f"{work}/events.csv", "order-completed")
    # One row a journey, as a customer table gives them; and grouped by path, as the package's examples give them.
    per_journey = pandas.DataFrame({"path": [" > ".join(c) for c, _ in journeys], "conv": [int(k) for _, k in journeys],
                                    "null": [int(not k) for _, k in journeys]})
    folded_per_journey = per_journey.assign(path=[" > ".join(collapsed(c)) for c, _ in journeys])
    raw = per_journey.groupby("path", as_index=False).sum()
    folded = folded_per_journey.groupby("path", as_index=False).sum()
    conversions = sum(1 for _, k in journeys if k)

    def engine(model: str):
        started = time.perf_counter()
        output = subprocess.run([binary, "analyze", "attribution", "--workspace", f"{work}/ws", "--db", f"{work}/store.db",
                                 "--model", model, "--format", "json"], check=True, capture_output=True, text=True).stdout
        return time.perf_counter() - started, json.loads(output)["attribution"]

    def peer(body):
        started = time.perf_counter()
        result = body()
        return time.perf_counter() - started, result

    timings = defaultdict(list)
    answers = {}
    for _ in range(runs):
        seconds, answers["engine_markov"] = engine("markov")
        timings["engine_markov"].append(seconds)
        seconds, answers["peer_markov"] = peer(lambda: markov_model(folded_per_journey, "path", "conv", var_null="null", order=1, verbose=False, flg_pro=False))
        timings["peer_markov"].append(seconds)
        seconds, _ = peer(lambda: markov_model(folded, "path", "conv", var_null="null", order=1, verbose=False, flg_pro=False))
        timings["peer_markov_grouped"].append(seconds)
        seconds, answers["engine_linear"] = engine("linear")
        timings["engine_linear"].append(seconds)
        seconds, answers["peer_heuristics"] = peer(lambda: heuristic_models(per_journey, "path", "conv", flg_pro=False))
        timings["peer_heuristics"].append(seconds)
        seconds, _ = peer(lambda: heuristic_models(raw, "path", "conv", flg_pro=False))
        timings["peer_heuristics_grouped"].append(seconds)

    in_process = {}
    if bench:
        # The attribution itself, in-process on the index (the index build is not part of it).
        measured = json.loads(subprocess.run([bench, "--workspace", f"{work}/ws", "--db", f"{work}/store.db", "--repeat", str(runs)],
                                             check=True, capture_output=True, text=True).stdout)
        in_process = {"engine_markov_in_process": measured["attribution_markov_seconds"],
                      "engine_linear_in_process": measured["attribution_linear_seconds"],
                      "engine_in_process_journeys": measured["attribution_journeys"]}
    ours = {row["id"]: row["credit"] / conversions for row in answers["engine_markov"]["rows"]}
    theirs = {row["channel_name"]: float(row["total_conversions"]) / conversions for _, row in answers["peer_markov"].iterrows()}
    linear = {row["id"]: row["credit"] for row in answers["engine_linear"]["rows"]}
    peer_linear = {row["channel_name"]: float(row["linear_touch"]) for _, row in answers["peer_heuristics"].iterrows()}
    best = {name: min(values) for name, values in timings.items()}
    print(json.dumps({
        "journeys": len(journeys), "conversions": conversions, "distinct_paths": len(raw), "distinct_collapsed_paths": len(folded),
        "engine_journeys": answers["engine_markov"]["journeys"],
        "seconds": best, "runs": timings,
        "markov_speedup": best["peer_markov"] / best["engine_markov"],
        "heuristics_speedup": best["peer_heuristics"] / best["engine_linear"],
        "markov_speedup_against_grouped_paths": best["peer_markov_grouped"] / best["engine_markov"],
        **in_process,
        **({"markov_speedup_in_process": best["peer_markov"] / in_process["engine_markov_in_process"],
            "heuristics_speedup_in_process": best["peer_heuristics"] / in_process["engine_linear_in_process"]} if in_process else {}),
        "markov_shares_engine": ours, "markov_shares_peer": theirs,
        "markov_largest_share_difference": max(abs(ours.get(c, 0) - theirs.get(c, 0)) for c in set(ours) | set(theirs)),
        "linear_largest_difference": max(abs(linear.get(c, 0) - peer_linear.get(c, 0)) for c in set(linear) | set(peer_linear)),
    }, indent=2))


if __name__ == "__main__":
    main()
