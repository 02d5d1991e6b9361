"""Segments against the groups the generator planted and against kmodes' k-prototypes.

Usage: check_segments.py DATA_DIR STORE_DB BOTH_JSON TRAITS_JSON

DATA_DIR holds a scenario generated with `wayfinder generate --groups K` (truth.json,
truth-groups.csv, truth-identifiers.csv); STORE_DB is the SQLite store it was imported into.
BOTH_JSON and TRAITS_JSON are `wayfinder analyze segments --k K --assignments --format json`
over the planted traits (market.region, market.tier, market.yearly_spend), grouping by traits
and journeys, and by traits alone.

- Planted groups: each engine customer is matched to its planted customer through the stored
  identifiers; the adjusted Rand index of the engine's groups against the planted ones must be
  at least 0.9 over the customers whose traits are known, in both runs (computed here and by
  scikit-learn; the two must agree).
- kmodes: the customers' traits are read from the store, the number standardised (mean 0,
  deviation 1 with n - 1), and kmodes' KPrototypes (gamma 0.5, Cao and Huang starts, 10 each)
  groups them; the cost of the engine's traits-only grouping on the same matrix (prototypes
  recomputed here: means and modes) must be the same as kmodes' best or lower (within 1e-9
  relative), and the engine's reported cost must equal the cost computed here.
"""

import csv
import json
import math
import sqlite3
import sys
from collections import Counter, defaultdict

import numpy as np
from kmodes.kprototypes import KPrototypes
from sklearn.metrics import adjusted_rand_score

from peers_common import Report, load_json

TRAITS = ["region", "tier", "yearly_spend"]


def adjusted_rand(a: list, b: list) -> float:
    """The adjusted Rand index (Hubert and Arabie) from the contingency table."""
    n = len(a)
    pairs = lambda x: x * (x - 1) / 2
    table = Counter(zip(a, b))
    rows, columns = Counter(a), Counter(b)
    index = sum(pairs(v) for v in table.values())
    row_sum = sum(pairs(v) for v in rows.values())
    column_sum = sum(pairs(v) for v in columns.values())
    expected = row_sum * column_sum / pairs(n)
    maximum = (row_sum + column_sum) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def main() -> None:
    if len(sys.argv) != 5:
        print(__doc__)
        sys.exit(2)
    data, store, both_path, traits_path = sys.argv[1:]
    report = Report("segments")
    planted = {}
    with open(f"{data}/truth-groups.csv", newline="") as file:
        for row in csv.DictReader(file):
            planted[row["customer"]] = row["group"]
    identifiers = defaultdict(list)
    with open(f"{data}/truth-identifiers.csv", newline="") as file:
        for row in csv.DictReader(file):
            identifiers[row["identifier"]] = row["customer"]
    db = sqlite3.connect(store)
    label_of = {}
    for kind, value, customer in db.execute("SELECT kind, value, customer_id FROM identities"):
        label = identifiers.get(f"{kind}:{value}")
        if label is not None:
            label_of[f"cus_{customer}"] = label
    traits = {}
    for customer, text in db.execute("SELECT id, traits FROM customers WHERE merged_into IS NULL"):
        market = json.loads(text).get("market")
        if market and all(key in market for key in TRAITS):
            traits[f"cus_{customer}"] = (market["region"], market["tier"], float(market["yearly_spend"]))

    for name, path in (("traits and journeys", both_path), ("traits", traits_path)):
        output = load_json(path)["segments"]
        found = {row["customer"]: row["group"] for row in output["assignments"]}
        known = sorted(customer for customer in found if customer in traits and customer in label_of)
        engine = [found[customer] for customer in known]
        truth = [planted[label_of[customer]] for customer in known]
        ours, theirs = adjusted_rand(engine, truth), adjusted_rand_score(truth, engine)
        report.equal(f"{name}: adjusted Rand index here and in scikit-learn", round(ours, 9), round(theirs, 9), "scikit-learn")
        report.equal(f"{name}: adjusted Rand index at least 0.9 over {len(known)} customers with traits ({ours:.4f})", ours >= 0.9, True, "the plan")
        everyone = sorted(customer for customer in found if customer in label_of)
        report.note(f"{name}: adjusted Rand index {ours:.4f} over {len(known)} customers with traits, "
                    f"{adjusted_rand([found[c] for c in everyone], [planted[label_of[c]] for c in everyone]):.4f} over all {len(everyone)}")

    # kmodes on the traits alone.
    output = load_json(traits_path)["segments"]
    found = {row["customer"]: row["group"] for row in output["assignments"]}
    customers = sorted(customer for customer in found if customer in traits)
    spend = np.array([traits[c][2] for c in customers])
    mean, deviation = spend.mean(), spend.std(ddof=1)
    matrix = np.array([[traits[c][0], traits[c][1], (traits[c][2] - mean) / deviation] for c in customers], dtype=object)
    k = output["k"]
    gamma = output["gamma"]

    def cost(labels) -> float:
        total = 0.0
        for group in set(labels):
            members = [i for i, label in enumerate(labels) if label == group]
            centre = float(np.mean([matrix[i][2] for i in members]))
            total += sum((matrix[i][2] - centre) ** 2 for i in members)
            for column in (0, 1):
                counts = Counter(matrix[i][column] for i in members)
                total += gamma * (len(members) - max(counts.values()))
        return total

    engine_cost = cost([found[c] for c in customers])
    report.equal("traits: the engine's reported cost against the cost of its groups computed here",
                 round(output["cost"], 6), round(engine_cost, 6), "this check")
    best = math.inf
    for init in ("Cao", "Huang"):
        model = KPrototypes(n_clusters=k, gamma=gamma, init=init, n_init=10, random_state=1, n_jobs=1)
        model.fit(matrix, categorical=[0, 1])
        best = min(best, cost(list(model.labels_)))
        report.note(f"kmodes KPrototypes ({init} starts): cost {model.cost_:.4f} (recomputed {cost(list(model.labels_)):.4f})")
    report.note(f"engine: cost {engine_cost:.4f} over {len(customers)} customers, k = {k}")
    report.equal("traits: the engine's cost at most kmodes' best", engine_cost <= best * (1 + 1e-9), True, f"kmodes ({best:.4f})")
    report.finish()


if __name__ == "__main__":
    main()
