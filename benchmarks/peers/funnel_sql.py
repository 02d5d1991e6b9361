"""The stage funnel of DESIGN.md "Analysis semantics", written in SQL for DuckDB.

An independent formulation, used to check the engine: it shares no code with it.

Input: a table `ev(customer VARCHAR, ts BIGINT, s INTEGER, rn BIGINT)` with one row per
classified event, `ts` in seconds, `s` the event's step number (1 for the first funnel step,
0 for events in no step) and `rn` the row's position in the event log, which is the tiebreak
for equal times (the log lists a customer's events by time, then arrival).

A customer reaches step k when there are events e1 … ek in order (time, then row), ei in step
i, and t(ek) − t(e1) ≤ window. The count at step k is the customers who reached k or beyond.

- ordered: for each event of step 1, the chain that takes at every step the first event of
  the next step after the previous one (the earliest way to complete each step from that
  start, so no other chain from the same start finishes sooner); a customer's level is the
  best over their starts.
- strict: the steps on consecutive events (no other classified event between them).
- any_order: a window [t, t + window] starting at one of the customer's events holds an
  event of each of steps 1 … k.
"""


def _ordered(steps: int, window: int) -> str:
    nexts = ",\n        ".join(
        f"min(CASE WHEN s = {k} THEN rn END) OVER following AS n{k}" for k in range(2, steps + 1)
    )
    joins = "\n".join(
        f"    LEFT JOIN nx AS e{k} ON e{k}.rn = e{k - 1}.n{k}" for k in range(2, steps + 1)
    )
    # Level of a start: 1, plus one per further step whose chain event exists and is in the window.
    # Times only grow along a chain, so once a step is out of the window so are all later ones.
    level = "1"
    for k in range(2, steps + 1):
        level += f" + CASE WHEN e{k}.rn IS NOT NULL AND e{k}.ts - e1.ts <= {window} THEN 1 ELSE 0 END"
    return f"""
WITH nx AS (
    SELECT customer, ts, s, rn,
        {nexts if steps > 1 else "NULL AS n_none"}
    FROM ev
    WINDOW following AS (PARTITION BY customer ORDER BY ts, rn ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
),
starts AS (
    SELECT e1.customer, {level} AS level
    FROM nx AS e1
{joins}
    WHERE e1.s = 1
)
SELECT customer, max(level) AS level FROM starts GROUP BY customer
"""


def _strict(steps: int, window: int) -> str:
    leads = ",\n        ".join(
        f"lead(s, {j}) OVER byrow AS s{j}, lead(ts, {j}) OVER byrow AS t{j}" for j in range(1, steps)
    )
    level, condition = "1", "TRUE"
    for j in range(1, steps):
        condition += f" AND s{j} = {j + 1} AND t{j} - ts <= {window}"
        level += f" + CASE WHEN {condition} THEN 1 ELSE 0 END"
    return f"""
WITH ahead AS (
    SELECT customer, ts, s,
        {leads if steps > 1 else "NULL AS s_none"}
    FROM ev
    WINDOW byrow AS (PARTITION BY customer ORDER BY ts, rn)
)
SELECT customer, max({level}) AS level FROM ahead WHERE s = 1 GROUP BY customer
"""


def _any_order(steps: int, window: int) -> str:
    has = ",\n        ".join(
        f"max(CASE WHEN s = {k} THEN 1 ELSE 0 END) OVER ahead AS h{k}" for k in range(1, steps + 1)
    )
    level = " + ".join("*".join(f"h{i}" for i in range(1, k + 1)) for k in range(1, steps + 1))
    return f"""
WITH covered AS (
    SELECT customer,
        {has}
    FROM ev
    WINDOW ahead AS (PARTITION BY customer ORDER BY ts RANGE BETWEEN CURRENT ROW AND {window} FOLLOWING)
)
SELECT customer, max({level}) AS level FROM covered GROUP BY customer
"""


def time_to_convert_sql(steps: int, window: int) -> str:
    """SQL giving (customer, seconds) for each customer who completed an ordered funnel: the time
    from the start to the last step of the chain that completes at the earliest event (of the
    starts whose earliest chain completes there within the window, the latest)."""
    nexts = ",\n        ".join(
        f"min(CASE WHEN s = {k} THEN rn END) OVER following AS n{k}" for k in range(2, steps + 1)
    )
    joins = "\n".join(
        f"    JOIN nx AS e{k} ON e{k}.rn = e{k - 1}.n{k}" for k in range(2, steps + 1)
    )
    return f"""
WITH nx AS (
    SELECT customer, ts, s, rn,
        {nexts}
    FROM ev
    WINDOW following AS (PARTITION BY customer ORDER BY ts, rn ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
),
complete AS (
    SELECT e1.customer, e1.ts AS started, e{steps}.ts AS ended, e{steps}.rn AS last
    FROM nx AS e1
{joins}
    WHERE e1.s = 1 AND e{steps}.ts - e1.ts <= {window}
),
chosen AS (
    SELECT customer, ended - started AS seconds,
           row_number() OVER (PARTITION BY customer ORDER BY last, started DESC) AS pick
    FROM complete
)
SELECT customer, seconds FROM chosen WHERE pick = 1
"""


def levels_sql(mode: str, steps: int, window_seconds: int) -> str:
    """SQL giving (customer, level) for customers with at least one funnel event."""
    builders = {"ordered": _ordered, "strict": _strict, "any_order": _any_order}
    if mode not in builders:
        raise ValueError(f"unknown funnel mode {mode!r}")
    return builders[mode](steps, window_seconds)


def counts_sql(mode: str, steps: int, window_seconds: int) -> str:
    """SQL giving one row (c1, …, c{steps}): customers who reached each step or beyond."""
    columns = ", ".join(f"count(*) FILTER (WHERE level >= {k}) AS c{k}" for k in range(1, steps + 1))
    return f"SELECT {columns} FROM ({levels_sql(mode, steps, window_seconds)}) AS levels"


def load_event_log(con, csv_path: str, step_ids: list[str], column: str = "stage") -> int:
    """Loads the engine's event log CSV into `ev`; returns the row count.

    The row number is the line's position in the file, given by pandas while reading (SQL's
    `row_number() OVER ()` does not promise file order)."""
    import numpy as np
    import pandas as pd

    frame = pd.read_csv(csv_path, usecols=["customer", "timestamp", column], dtype=str)
    frame["rn"] = np.arange(len(frame), dtype=np.int64)
    con.register("log_frame", frame)
    # A step may be any of several touchpoints, joined by '|'.
    cases = " ".join(f"WHEN '{one}' THEN {k}" for k, step in enumerate(step_ids, start=1) for one in step.split("|"))
    con.execute(f"""
        CREATE OR REPLACE TABLE ev AS
        SELECT customer,
               CAST(epoch(strptime(timestamp, '%Y-%m-%dT%H:%M:%SZ')) AS BIGINT) AS ts,
               CASE {column} {cases} ELSE 0 END AS s,
               rn
        FROM log_frame
    """)
    con.unregister("log_frame")
    return con.execute("SELECT count(*) FROM ev").fetchone()[0]
