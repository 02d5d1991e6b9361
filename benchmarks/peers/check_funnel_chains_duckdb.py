"""Funnels with a window per step, exclusions or repeats counted, against every chain enumerated
in DuckDB SQL.

Usage: check_funnel_chains_duckdb.py EVENTS_CSV FUNNEL_JSON...

EVENTS_CSV is `wayfinder analyze events --format csv`; each FUNNEL_JSON is `wayfinder analyze
funnel --format json` (ordered or strict), whose `query` says its steps, window, mode,
`step_windows_days`, `exclusions` and `count_repeats`. A recursive query lists every chain of
a customer's events e1 < e2 < … (log order: time, then arrival) with ei at step i, within the
window from e1 and each within its step's own window of the one before (strict: consecutive
events). A customer's level is their longest chain. The chain an exclusion reads is, among the
longest, the one ending at the earliest event, then with the latest start, then the earliest
times after it; a customer with an event at an excluded touchpoint strictly between that chain's
`from` and `to` steps (or the end of the window from its start, when `to` was not reached) does
not count. With repeats, a pass after a completed one starts after the event that completed it
(the earliest last event of a complete chain), and each step counts the passes reaching it.
Every step's customers, the customers counted, those excluded and the passes must be equal.
"""

import sys

import duckdb
import numpy as np
import pandas as pd

from peers_common import Report, load_json


def main() -> None:
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    report = Report("duckdb chains")
    frame = pd.read_csv(sys.argv[1], usecols=["customer", "timestamp", "touchpoint", "stage"], dtype=str)
    frame["rn"] = np.arange(len(frame), dtype=np.int64)
    db = duckdb.connect()
    db.register("log_frame", frame)
    db.execute("""CREATE TABLE log AS SELECT customer, touchpoint, stage, rn,
                  CAST(epoch(strptime(timestamp, '%Y-%m-%dT%H:%M:%SZ')) AS BIGINT) AS ts FROM log_frame""")
    db.unregister("log_frame")
    for path in sys.argv[2:]:
        output = load_json(path)
        query, funnel = output["query"], output["funnel"]
        options = query.get("options", {})
        mode = options.get("mode", "ordered")
        window = int(round(options.get("window_days", 30) * 86400))
        steps = [step["id"] for step in funnel["steps"]]
        column = "touchpoint" if funnel.get("step_kind") == "touchpoint" else "stage"
        cases = " ".join(f"WHEN '{one}' THEN {k}" for k, step in enumerate(steps, start=1) for one in step.split("|"))
        db.execute(f"CREATE OR REPLACE TABLE ev AS SELECT customer, touchpoint, rn, ts, CASE {column} {cases} ELSE 0 END AS s FROM log")
        windows = options.get("step_windows_days", {})
        limits = {steps.index(step) + 1: int(round(days * 86400)) for step, days in windows.items()}
        limit_case = " ".join(f"WHEN {k} THEN {v}" for k, v in limits.items())
        step_limit = f"(CASE c.level + 1 {limit_case} ELSE NULL END)" if limits else "NULL"
        adjacency = "e.rn = c.last_rn + 1" if mode == "strict" else "e.rn > c.last_rn"

        def chains(start: str) -> str:
            return f"""
                WITH RECURSIVE chains(customer, level, last_rn, t1, tl, times) AS (
                    SELECT e.customer, 1, e.rn, e.ts, e.ts, [e.ts] FROM ev e {start} WHERE e.s = 1
                    UNION ALL
                    SELECT c.customer, c.level + 1, e.rn, c.t1, e.ts, list_append(c.times, e.ts)
                    FROM chains c JOIN ev e ON e.customer = c.customer AND {adjacency} AND e.s = c.level + 1
                    WHERE e.ts - c.t1 <= {window} AND ({step_limit} IS NULL OR e.ts - c.tl <= {step_limit})
                )
                SELECT * FROM chains"""

        label = f"{path.rsplit('/', 1)[-1]} ({mode}, {len(steps)} steps)"
        # The chosen chain of each customer with a chain: the longest, ending first, starting last, earliest times.
        db.execute(f"""CREATE OR REPLACE TABLE chosen AS
            SELECT * FROM ({chains('')})
            QUALIFY row_number() OVER (PARTITION BY customer ORDER BY level DESC, last_rn, t1 DESC, times) = 1""")
        everyone = db.execute("SELECT count(DISTINCT customer) FROM log").fetchall()[0][0]
        excluded = set()
        for exclusion in options.get("exclusions", []):
            touchpoints = ", ".join(f"'{t}'" for t in exclusion["touchpoint"].split("|"))
            first = steps.index(exclusion["from"]) if exclusion.get("from") else 0
            last = steps.index(exclusion["to"]) if exclusion.get("to") else len(steps) - 1
            rows = db.execute(f"""
                SELECT DISTINCT c.customer FROM chosen c JOIN ev e ON e.customer = c.customer
                WHERE c.level > {first} AND e.touchpoint IN ({touchpoints})
                  AND e.ts > c.times[{first + 1}]
                  AND e.ts < CASE WHEN c.level > {last} THEN c.times[{last + 1}] ELSE c.t1 + {window} END""").fetchall()
            excluded |= {row[0] for row in rows}
        levels = {customer: level for customer, level in db.execute("SELECT customer, level FROM chosen").fetchall() if customer not in excluded}
        counts = [sum(1 for level in levels.values() if level >= k) for k in range(1, len(steps) + 1)]
        for step, peer in zip(funnel["steps"], counts):
            report.equal(f"{label}: step {step['id']}", step["customers"], peer, "duckdb")
        report.equal(f"{label}: customers counted", funnel["customers"], everyone - len(excluded), "duckdb")
        if options.get("exclusions"):
            report.equal(f"{label}: excluded", funnel.get("excluded"), len(excluded), "duckdb")
        if options.get("count_repeats"):
            passes = [0] * len(steps)
            db.execute("CREATE OR REPLACE TABLE pass_start AS SELECT DISTINCT customer, -1 AS after FROM ev")
            rounds = 0
            while db.execute("SELECT count(*) FROM pass_start").fetchall()[0][0] > 0:
                rounds += 1
                db.execute(f"""CREATE OR REPLACE TABLE pass AS
                    SELECT customer, max(level) AS level, min(last_rn) FILTER (WHERE level = {len(steps)}) AS completed
                    FROM ({chains('JOIN pass_start p ON p.customer = e.customer AND e.rn > p.after')}) GROUP BY customer""")
                for k in range(1, len(steps) + 1):
                    passes[k - 1] += db.execute(f"SELECT count(*) FROM pass WHERE level >= {k}").fetchall()[0][0]
                db.execute("CREATE OR REPLACE TABLE pass_start AS SELECT customer, completed AS after FROM pass WHERE completed IS NOT NULL")
            for step, peer in zip(funnel["steps"], passes):
                report.equal(f"{label}: passes at {step['id']}", step.get("passes"), peer, "duckdb")
            report.equal(f"{label}: completions", funnel.get("completions"), passes[-1], "duckdb")
            report.note(f"{label}: passes {passes} in {rounds} rounds")
        report.note(f"{label}: engine {[s['customers'] for s in funnel['steps']]}, duckdb {counts}, excluded {len(excluded)}")
    report.finish()


if __name__ == "__main__":
    main()
