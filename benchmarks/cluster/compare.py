"""Times Wayfinder's funnel on the cluster against windowFunnel on the same cluster (see run.sh)."""
import argparse
import json
import os
import re
import subprocess
import time
import urllib.request


def statement(binary, url, workspace, workspace_id, mode):
    """The funnel statement `wayfinder analyze` sends, and the command's own time."""
    env = dict(os.environ, WAYFINDER_CLICKHOUSE_LOG="1")
    started = time.time()
    run = subprocess.run([binary, "analyze", "funnel", "--no-step-times", "--mode", mode, "--workspace", workspace,
                          "--events", url, "--workspace-id", workspace_id, "--format", "json"],
                         capture_output=True, text=True, env=env, check=True)
    seconds = time.time() - started
    for line in run.stderr.splitlines():
        found = re.match(r"clickhouse \S+: (SELECT x\.1, x\.2, count\(\).*)", line)
        if found:
            return found.group(1), json.loads(run.stdout), seconds
    raise SystemExit("no funnel statement in the log: " + run.stderr[-2000:])


def balanced(text, start):
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return text[start:index + 1]
    raise SystemExit("unbalanced statement")


def query(host, sql, settings="distributed_group_by_no_merge=1&max_query_size=67108864"):
    started = time.time()
    request = urllib.request.Request(f"http://{host}/?{settings}", data=sql.encode())
    with urllib.request.urlopen(request, timeout=3600) as answer:
        body = answer.read().decode()
    return time.time() - started, body


def levels(body):
    """Customers by furthest level: windowFunnel's (level, count) rows, or Wayfinder's
    (kind, value, count) rows, whose kind 0 gives the level."""
    counts = {}
    for line in body.strip().splitlines():
        fields = line.split("\t")
        if len(fields) == 3 and fields[0] != "0":
            continue
        level, count = fields[-2], fields[-1]
        counts[int(level)] = counts.get(int(level), 0) + int(count)
    return dict(sorted(counts.items()))


def main():
    parser = argparse.ArgumentParser()
    for name in ["bin", "url", "host", "workspace", "workspace-id", "out", "migrate-seconds"]:
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--events", type=int, required=True)
    options = parser.parse_args()
    rows = []
    version = query(options.host, "SELECT version()", settings="")[1].strip()
    for mode in ["ordered", "strict", "any_order"]:
        sql, output, command_seconds = statement(options.bin, options.url, options.workspace, options.workspace_id, mode)
        steps = len(output["funnel"]["steps"])
        window = int(output["funnel"]["window_days"] * 86400)
        # The code of an event: a transform of its key's hash, inside an if() when some keys'
        # events are told apart by their values' signatures.
        code = balanced(sql, min(i for i in (sql.find("if(has(CAST("), sql.find("transform(")) if i >= 0))
        database = re.search(r"FROM (\w+)\.events WHERE", sql).group(1)
        workspace = re.search(r"WHERE (workspace = '[^']*')", sql).group(1)
        conditions = ", ".join(f"bitTest(code, {k})" for k in range(steps))
        peer = (f"SELECT level, count() FROM (SELECT windowFunnel({window})(toUInt32(intDiv(timestamp, 1000)), {conditions}) AS level "
                f"FROM {database}.events WHERE {workspace} AND ({code} AS code) >= 0 GROUP BY root) GROUP BY level FORMAT TabSeparated")
        ours_best, theirs_best, command_best = float("inf"), float("inf"), command_seconds
        ours_levels = theirs_levels = None
        for _ in range(options.repeat):
            seconds, body = query(options.host, sql)
            ours_best, ours_levels = min(ours_best, seconds), levels(body)
            seconds, body = query(options.host, peer)
            theirs_best, theirs_levels = min(theirs_best, seconds), levels(body)
        for _ in range(options.repeat - 1):
            command_best = min(command_best, statement(options.bin, options.url, options.workspace, options.workspace_id, mode)[2])
        row = {"mode": mode, "steps": steps, "wayfinder_seconds": round(ours_best, 3), "windowfunnel_seconds": round(theirs_best, 3),
               "ratio": round(ours_best / theirs_best, 2), "command_seconds": round(command_best, 3),
               "wayfinder_levels": ours_levels, "windowfunnel_levels": theirs_levels,
               "customers": output["funnel"]["customers"], "reached": [step["customers"] for step in output["funnel"]["steps"]]}
        rows.append(row)
        print(f"{mode:10} wayfinder {row['wayfinder_seconds']:8.3f} s   windowFunnel {row['windowfunnel_seconds']:8.3f} s   "
              f"ratio {row['ratio']:5.2f}   command {row['command_seconds']:7.3f} s", flush=True)
    result = {"date": time.strftime("%Y-%m-%d"), "events": options.events, "clickhouse": version, "shards": options.url.count(",") + 1,
              "migrate_seconds": None if options.migrate_seconds == "null" else float(options.migrate_seconds), "modes": rows}
    with open(options.out, "w") as out:
        json.dump(result, out, indent=2)
        out.write("\n")


if __name__ == "__main__":
    main()
