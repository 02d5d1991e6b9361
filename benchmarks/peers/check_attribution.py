"""Attribution against ChannelAttribution 2.2.5 and against direct computations.

Usage: check_attribution.py EVENTS_CSV GOAL MODEL=ENGINE_JSON...

EVENTS_CSV is `wayfinder analyze events --format csv` (customer, timestamp, touchpoint, stage,
channel, in analysis order); GOAL the map's goal touchpoint id; each MODEL=ENGINE_JSON the output
of `wayfinder analyze attribution --model MODEL --format json` (models first_touch, last_touch,
linear, time_decay, position, shapley, markov, markov2 for order 2).

The paths are built here from the events, by the definition of docs/analytics.md: a customer's
channels in order, before their first goal event if they converted, all of them otherwise;
empty paths left out. Then:

  first, last, linear touch  equal to ChannelAttribution's heuristic_models (1e-6)
  Markov of order 1          within 0.02 of every channel's share of ChannelAttribution's
                             markov_model (which simulates), and equal to an exact solve of the
                             absorbing chain here (numpy, 1e-9), as is order 2
  time decay, position       equal to the definitions computed here (1e-9)
  Shapley                    equal to the definition summed over every coalition (1e-9)
"""

import csv
import math
import sys
from collections import defaultdict
from datetime import datetime
from itertools import combinations

import numpy
import pandas

from peers_common import Report, load_json


def paths_of(events_csv: str, goal: str):
    """Per customer (in file order): (channels, times in ms, converted, conversion time)."""
    events = defaultdict(list)
    with open(events_csv, newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            time = datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00")).timestamp() * 1000
            events[row["customer"]].append((row["touchpoint"], row["channel"], time))
    journeys = []
    for trace in events.values():
        goal_at = next((i for i, event in enumerate(trace) if event[0] == goal), None)
        kept = trace if goal_at is None else trace[:goal_at]
        if not kept:
            continue
        journeys.append(([e[1] for e in kept], [e[2] for e in kept], goal_at is not None, trace[goal_at][2] if goal_at is not None else 0))
    return journeys


def heuristics(journeys, model: str, half_life_days: float = 7.0):
    credit = defaultdict(float)
    for channels, times, converted, at in journeys:
        if not converted:
            continue
        n = len(channels)
        if model == "time_decay":
            weights = [2 ** (-(at - t) / (half_life_days * 86_400_000)) for t in times]
            shares = [w / sum(weights) for w in weights]
        elif model == "position":
            shares = [1.0] if n == 1 else [0.5, 0.5] if n == 2 else [0.4] + [0.2 / (n - 2)] * (n - 2) + [0.4]
        else:
            raise ValueError(model)
        for channel, share in zip(channels, shares):
            credit[channel] += share
    return credit


def shapley(journeys):
    sets = defaultdict(float)
    for channels, _, converted, _ in journeys:
        if converted:
            sets[frozenset(channels)] += 1
    players = sorted(set().union(*sets.keys())) if sets else []
    n = len(players)

    def worth(coalition):
        return sum(count for members, count in sets.items() if members <= coalition)

    values = {}
    for player in players:
        others = [p for p in players if p != player]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for coalition in combinations(others, size):
                members = frozenset(coalition)
                total += weight * (worth(members | {player}) - worth(members))
        values[player] = total
    return values


def collapsed(channels):
    out = []
    for channel in channels:
        if not out or out[-1] != channel:
            out.append(channel)
    return out


def markov_exact(journeys, order: int):
    """(P, removal effect per channel), solving (I - Q) p = r for the transient states."""
    counts = defaultdict(lambda: defaultdict(float))
    for channels, _, converted, _ in journeys:
        items = collapsed(channels)
        state = ("(start)",)
        for i in range(len(items)):
            nxt = tuple(items[max(0, i - order + 1): i + 1])
            counts[state][nxt] += 1
            state = nxt
        counts[state]["(conversion)" if converted else "(null)"] += 1
    states = sorted({s for s in counts} | {t for row in counts.values() for t in row if isinstance(t, tuple)}, key=str)
    number = {s: i for i, s in enumerate(states)}
    channels = sorted({c for s in states for c in s if c != "(start)"})

    def probability(removed):
        n = len(states)
        matrix = numpy.eye(n)
        right = numpy.zeros(n)
        for state in states:
            i = number[state]
            if removed is not None and removed in state:
                continue
            row = counts.get(state, {})
            total = sum(row.values())
            for target, count in row.items():
                if target == "(conversion)":
                    right[i] += count / total
                elif isinstance(target, tuple) and not (removed is not None and removed in target):
                    matrix[i][number[target]] -= count / total
        return numpy.linalg.solve(matrix, right)[number[("(start)",)]]

    whole = probability(None)
    return whole, {c: (1 - probability(c) / whole if whole > 0 else 0.0) for c in channels}


def main() -> None:
    if len(sys.argv) < 4:
        print(__doc__)
        sys.exit(2)
    from ChannelAttribution import heuristic_models, markov_model

    events_csv, goal = sys.argv[1], sys.argv[2]
    engine = {}
    for argument in sys.argv[3:]:
        model, path = argument.split("=", 1)
        engine[model] = {row["id"]: row for row in load_json(path)["attribution"]["rows"]}
    journeys = paths_of(events_csv, goal)
    conversions = sum(1 for j in journeys if j[2])
    report = Report("attribution")
    report.note(f"{len(journeys)} journeys with a path, {conversions} converted")

    def close(what, ours, theirs, tolerance):
        report.compared += 1
        if abs(ours - theirs) > tolerance * max(1.0, abs(theirs)):
            report.mismatches.append(f"{what}: engine {ours:.9g}, peer {theirs:.9g}")

    def credit(model, channel):
        row = engine[model].get(channel)
        return row["credit"] if row else 0.0

    # ChannelAttribution's heuristics on the raw paths.
    frame = pandas.DataFrame({
        "path": [" > ".join(c) for c, _, converted, _ in journeys],
        "conv": [1 if converted else 0 for _, _, converted, _ in journeys],
        "null": [0 if converted else 1 for _, _, converted, _ in journeys],
    })
    grouped = frame.groupby("path", as_index=False).sum()
    heuristic = heuristic_models(grouped, "path", "conv", flg_pro=False)
    for _, row in heuristic.iterrows():
        for model, column in [("first_touch", "first_touch"), ("last_touch", "last_touch"), ("linear", "linear_touch")]:
            if model in engine:
                close(f"{model} {row['channel_name']}", credit(model, row["channel_name"]), float(row[column]), 1e-6)

    # Markov: the exact solve here, and ChannelAttribution's simulation on the collapsed paths.
    for model, order in [("markov", 1), ("markov2", 2)]:
        if model not in engine:
            continue
        probability, effects = markov_exact(journeys, order)
        total = sum(effects.values())
        for channel, effect in effects.items():
            close(f"{model} removal effect {channel}", engine[model][channel]["removal_effect"], effect, 1e-9)
            close(f"{model} credit {channel}", credit(model, channel), conversions * effect / total, 1e-9)
    if "markov" in engine:
        folded = frame.assign(path=[" > ".join(collapsed(c)) for c, _, _, _ in journeys]).groupby("path", as_index=False).sum()
        simulated = markov_model(folded, "path", "conv", var_null="null", order=1, out_more=True, verbose=False, flg_pro=False)
        result = simulated["result"]
        for _, row in result.iterrows():
            ours = credit("markov", row["channel_name"]) / conversions
            theirs = float(row["total_conversions"]) / conversions
            report.compared += 1
            if abs(ours - theirs) > 0.02:
                report.mismatches.append(f"markov share {row['channel_name']}: engine {ours:.4f}, ChannelAttribution {theirs:.4f}")
        report.note("Markov shares against ChannelAttribution: "
                    + ", ".join(f"{r['channel_name']} {credit('markov', r['channel_name']) / conversions:.4f}/{float(r['total_conversions']) / conversions:.4f}"
                                for _, r in result.iterrows()))

    for model in ["time_decay", "position"]:
        if model in engine:
            for channel, value in heuristics(journeys, model).items():
                close(f"{model} {channel}", credit(model, channel), value, 1e-9)
    if "shapley" in engine:
        for channel, value in shapley(journeys).items():
            close(f"shapley {channel}", credit("shapley", channel), value, 1e-9)
    report.finish()


if __name__ == "__main__":
    main()
