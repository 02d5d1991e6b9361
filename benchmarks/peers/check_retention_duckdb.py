"""Retention cohorts against the same computation in DuckDB SQL.

Usage: check_retention_duckdb.py EVENTS_CSV PERIOD:TARGET_KIND:TARGET:PERIODS=ENGINE_JSON...

EVENTS_CSV is `wayfinder analyze events --format csv`; each argument names a run of
`wayfinder analyze retention --format json`: PERIOD week or month, TARGET_KIND stage or
touchpoint, TARGET its id, PERIODS the later periods counted. The SQL: a customer's cohort is the
period (calendar month, or week from Monday, UTC) of their first classified event; for each
cohort and each k from 0 to PERIODS, the customers of the cohort with a classified event at the
target in the cohort's period + k, for the periods that began by the last event. Every cohort
size and count must be equal.
"""

import sys

import duckdb

from peers_common import Report, load_json


def main() -> None:
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    events_csv = sys.argv[1]
    report = Report("retention")
    db = duckdb.connect()
    db.execute(f"""
        CREATE TABLE e AS SELECT customer, CAST(timestamp AS TIMESTAMP) AS t, touchpoint, stage
        FROM read_csv('{events_csv}', header = true, all_varchar = true)
    """)
    for argument in sys.argv[2:]:
        spec, path = argument.split("=", 1)
        period, kind, target, periods = spec.split(":")
        periods = int(periods)
        column = "stage" if kind == "stage" else "touchpoint"
        cohorts = db.execute(f"""
            WITH first AS (SELECT customer, date_trunc('{period}', min(t)) AS c FROM e GROUP BY customer),
            hits AS (
                SELECT DISTINCT e.customer, f.c, datediff('{period}', f.c, date_trunc('{period}', e.t)) AS k
                FROM e JOIN first f USING (customer) WHERE e.{column} = ?
            )
            SELECT strftime(f.c, '%Y-%m-%d') AS cohort, count(DISTINCT f.customer) AS size,
                   list(h.k ORDER BY h.k) FILTER (WHERE h.k IS NOT NULL AND h.k <= {periods}) AS ks
            FROM first f LEFT JOIN hits h USING (customer)
            GROUP BY f.c ORDER BY f.c
        """, [target]).fetchall()
        expected = {}
        for cohort, size, ks in cohorts:
            counts = [0] * (periods + 1)
            for k in ks or []:
                counts[k] += 1
            expected[cohort] = (size, counts)
        engine = load_json(path)["retention"]
        got = {row["start"]: (row["customers"], row["returned"]) for row in engine["cohorts"]}
        # Periods that began by the last event: the engine lists those only.
        last = db.execute(f"SELECT date_trunc('{period}', max(t)) FROM e").fetchone()[0]
        for cohort in expected:
            observed = db.execute(f"SELECT datediff('{period}', CAST(? AS TIMESTAMP), ?)", [cohort, last]).fetchone()[0]
            expected[cohort] = (expected[cohort][0], expected[cohort][1][: min(periods, observed) + 1])
        report.equal(f"{spec} cohorts", sorted(got), sorted(expected), "DuckDB")
        for cohort, (size, counts) in expected.items():
            engine_size, engine_counts = got.get(cohort, (None, None))
            report.equal(f"{spec} {cohort} customers", engine_size, size, "DuckDB")
            report.equal(f"{spec} {cohort} returned", engine_counts, counts, "DuckDB")
        report.note(f"{spec}: {len(expected)} cohorts")
    report.finish()


if __name__ == "__main__":
    main()
