"""The customers at a funnel step (`wayfinder analyze customers --step ID [--dropped]`) against
each customer's furthest step computed in DuckDB SQL (funnel_sql.py).

Usage: check_step_customers_duckdb.py EVENTS_CSV FUNNEL_JSON MODE:DAYS:STEP:reached|dropped=CUSTOMERS_CSV ...

EVENTS_CSV is `wayfinder analyze events --format csv`; FUNNEL_JSON is a `wayfinder analyze funnel
--format json` of the same steps (it names them); each CUSTOMERS_CSV is `wayfinder analyze
customers --step STEP [--dropped] --mode MODE --window-days DAYS --format csv`. A customer reached
step k when their level in SQL is k or more; dropped before it when their level is k − 1 (for the
first step: customers with counted events who reached none, so level 0 or no funnel event at
all). The ids listed must be exactly those.
"""

import csv
import sys

import duckdb

import funnel_sql
from peers_common import Report, load_json


def main() -> None:
    if len(sys.argv) < 4:
        print(__doc__)
        sys.exit(2)
    events_csv, funnel_json = sys.argv[1], sys.argv[2]
    answer = load_json(funnel_json)["funnel"]
    steps = [step["id"] for step in answer["steps"]]
    column = "touchpoint" if answer.get("step_kind") == "touchpoint" else "stage"
    report = Report("duckdb step customers")
    con = duckdb.connect()
    funnel_sql.load_event_log(con, events_csv, steps, column)
    everyone = {row[0] for row in con.execute("SELECT DISTINCT customer FROM ev").fetchall()}
    for argument in sys.argv[3:]:
        spec, path = argument.split("=", 1)
        mode, days, step, which = spec.split(":")
        k = steps.index(step) + 1
        levels = dict(con.execute(funnel_sql.levels_sql(mode, len(steps), int(days) * 86400)).fetchall())
        if which == "reached":
            expected = {customer for customer, level in levels.items() if level >= k}
        else:
            expected = {customer for customer in everyone if levels.get(customer, 0) == k - 1}
        with open(path, newline="", encoding="utf-8") as file:
            listed = [row["customer"] for row in csv.DictReader(file)]
        report.equal(f"{mode} {days} days, {which} {step}: no customer listed twice", len(listed), len(set(listed)), "a set")
        report.equal(f"{mode} {days} days, {which} {step}: customers", sorted(listed), sorted(expected), "duckdb")
        report.note(f"{mode:9} {days:>2} days, {which:7} {step}: engine {len(listed)}, duckdb {len(expected)}")
    report.finish()


if __name__ == "__main__":
    main()
