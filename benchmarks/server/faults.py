"""Faults against a live `wayfinder serve` and `wayfinder import`: oversized bodies, a backup
under load, and kills at random moments.

Usage: python3 faults.py WAYFINDER [--kill-runs N] [--seed S]
  --kill-runs N   kills of import and of collection at random moments, N of each (default 5, what
                  CI runs; docs/reliability.md records the long form, --kill-runs 50)
  --seed S        the seed of the random moments (default: the time; printed)

- 100 MB bodies, once with Content-Length and once chunked, are refused with 413 and the
  server's resident memory grows by less than 32 MB;
- while four clients send batches with unique messageIds, `wayfinder backup` copies the store:
  the backup holds every message acknowledged before it began, passes SQLite's integrity check,
  and `wayfinder restore` puts it back as a store with the same events;
- while four clients send batches with unique messageIds, the server is killed with SIGKILL;
  every message the server had acknowledged with 200 is in the store afterwards, the store opens
  again, and a restarted server answers /health.

- N times, `wayfinder import` of a generated file is killed with SIGKILL at a random moment of
  its run: the store passes the integrity check, and rerunning the import completes it with
  exactly the events of an uninterrupted import (none twice);
- on a small tmpfs filled to the brim (needs root to mount it; skipped, saying so, otherwise):
  an import stops saying the disk is full, the store passes the integrity check, and once
  space is freed the same import completes exactly; collection answers 503 saying the disk is
  full, /health reports it, nothing acknowledged is lost, and collection resumes by itself
  once space is freed;
- N times, a server under load from four clients is killed with SIGKILL at a random moment:
  the store passes the integrity check and holds every acknowledged message exactly once, and
  after a restart, sending every batch again (acknowledged or not) leaves each message stored
  exactly once.

Exit status: 0 all held, 1 a fault, 2 usage.
"""

import base64
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def resident_kb(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Server:
    def __init__(self, binary: str, db: str):
        self.binary, self.db, self.port = binary, db, free_port()
        self.log = open(db + ".server.log", "ab")
        self.process = subprocess.Popen([binary, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
                                        stdout=self.log, stderr=self.log)
        for _ in range(200):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the server did not start; see " + self.log.name)


def oversized(server: Server, key: str, failures: list) -> None:
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    before = resident_kb(server.process.pid)
    chunk = b"[" + b"0," * (1 << 19)  # about 1 MB of JSON-looking bytes
    for mode in ("content-length", "chunked"):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        head = f"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\n"
        head += "Content-Length: 104857600\r\n\r\n" if mode == "content-length" else "Transfer-Encoding: chunked\r\n\r\n"
        sock.sendall(head.encode())
        sent = 0
        try:
            while sent < 100 * (1 << 20):
                piece = chunk if mode == "content-length" else b"%x\r\n" % len(chunk) + chunk + b"\r\n"
                sock.sendall(piece)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the body ended
        sock.settimeout(10)
        try:
            reply = sock.recv(4096).decode(errors="replace")
        except (ConnectionResetError, socket.timeout):
            reply = ""
        sock.close()
        status = reply.split(" ", 2)[1] if reply.startswith("HTTP/1.1 ") else "none"
        if status != "413":
            failures.append(f"a 100 MB body ({mode}) got status {status}, not 413")
        print(f"  100 MB body ({mode}): {status} after {sent // (1 << 20)} MB sent")
    grown = (resident_kb(server.process.pid) - before) / 1024
    print(f"  resident memory grew by {grown:.1f} MB")
    if grown >= 32:
        failures.append(f"resident memory grew by {grown:.1f} MB for refused bodies")


class Load:
    """Four clients sending batches of 50 events with unique messageIds until stopped or the server is gone."""

    def __init__(self, server: Server, key: str, label: str):
        self.auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
        self.server, self.label = server, label
        self.acknowledged: list[str] = []
        self.sent: list[list[dict]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.clients = [threading.Thread(target=self.client, args=(number,)) for number in range(4)]
        for thread in self.clients:
            thread.start()

    def client(self, number: int) -> None:
        request = 0
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        while not self.stop.is_set():
            request += 1
            ids = [f"{self.label}-{number}-{request}-{event}" for event in range(50)]
            batch = [{"type": "track", "event": "Product Viewed", "anonymousId": f"anon-{number}-{request % 97}", "messageId": message,
                      "timestamp": "2026-05-01T12:00:00Z", "properties": {"url": "/products/p1"}} for message in ids]
            with self.lock:
                self.sent.append(batch)
            try:
                connection.request("POST", "/v1/batch", json.dumps({"batch": batch}), {"Authorization": self.auth, "Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                return  # the server is gone
            if response.status == 200:
                with self.lock:
                    self.acknowledged.extend(ids)

    def snapshot(self) -> set[str]:
        with self.lock:
            return set(self.acknowledged)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.clients:
            thread.join()


def backup_during_collection(binary: str, server: Server, key: str, work: str, failures: list) -> None:
    load = Load(server, key, "backup")
    time.sleep(1.5)
    before = load.snapshot()
    backup = os.path.join(work, "backup.db")
    started = time.monotonic()
    made = subprocess.run([binary, "backup", "--db", server.db, "--out", backup], capture_output=True, text=True)
    seconds = time.monotonic() - started
    after = load.snapshot()
    load.finish()
    if made.returncode != 0:
        failures.append(f"the backup under load failed: {made.stderr.strip()}")
        return
    connection = sqlite3.connect(backup)
    saved = {row[0] for row in connection.execute("SELECT message_id FROM events")}
    check = connection.execute("PRAGMA integrity_check").fetchall()
    connection.close()
    missing = [message for message in before if message not in saved]
    print(f"  backup in {seconds:.2f} s while {len(after) - len(before)} more events were acknowledged; it holds {len(saved)} events,"
          f" {len(before)} acknowledged before it began, {len(missing)} of them missing; integrity check {check[0][0]}")
    if not before:
        failures.append("no event was acknowledged before the backup began")
    if missing:
        failures.append(f"{len(missing)} events acknowledged before the backup began are not in it, e.g. {missing[:3]}")
    if check != [("ok",)]:
        failures.append(f"the backup fails the integrity check: {check[:3]}")
    restored = os.path.join(work, "restored.db")
    put = subprocess.run([binary, "restore", backup, "--db", restored], capture_output=True, text=True)
    if put.returncode != 0:
        failures.append(f"the restore failed: {put.stderr.strip()}")
        return
    again = {row[0] for row in sqlite3.connect(restored).execute("SELECT message_id FROM events")}
    print(f"  restored: {len(again)} events, {'the same' if again == saved else 'NOT the same'} as the backup's")
    if again != saved:
        failures.append(f"the restored store holds {len(again)} events, the backup {len(saved)}")


def kill_during_collection(server: Server, key: str, failures: list) -> None:
    load = Load(server, key, "kill")
    time.sleep(2.5)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    load.finish()
    acknowledged = load.acknowledged
    stored = {row[0] for row in sqlite3.connect(server.db).execute("SELECT message_id FROM events")}
    missing = [message for message in acknowledged if message not in stored]
    print(f"  killed with SIGKILL after {len(acknowledged)} acknowledged events; {len(stored)} in the store; {len(missing)} acknowledged ones missing")
    if not acknowledged:
        failures.append("no event was acknowledged before the kill")
    if missing:
        failures.append(f"{len(missing)} acknowledged events lost, e.g. {missing[:3]}")


def check_store(db: str) -> tuple[str, int, int]:
    """The integrity check's first line, the events and the distinct message ids of a store."""
    connection = sqlite3.connect(db)
    try:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        events, distinct = connection.execute("SELECT COUNT(*), COUNT(DISTINCT message_id) FROM events").fetchone()
        return check, events, distinct
    finally:
        connection.close()


def kill_imports(binary: str, work: str, runs: int, chance: random.Random, failures: list) -> list[float]:
    data = os.path.join(work, "import-data")
    subprocess.run([binary, "generate", "--scenario", "retail", "--customers", "3000", "--seed", "5", "--out", data],
                   capture_output=True, check=True)
    file = os.path.join(data, "events.csv")
    whole = os.path.join(work, "import-whole.db")
    started = time.monotonic()
    subprocess.run([binary, "import", file, "--db", whole], capture_output=True, check=True)
    duration = time.monotonic() - started
    _, expected, _ = check_store(whole)
    print(f"  an uninterrupted import: {expected} events in {duration:.2f} s")
    moments, partial = [], 0
    for run in range(runs):
        db = os.path.join(work, f"import-{run}.db")
        moment = chance.uniform(0.05, duration)
        process = subprocess.Popen([binary, "import", file, "--db", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(moment)
        process.send_signal(signal.SIGKILL)
        process.wait()
        moments.append(moment)
        if not os.path.exists(db):
            continue  # killed before the store was made: the rerun makes it
        check, events, _ = check_store(db)
        partial += 0 < events < expected
        rerun = subprocess.run([binary, "import", file, "--db", db], capture_output=True, text=True)
        after, final, distinct = check_store(db)
        if check != "ok" or after != "ok":
            failures.append(f"import run {run}: integrity check '{check}' after the kill at {moment:.2f} s, '{after}' after the rerun")
        if rerun.returncode != 0:
            failures.append(f"import run {run}: the rerun failed: {rerun.stderr.strip()[:300]}")
        if final != expected or distinct != final:
            failures.append(f"import run {run}: killed at {moment:.2f} s with {events} events stored; the rerun left {final} ({distinct} distinct), not {expected}")
        shutil.rmtree(db + ".index.default", ignore_errors=True)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
    print(f"  {runs} imports killed between {min(moments, default=0):.2f} and {max(moments, default=0):.2f} s, {partial} of them with part of the file stored;"
          f" every rerun left exactly the {expected} events")
    return moments


def kill_collections(binary: str, work: str, runs: int, chance: random.Random, failures: list) -> None:
    acknowledged_total = 0
    for run in range(runs):
        db = os.path.join(work, f"collect-{run}.db")
        created = subprocess.run([binary, "keys", "create", "--db", db, "--kind", "write", "--name", "kill", "--format", "json"],
                                 capture_output=True, text=True, check=True)
        key = json.loads(created.stdout)["secret"]
        server = Server(binary, db)
        load = Load(server, key, f"run{run}")
        time.sleep(chance.uniform(0.1, 1.5))
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        load.finish()
        acknowledged = set(load.acknowledged)
        acknowledged_total += len(acknowledged)
        check, events, distinct = check_store(db)
        stored = {row[0] for row in sqlite3.connect(db).execute("SELECT message_id FROM events")}
        missing = acknowledged - stored
        if check != "ok" or missing or distinct != events:
            failures.append(f"collection run {run}: integrity '{check}', {len(missing)} acknowledged missing, {events - distinct} stored twice")
        # Resend everything that was sent, acknowledged or not, to a restarted server.
        again = Server(binary, db)
        auth = {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode(), "Content-Type": "application/json"}
        connection = http.client.HTTPConnection("127.0.0.1", again.port, timeout=30)
        for batch in load.sent:
            connection.request("POST", "/v1/batch", json.dumps({"batch": batch}), auth)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"collection run {run}: a resent batch got {response.status}")
                break
        again.process.send_signal(signal.SIGTERM)
        again.process.wait(timeout=60)
        sent = {event["messageId"] for batch in load.sent for event in batch}
        check, events, distinct = check_store(db)
        if check != "ok" or events != len(sent) or distinct != events:
            failures.append(f"collection run {run}: after the resend {events} events ({distinct} distinct) of {len(sent)} sent; integrity '{check}'")
    print(f"  {runs} servers killed under load after {acknowledged_total} acknowledged events in all: none lost, none twice after resending")


def fill(folder: str, leave: int) -> str:
    """Fills the file system of `folder` but `leave` bytes; returns the filler's path."""
    filler = os.path.join(folder, "filler")
    stat = os.statvfs(folder)
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))
    return filler


def disk_full(binary: str, work: str, failures: list) -> None:
    if os.geteuid() != 0:
        print("  SKIPPED: mounting a small tmpfs needs root")
        return
    folder = os.path.join(work, "small-disk")
    os.makedirs(folder)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", folder], capture_output=True, text=True)
    if mounted.returncode != 0:
        print(f"  SKIPPED: cannot mount a tmpfs here ({mounted.stderr.strip()})")
        return
    try:
        # Import: stopped by the full disk, completed once space returns.
        file = os.path.join(work, "import-data", "events.csv")
        _, expected, _ = check_store(os.path.join(work, "import-whole.db"))
        db = os.path.join(folder, "import.db")
        filler = fill(folder, 3 << 20)
        stopped = subprocess.run([binary, "import", file, "--db", db], capture_output=True, text=True)
        check, events, _ = check_store(db)
        print(f"  import on a full disk: exit {stopped.returncode}, {events} of {expected} events stored, integrity {check}: {stopped.stderr.strip().splitlines()[-1][:160]}")
        if stopped.returncode == 0 or "disk holding the store is full" not in stopped.stderr:
            failures.append(f"an import on a full disk did not say so: exit {stopped.returncode}, {stopped.stderr.strip()[-300:]}")
        os.remove(filler)
        rerun = subprocess.run([binary, "import", file, "--db", db], capture_output=True, text=True)
        after, final, distinct = check_store(db)
        print(f"  space freed, the same import again: exit {rerun.returncode}, {final} events ({distinct} distinct), integrity {after}")
        if check != "ok" or after != "ok" or rerun.returncode != 0 or final != expected or distinct != final:
            failures.append(f"after a full disk the import did not complete exactly: {final} of {expected} events, integrity {check}/{after}")
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)

        # Collection: 503 saying so while full, resumed by itself once space returns.
        db = os.path.join(folder, "collect.db")
        created = subprocess.run([binary, "keys", "create", "--db", db, "--kind", "write", "--name", "full", "--format", "json"],
                                 capture_output=True, text=True, check=True)
        key = json.loads(created.stdout)["secret"]
        server = Server(binary, db)
        filler = fill(folder, 1_500_000)
        headers = {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode(), "Content-Type": "application/json"}
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        acknowledged, statuses, said = [], {}, ""

        def send(request: int, padding: int) -> int:
            nonlocal said
            batch = [{"type": "track", "event": "Product Viewed", "anonymousId": f"full-{request}", "messageId": f"full-{request}-{event}",
                      "timestamp": "2026-05-01T12:00:00Z", "properties": {"url": "/products/" + "p" * padding}} for event in range(50)]
            connection.request("POST", "/v1/batch", json.dumps({"batch": batch}), headers)
            response = connection.getresponse()
            body = response.read().decode(errors="replace")
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status == 200:
                acknowledged.extend(event["messageId"] for event in batch)
            elif not said:
                said = body
            return response.status

        request = 0
        while request < 400 and statuses.get(503, 0) < 20:
            request += 1
            send(request, 400)
        connection.request("GET", "/health")
        health = json.loads(connection.getresponse().read())
        print(f"  collection on a full disk: {statuses}; the 503 says: {json.loads(said)['error']['message'] if said else '-'}; /health disk_full {health['collection'].get('disk_full')}")
        if statuses.get(503, 0) == 0 or "disk is full" not in said:
            failures.append(f"collection on a full disk did not answer 503 saying so: {statuses} {said[:200]}")
        if health["collection"].get("disk_full") is not True:
            failures.append(f"/health does not report the full disk: {health}")
        if server.process.poll() is not None:
            failures.append("the server died on a full disk")
        os.remove(filler)
        resumed = [send(request + extra, 10) for extra in range(1, 11)]
        connection.request("GET", "/health")
        health = json.loads(connection.getresponse().read())
        print(f"  space freed: the next 10 batches got {resumed}; /health disk_full {health['collection'].get('disk_full')}")
        if any(status != 200 for status in resumed) or health["collection"].get("disk_full") is not False:
            failures.append(f"collection did not resume once space was freed: {resumed}, {health}")
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=60)
        check, events, distinct = check_store(db)
        stored = {row[0] for row in sqlite3.connect(db).execute("SELECT message_id FROM events")}
        missing = set(acknowledged) - stored
        print(f"  {len(acknowledged)} events acknowledged, {len(missing)} missing, {events - distinct} stored twice; integrity {check}")
        if missing or check != "ok" or distinct != events:
            failures.append(f"after a full disk: {len(missing)} acknowledged events missing, integrity {check}")
    finally:
        subprocess.run(["umount", "-l", folder], capture_output=True)


def main(binary: str, kill_runs: int, seed: int) -> int:
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as work:
        db = os.path.join(work, "store.db")
        created = subprocess.run([binary, "keys", "create", "--db", db, "--kind", "write", "--name", "faults", "--format", "json"],
                                 capture_output=True, text=True, check=True)
        key = json.loads(created.stdout)["secret"]
        server = Server(binary, db)
        print("-- 100 MB bodies")
        oversized(server, key, failures)
        print("-- backup and restore during collection")
        backup_during_collection(binary, server, key, work, failures)
        print("-- SIGKILL during collection")
        kill_during_collection(server, key, failures)
        print("-- restart on the same store")
        again = Server(binary, db)
        again.process.send_signal(signal.SIGTERM)
        if again.process.wait(timeout=30) != 0:
            failures.append("the restarted server did not stop cleanly")
        else:
            print("  the restarted server answered /health and stopped cleanly")
        chance = random.Random(seed)
        print(f"-- SIGKILL at random moments, {kill_runs} imports (seed {seed})")
        kill_imports(binary, work, kill_runs, chance, failures)
        print("-- a full disk during import and collection")
        disk_full(binary, work, failures)
        print(f"-- SIGKILL at random moments, {kill_runs} servers under load")
        kill_collections(binary, work, kill_runs, chance, failures)
    for failure in failures:
        print("FAULT " + failure, file=sys.stderr)
    print(f"faults: {'all held' if not failures else str(len(failures)) + ' failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0], usage=__doc__.split("\n\n")[1].removeprefix("Usage: "))
    parser.add_argument("wayfinder")
    parser.add_argument("--kill-runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    options = parser.parse_args()
    if options.kill_runs < 0:
        parser.error("--kill-runs takes a whole number from 0")
    sys.exit(main(options.wayfinder, options.kill_runs, options.seed))
