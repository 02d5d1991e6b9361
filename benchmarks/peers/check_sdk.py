"""Real analytics SDKs against `wayfinder serve`: Segment's and RudderStack's Python libraries
send a known set of events, and the store must hold exactly those, with the right customers.

Usage: python3 check_sdk.py wait URL                 until GET URL/health answers 200 (30 s at most)
       python3 check_sdk.py send URL WRITE_KEY       send the events through both SDKs, flush, shut down
       python3 check_sdk.py metrics URL FILE         save GET URL/metrics
       python3 check_sdk.py verify DB WAYFINDER METRICS LOG
                                                     check the store (sqlite3 and `wayfinder customers`),
                                                     the metrics and the server's log

Each SDK sends, with message ids the check predicts: an anonymous page, an identify that ties
the anonymous id to a user id and an email, a track, the same track again (same messageId:
acknowledged, stored once), a screen, a group, a track from a second anonymous device and an
alias that ties it to the user, and two tracks of a second customer, one named with a <script>
tag. Segment's library posts plain JSON, RudderStack's posts gzip, both to /v1/batch with the
write key as the Basic user name, in batches from a background thread.
"""

import json
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

from peers_common import Report

BASE = datetime(2026, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
HOSTILE = "<script>alert('x')</script>'; DROP TABLE events; --"


def plan(prefix: str) -> list[dict]:
    """The messages one SDK sends: call, arguments, and what the store must hold."""
    user, anon, device, other = f"{prefix}-user", f"{prefix}-anon", f"{prefix}-device", f"{prefix}-other"

    def at(seconds: int) -> datetime:
        return BASE + timedelta(seconds=seconds)

    return [
        {"call": "page", "args": {"anonymous_id": anon, "name": "Home", "properties": {"path": "/"}},
         "id": f"{prefix}-m1", "type": "page", "name": "Home", "customer": "main", "t": 0},
        {"call": "identify", "args": {"user_id": user, "anonymous_id": anon, "traits": {"email": f"{prefix}@example.com", "plan": "pro"}},
         "id": f"{prefix}-m2", "type": "identify", "name": None, "customer": "main", "t": 10},
        {"call": "track", "args": {"user_id": user, "event": "Order Completed", "properties": {"total": 42.5}},
         "id": f"{prefix}-m3", "type": "track", "name": "Order Completed", "customer": "main", "t": 20},
        {"call": "track", "args": {"user_id": user, "event": "Order Completed", "properties": {"total": 42.5}},
         "id": f"{prefix}-m3", "type": "track", "name": "Order Completed", "customer": "main", "t": 20, "resent": True},
        {"call": "screen", "args": {"user_id": user, "name": "Basket"},
         "id": f"{prefix}-m4", "type": "screen", "name": "Basket", "customer": "main", "t": 30},
        {"call": "group", "args": {"user_id": user, "group_id": "acme", "traits": {"name": "Acme"}},
         "id": f"{prefix}-m5", "type": "group", "name": None, "customer": "main", "t": 40},
        {"call": "track", "args": {"anonymous_id": device, "event": "Product Viewed"},
         "id": f"{prefix}-m6", "type": "track", "name": "Product Viewed", "customer": "main", "t": 50},
        {"call": "alias", "args": {"previous_id": device, "user_id": user},
         "id": f"{prefix}-m7", "type": "alias", "name": None, "customer": "main", "t": 60},
        {"call": "track", "args": {"user_id": other, "event": "Signed Up"},
         "id": f"{prefix}-m8", "type": "track", "name": "Signed Up", "customer": "other", "t": 70},
        {"call": "track", "args": {"user_id": other, "event": HOSTILE},
         "id": f"{prefix}-m9", "type": "track", "name": HOSTILE, "customer": "other", "t": 80},
    ]


def identifiers(prefix: str) -> dict[str, list[str]]:
    """Each customer's identifiers as `wayfinder customers` lists them (sorted kind:value)."""
    return {
        "main": sorted([f"anonymous:{prefix}-anon", f"anonymous:{prefix}-device", f"email:{prefix}@example.com", f"user:{prefix}-user"]),
        "other": [f"user:{prefix}-other"],
    }


def sdks():
    """(prefix, client class, how it posts) of each SDK."""
    from rudderstack.analytics import Client as RudderClient
    from segment.analytics import Client as SegmentClient
    return [("segment", SegmentClient, "JSON"), ("rudder", RudderClient, "gzip")]


def send(url: str, key: str) -> None:
    failures = []
    for prefix, client_class, posting in sdks():
        def on_error(error, batch, prefix=prefix):
            failures.append(f"{prefix}: {error} ({len(batch)} messages)")
        client = client_class(key, host=url, on_error=on_error, max_retries=2, upload_interval=0.2)
        calls = plan(prefix)
        for message in calls:
            getattr(client, message["call"])(**message["args"], timestamp=BASE + timedelta(seconds=message["t"]), message_id=message["id"])
        client.flush()
        client.shutdown()
        print(f"  {prefix}: {len(calls)} calls sent ({posting}), flushed and shut down")
    if failures:
        for failure in failures:
            print(f"  SDK ERROR {failure}")
        sys.exit(1)


def wait(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            print(f"  the server at {url} did not answer /health within 30 s")
            sys.exit(1)
        time.sleep(0.2)


def fetch_metrics(url: str, path: str) -> None:
    with urllib.request.urlopen(url + "/metrics", timeout=10) as response, open(path, "wb") as file:
        file.write(response.read())


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def verify(db: str, wayfinder: str, metrics_path: str, log_path: str) -> None:
    report = Report("sdk")
    expected = {}
    customers = {}
    resent = 0
    for prefix, _, _ in sdks():
        for message in plan(prefix):
            if message.get("resent"):
                resent += 1
                continue
            expected[message["id"]] = message
        customers.update({f"{prefix}/{name}": ids for name, ids in identifiers(prefix).items()})

    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = connection.execute("""
        SELECT e.message_id, e.type, e.name, e.timestamp, coalesce(c.merged_into, c.id)
        FROM events e JOIN customers c ON c.id = e.customer_id ORDER BY e.id
        """).fetchall()
    stored = {row[0]: row for row in rows}
    report.equal("events stored", len(rows), len(expected), "sent")
    report.equal("distinct message ids stored", len(stored), len(rows), "events stored")
    report.equal("message ids", sorted(stored), sorted(expected), "sent")
    for message_id, message in expected.items():
        row = stored.get(message_id)
        if row is None:
            continue
        report.equal(f"{message_id} type", row[1], message["type"], "sent")
        report.equal(f"{message_id} name", row[2], message["name"], "sent")
        report.equal(f"{message_id} timestamp", row[3], int((BASE + timedelta(seconds=message["t"])).timestamp() * 1000), "sent")

    # Stitching: the events of one planned customer share one stored customer, and no other's.
    planned_of = {f"{message_id.split('-')[0]}/{message['customer']}": set() for message_id, message in expected.items()}
    for message_id, message in expected.items():
        if message_id in stored:
            planned_of[f"{message_id.split('-')[0]}/{message['customer']}"].add(stored[message_id][4])
    for planned, stored_customers in sorted(planned_of.items()):
        report.equal(f"stored customers of {planned}", len(stored_customers), 1, "plan")
    roots = [next(iter(ids)) for ids in planned_of.values() if len(ids) == 1]
    report.equal("distinct stored customers", len(set(roots)), len(planned_of), "plan")

    # The CLI's view: every customer with exactly its identifiers and event count.
    listing = json.loads(subprocess.run([wayfinder, "customers", "--db", db, "--format", "json", "--limit", "100"],
                                        check=True, capture_output=True, text=True).stdout)
    report.equal("customers (wayfinder customers)", listing["total"], len(customers), "plan")
    by_identifiers = {tuple(customer["identifiers"]): customer for customer in listing["customers"]}
    for planned, ids in sorted(customers.items()):
        customer = by_identifiers.get(tuple(ids))
        report.equal(f"{planned} identifiers (wayfinder customers)", customer is not None, True, f"plan {ids}")
        if customer is not None:
            events = sum(1 for message_id, message in expected.items() if f"{message_id.split('-')[0]}/{message['customer']}" == planned)
            report.equal(f"{planned} events (wayfinder customers)", customer["events"], events, "plan")
    for prefix, _, _ in sdks():
        main = by_identifiers.get(tuple(customers[f"{prefix}/main"]))
        if main is not None:
            report.equal(f"{prefix}/main traits", json.loads(main["traits"]), {"email": f"{prefix}@example.com", "plan": "pro"}, "plan")

    source = connection.execute("SELECT records, imported, duplicates, quarantined, finished_at FROM sources WHERE format = 'http'").fetchall()
    report.equal("collection streams", len(source), 1, "one server run")
    if len(source) == 1:
        records, imported, duplicates, quarantined, finished = source[0]
        report.equal("stream: imported", imported, len(expected), "sent")
        report.equal("stream: duplicates", duplicates, resent, "sent again")
        report.equal("stream: quarantined", quarantined, 0, "sent")
        report.equal("stream finished (graceful shutdown)", finished is not None, True, "SIGTERM")

    with open(metrics_path, encoding="utf-8") as file:
        metrics = file.read()
    report.equal("metric events_accepted", metric(metrics, "wayfinder_events_accepted_total"), len(expected), "sent")
    report.equal("metric events_deduplicated", metric(metrics, "wayfinder_events_deduplicated_total"), resent, "sent again")
    report.equal("metric events_rejected", metric(metrics, "wayfinder_events_rejected_total"), 0, "sent")

    with open(log_path, encoding="utf-8") as file:
        log = file.read()
    leaks = [needle for prefix, _, _ in sdks() for needle in (f"{prefix}-user", f"{prefix}@example.com", f"{prefix}-anon", "Order Completed")
             if needle in log]
    report.equal("customer data in the server's log", leaks, [], "none")
    report.note(f"{len(rows)} events of {len(listing['customers'])} customers in the store, {resent} resent messages stored once")
    report.finish()


def main() -> None:
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "wait" and len(args) == 1:
        wait(*args)
    elif command == "send" and len(args) == 2:
        send(*args)
    elif command == "metrics" and len(args) == 2:
        fetch_metrics(*args)
    elif command == "verify" and len(args) == 4:
        verify(*args)
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
