#!/usr/bin/env python3
"""The map editor in headless Chromium on a big map (120 touchpoints, 8 stages, 5 personas),
measured against the product's four targets:

1. open: from navigation start to `#editor[data-ready="true"]` and the first frame after it,
   under 1 s (p95 of the opens, each with the browser's cache cleared first);
2. drag: a card dragged from the first stage across several stages (the map fitted to the
   screen) with selenium pointer moves in small steps; frame times from requestAnimationFrame
   and the time of each `pointermove` handling with `performance.now()`; met when at most 5%
   of the frames take over 16.7 ms (read through Chromium's 0.1 ms page clock, so a reading of
   16.8 ms is one 16.67 ms vsync) and the p95 handler time is under 16 ms; the drop (the map
   drawn again after the release) is reported beside it;
3. edit: two Chromium sessions (two people) on the map; from the `input` event in A to the
   renamed card painted in B, 20 times a round, p95 under 1 s;
4. save: the editor's own PUT of the map (from `performance.getEntriesByType('resource')`),
   30 saves a round, p95 under 200 ms.

Usage: python3 benchmarks/editor/editor_bench.py PATH-TO-wayfinder [--runs N]

`--runs N` repeats the round N times (default 1) in the same two browsers; each round is
5 opens, 1 drag, 20 edits and 30 saves, and the statistics pool every round. It prints a
table, writes benchmarks/editor/last-run.json and exits 1 when a target is missed.
"""
import argparse, json, os, platform, random, re, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.dont_write_bytecode = True
# The browser helpers save screenshots into the checkout unless told otherwise.
os.environ.setdefault("WAYFINDER_BROWSER_OUTPUT", tempfile.mkdtemp(prefix="wayfinder-editor-bench-"))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Browser"))
from browser import Demo, Page, chromium  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

WORKSPACE = "retail"
MAP = "editor-bench"
STAGES, TOUCHPOINTS, PERSONAS = 8, 120, 5
OPENS, EDITS, SAVES = 5, 20, 30
SECOND = ("bench.second@example.com", "a long passphrase for the second editor")
WINDOW = (1920, 1080)
DRAG_STEP_PX, DRAG_STEP_MS = 4, 16

VSYNC_MS = 1000 / 60

# Runs in every document before its own scripts: when the editor becomes ready and the first
# frame after that, and every WebSocket message sent and received (for the edit's breakdown).
PROBE = r"""
(() => {
  const bench = window.__bench = { ws: [] };
  new MutationObserver((records, observer) => {
    const root = document.getElementById('editor');
    if (!root || root.dataset.ready !== 'true' || bench.ready) return;
    bench.ready = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => { bench.rafAfterReady = performance.now(); setTimeout(() => { bench.frame = performance.now(); }, 0); });
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        bench.ws.push({ dir: 'in', t: performance.timeOrigin + performance.now(), head: String(event.data).slice(0, 60) });
      });
    }
    send(data) {
      bench.ws.push({ dir: 'out', t: performance.timeOrigin + performance.now(), head: String(data).slice(0, 60) });
      return super.send(data);
    }
  };
})();
"""


def percentile(values, p):
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values):
    return {"n": len(values), "median": percentile(values, 50), "p95": percentile(values, 95),
            "max": max(values) if values else float("nan"), "min": min(values) if values else float("nan")}


def big_map(personas):
    """The benchmark's map: 8 stages of 15 touchpoints, each with every lane filled, and two free lanes."""
    names = ["Becomes aware", "Researches", "Compares offers", "Tries it", "Buys", "Gets started", "Uses it", "Renews"]
    stages = [{"id": f"stage-{i + 1}", "name": names[i]} for i in range(STAGES)]
    severities = ["low", "medium", "high", "critical"]
    touchpoints = []
    for k in range(TOUCHPOINTS):
        stage = stages[k * STAGES // TOUCHPOINTS]
        touchpoints.append({
            "id": f"tp-{k + 1:03d}", "name": f"{stage['name']}: step {k % (TOUCHPOINTS // STAGES) + 1}",
            "stage": stage["id"], "channel": ["web", "email", "app", "store"][k % 4] if k % 3 else "web",
            "emotion": (k % 5) - 2,
            "actions": [f"Opens page {k + 1}", f"Reads the details of offer {k % 7 + 1}"],
            "thoughts": [f"Is this worth it? ({k + 1})"],
            "pain_points": [{"text": f"Slow page number {k + 1}", "severity": severities[k % 4]}],
            "opportunities": [{"text": f"Make step {k + 1} faster", "owner": ["Web team", "Growth", "Support"][k % 3]}],
        })
    lanes = [
        {"id": "backstage", "name": "Backstage", "cards": {t["id"]: f"System call for {t['id']}" for t in touchpoints[::2]}},
        {"id": "channels-notes", "name": "Channel notes", "cards": {t["id"]: f"Note {t['id']}" for t in touchpoints[::3]}},
    ]
    return {"id": MAP, "title": "Benchmark map: 120 touchpoints", "state": "current", "emotion_scale": {"min": -2, "max": 2},
            "personas": personas, "stages": stages, "touchpoints": touchpoints, "lanes": lanes}


def call(page, method, path, body, expect):
    status, text = page.api(method, path, body)
    if status not in expect:
        raise SystemExit(f"{method} {path} answered {status}: {text[:600]}")
    return json.loads(text) if text else None


def chromium_version():
    try:
        out = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=30).stdout
        return out.strip().splitlines()[-1] if out.strip() else "unknown"
    except Exception:
        return "unknown"


def cdp_metrics(driver):
    return {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}


def metric_delta(before, after):
    keys = ["TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "LayoutCount", "RecalcStyleCount"]
    return {k: after.get(k, 0) - before.get(k, 0) for k in keys}


def open_editor(page):
    page.driver.get(page.base + f"/w/{WORKSPACE}/maps/{MAP}/edit")
    page.wait(lambda: page.driver.execute_script("return window.__bench && window.__bench.frame !== undefined"), "the editor's first frame", timeout=30)


def measure_open(page):
    """One open with the cache cleared: the time to ready and to the first frame after, and where it went."""
    driver = page.driver
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    time.sleep(0.3)
    before = cdp_metrics(driver)
    open_editor(page)
    after = cdp_metrics(driver)
    timing = driver.execute_script("""
        const b = window.__bench, nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource');
        const last = (test) => Math.max(0, ...res.filter((r) => test(r.name)).map((r) => r.responseEnd));
        const mapGet = res.filter((r) => /\\/api\\/v1\\/workspaces\\/[^/]+\\/maps\\/[^/?]+$/.test(r.name.split('?')[0]) && r.initiatorType === 'fetch');
        return { ready: b.ready, frame: b.frame, rafAfterReady: b.rafAfterReady,
                 html: nav.responseEnd, domInteractive: nav.domInteractive, domContentLoaded: nav.domContentLoadedEventEnd,
                 scripts: last((n) => n.endsWith('.js')), styles: last((n) => n.endsWith('.css')),
                 mapStart: mapGet.length ? mapGet[0].requestStart : null, mapFirstByte: mapGet.length ? mapGet[0].responseStart : null,
                 mapEnd: mapGet.length ? mapGet[0].responseEnd : null, mapBytes: mapGet.length ? mapGet[0].decodedBodySize : null,
                 resources: res.length, elements: document.getElementsByTagName('*').length };
    """)
    timing["metrics"] = metric_delta(before, after)
    timing["metrics_cumulative"] = {k: after.get(k) for k in ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "Nodes")}
    return timing


def measure_drag(page):
    """Drags the first card of the first stage to the farthest stage on screen with the map fitted."""
    driver = page.driver
    driver.find_element(By.CSS_SELECTOR, "[data-command='zoom-fit']").click()
    time.sleep(0.5)
    plan = driver.execute_script("""
        const viewport = document.getElementById('viewport').getBoundingClientRect();
        const card = document.querySelector('.card[data-stage="stage-1"][data-touchpoint]');
        const c = card.getBoundingClientRect();
        const headers = [...document.querySelectorAll('[data-stage-header]')].map((h) => {
          const r = h.getBoundingClientRect(); return { id: h.dataset.stageHeader, x: r.left + r.width / 2, left: r.left, right: r.right }; });
        const visible = headers.filter((h) => h.x < viewport.right - 20);
        const target = visible[visible.length - 1];
        return { card: card.dataset.touchpoint, x: c.left + c.width / 2, y: c.top + c.height / 2, w: c.width, h: c.height,
                 targetStage: target.id, targetX: target.x, stagesCrossed: visible.length - 1,
                 zoom: document.getElementById('zoom-level').value, viewportWidth: viewport.width };
    """)
    driver.execute_script("""
        const d = window.__drag = { frames: [], work: [], handlers: [], delays: [], down: null, up: null, dropFrame: null, running: true };
        // Each frame's time stamp, and the main thread's work for it after the callbacks (style, layout, paint): the task that follows.
        const loop = (t) => {
          const s = performance.now();
          d.frames.push(t);
          setTimeout(() => { const now = performance.now(); d.work.push([t, now - s, now]); }, 0);
          if (d.running) requestAnimationFrame(loop);
        };
        requestAnimationFrame(loop);
        window.addEventListener('pointermove', (e) => { d.t0 = performance.now(); d.delays.push(d.t0 - e.timeStamp); }, { capture: true });
        window.addEventListener('pointermove', () => { if (d.t0 !== undefined) d.handlers.push(performance.now() - d.t0); d.t0 = undefined; });
        window.addEventListener('pointerdown', () => { d.down = performance.now(); }, { capture: true });
        window.addEventListener('pointerup', () => {
          const t = d.up = performance.now();
          // The drop itself: the card's move applied, the map drawn again, and the next frame.
          requestAnimationFrame(() => setTimeout(() => { d.dropFrame = performance.now() - t; }, 0));
        }, { capture: true });
    """)
    time.sleep(0.3)
    dx = plan["targetX"] - plan["x"]
    steps = max(10, int(abs(dx) / DRAG_STEP_PX))
    chain = ActionChains(driver, duration=DRAG_STEP_MS)
    chain.move_to_element(driver.find_element(By.CSS_SELECTOR, f".card[data-touchpoint='{plan['card']}']")).click_and_hold()
    moved = 0
    for i in range(1, steps + 1):
        x = round(dx * i / steps)
        y = round(6 * ((i // 8) % 2) - 3)  # a hand is never perfectly level: a few pixels up and down
        chain.move_by_offset(x - moved, y if i % 8 == 0 else 0)
        moved = x
    chain.release()
    before = cdp_metrics(driver)
    started = time.time()
    chain.perform()
    wall = time.time() - started
    page.wait(lambda: driver.execute_script("return window.__drag.dropFrame !== null"), "the drop to be drawn", timeout=10)
    after = cdp_metrics(driver)
    data = driver.execute_script("""
        const d = window.__drag; d.running = false;
        return { frames: d.frames, work: d.work, handlers: d.handlers, delays: d.delays, down: d.down, up: d.up, dropFrame: d.dropFrame };
    """)
    # Frames of the drag: between the press and the release.
    frames = [t for t in data["frames"] if data["down"] <= t <= data["up"]]
    intervals = [b - a for a, b in zip(frames, frames[1:])]
    # (A frame whose following task ran after the release holds the drop's redraw: that is the drop's.)
    work = [w for t, w, end in data["work"] if data["down"] <= t and end <= data["up"]]
    moved_to = driver.execute_script("return document.querySelector(`.card[data-touchpoint='${arguments[0]}']`)?.dataset.stage", plan["card"])
    return {"plan": plan, "steps": steps, "wall_s": wall, "intervals": intervals, "work": work, "handlers": data["handlers"], "delays": data["delays"],
            "drag_ms": data["up"] - data["down"], "drop_frame_ms": data["dropFrame"], "landed_in": moved_to,
            "metrics": metric_delta(before, after)}


def select_card(page, tid):
    page.driver.execute_script("document.querySelector(`.card[data-touchpoint='${arguments[0]}']`).click()", tid)
    page.wait(lambda: page.driver.execute_script("return document.querySelector('[data-field=\"touchpoint.name\"]')?.value || ''") != "",
              "the inspector to show the card")


def type_in_name(page, text):
    field = page.driver.find_element(By.CSS_SELECTOR, "[data-field='touchpoint.name']")
    field.send_keys(Keys.END + text)


def measure_edits(alex, sam, tid, count):
    """Alex types one character into the card's name; the time until Sam's browser has painted it."""
    alex.driver.execute_script("""
        window.__inputs = [];
        document.addEventListener('input', (e) => {
          if (e.target.dataset?.field === 'touchpoint.name') window.__inputs.push({ value: e.target.value, t: performance.timeOrigin + performance.now() });
        }, { capture: true });
    """)
    select_card(alex, tid)
    samples = []
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i in range(count):
        current = alex.driver.execute_script("return document.querySelector('[data-field=\"touchpoint.name\"]').value")
        expected = current + letters[i % 26]
        sam.driver.execute_script("""
            const [tid, expected] = arguments;
            window.__seen = null;
            const board = document.getElementById('board');
            const check = () => {
              const name = board.querySelector(`.card[data-touchpoint='${tid}'] .name`);
              if (!name || name.textContent !== expected) return;
              observer.disconnect();
              const dom = performance.timeOrigin + performance.now();
              requestAnimationFrame(() => setTimeout(() => { window.__seen = { dom, painted: performance.timeOrigin + performance.now() }; }, 0));
            };
            const observer = new MutationObserver(check);
            observer.observe(board, { subtree: true, childList: true, characterData: true });
        """, tid, expected)
        sam.driver.execute_script("window.__bench.ws = []")
        alex.driver.execute_script("window.__bench.ws = []")
        type_in_name(alex, letters[i % 26])
        sam.wait(lambda: sam.driver.execute_script("return window.__seen !== null"), f"edit {i + 1} in the second browser", timeout=10)
        seen = sam.driver.execute_script("return window.__seen")
        typed = [x for x in alex.driver.execute_script("return window.__inputs") if x["value"] == expected]
        sent = [m for m in alex.driver.execute_script("return window.__bench.ws") if m["dir"] == "out" and '"type":"op"' in m["head"]]
        received = [m for m in sam.driver.execute_script("return window.__bench.ws") if m["dir"] == "in" and '"type":"op"' in m["head"] and m["t"] <= seen["dom"]]
        if not typed:
            raise SystemExit(f"edit {i + 1}: no input event with the value {expected!r} in the first browser")
        t0 = typed[-1]["t"]
        samples.append({"total": seen["painted"] - t0, "dom": seen["dom"] - t0,
                        "to_send": (sent[0]["t"] - t0) if sent else None,
                        "relay": (received[-1]["t"] - sent[0]["t"]) if sent and received else None,
                        "apply_render": (seen["dom"] - received[-1]["t"]) if received else None,
                        "frame": seen["painted"] - seen["dom"]})
        time.sleep(0.2 + random.random() * 0.3)
    return samples


def measure_saves(alex, count):
    """Alex alone: an edit every time the last save finished; each PUT's timing from the resource entries."""
    driver = alex.driver
    driver.execute_script("performance.clearResourceTimings(); performance.setResourceTimingBufferSize(1000)")
    def version():
        match = re.match(r"Saved · version (\d+)", driver.find_element(By.ID, "save-status").text)
        return int(match.group(1)) if match else None
    alex.wait(lambda: version() is not None, "nothing left to save", timeout=15)
    # Only the PUTs of these edits: the saves of earlier edits (400 ms after the last) are over by then.
    time.sleep(1.5)
    first = driver.execute_script("return performance.now()")
    puts = """
        return performance.getEntriesByType('resource').filter((r) => r.initiatorType === 'fetch' && r.startTime >= arguments[0] && /\\/maps\\/[^/]+\\?base_version=/.test(r.name))"""
    letters = "zyxwvutsrqponmlkjihgfedcba"
    for i in range(count):
        last = version()
        type_in_name(alex, letters[i % 26])
        # A resource entry appears once its answer has arrived; the status once the editor took it.
        alex.wait(lambda: driver.execute_script(puts + ".length", first) > i and (version() or 0) > last, f"save {i + 1}", timeout=15)
        time.sleep(0.1)
    entries = driver.execute_script(puts + """
          .map((r) => ({ name: r.name, start: r.startTime, duration: r.duration, requestStart: r.requestStart, responseStart: r.responseStart,
                         responseEnd: r.responseEnd, sent: r.encodedBodySize, connectEnd: r.connectEnd, fetchStart: r.fetchStart }));
    """, first)
    return [{"total": e["duration"], "server": e["responseStart"] - e["requestStart"], "queue": e["requestStart"] - e["fetchStart"],
             "download": e["responseEnd"] - e["responseStart"]} for e in entries]


def fmt(value):
    return "—" if value is None or value != value else f"{value:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", help="the wayfinder executable (serves `wayfinder demo`)")
    parser.add_argument("--runs", type=int, default=1, help="rounds of 5 opens, 1 drag, 20 edits and 30 saves (default 1)")
    parser.add_argument("--out", default=os.path.join(HERE, "last-run.json"))
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)

    machine = {"cores": os.cpu_count(), "chromium": chromium_version(), "platform": platform.platform(),
               "python": platform.python_version(), "binary": binary,
               "binary_modified": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(binary))),
               "load_average_start": os.getloadavg()}
    try:
        machine["commit"] = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except Exception:
        pass
    print(f"machine: {machine['cores']} cores, {machine['chromium']}, load {machine['load_average_start'][0]:.2f}; server {binary}", flush=True)

    started = time.time()
    demo = Demo(binary)
    one = two = None
    result = {"machine": machine, "map": {"touchpoints": TOUCHPOINTS, "stages": STAGES, "personas": PERSONAS},
              "window": list(WINDOW), "runs": args.runs, "rounds": []}
    try:
        one, two = chromium(*WINDOW), chromium(*WINDOW)
        for driver in (one, two):
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
            driver.execute_cdp_cmd("Performance.enable", {"timeDomain": "timeTicks"})
            driver.execute_cdp_cmd("Network.enable", {})
        alex, sam = Page(one, demo.base, "bench-alex"), Page(two, demo.base, "bench-sam")
        alex.sign_in(demo.account, demo.password)
        alex.open(f"/w/{WORKSPACE}")
        personas = []
        for i, name in enumerate(["Bargain hunter", "Loyal regular", "First-time buyer", "Busy parent", "Business buyer"]):
            pid = f"bench-persona-{i + 1}"
            call(alex, "POST", f"/api/v1/workspaces/{WORKSPACE}/personas", {"id": pid, "name": name}, (201,))
            personas.append(pid)
        doc = big_map(personas)
        call(alex, "POST", f"/api/v1/workspaces/{WORKSPACE}/maps", doc, (201,))
        result["map"]["json_bytes"] = len(json.dumps(doc))
        user = call(alex, "POST", "/api/v1/users", {"email": SECOND[0], "name": "Sam Second", "password": SECOND[1]}, (201,))["id"]
        call(alex, "PUT", f"/api/v1/workspaces/{WORKSPACE}/members/{user}", {"role": "editor"}, (200,))
        sam.sign_in(*SECOND)
        sam.open("/")
        # One open that is not counted: the server's first answers of this map, the browser's first modules.
        open_editor(alex)
        cards = len(one.find_elements(By.CSS_SELECTOR, ".card[data-touchpoint]"))
        if cards != TOUCHPOINTS:
            raise SystemExit(f"the editor shows {cards} cards, not {TOUCHPOINTS}")
        print(f"map {MAP}: {TOUCHPOINTS} touchpoints, {STAGES} stages, {PERSONAS} personas, {result['map']['json_bytes']} bytes of JSON; "
              f"setup {time.time() - started:.1f} s", flush=True)

        for run in range(args.runs):
            record = {"opens": [], "drag": None, "edits": [], "saves": []}
            one.get("about:blank")
            for i in range(OPENS):
                timing = measure_open(alex)
                record["opens"].append(timing)
                print(f"round {run + 1} open {i + 1}: ready {timing['ready']:.0f} ms, first frame {timing['frame']:.0f} ms", flush=True)
            record["drag"] = measure_drag(alex)
            d = record["drag"]
            print(f"round {run + 1} drag: {len(d['intervals'])} frames, {len(d['handlers'])} pointermoves over {d['drag_ms']:.0f} ms, "
                  f"{d['plan']['stagesCrossed']} stage boundaries at zoom {d['plan']['zoom']}, landed in {d['landed_in']}; "
                  f"drop drawn in {d['drop_frame_ms']:.0f} ms", flush=True)
            # Two people: Alex (the room's saver, who opened first) and Sam.
            open_editor(alex)
            open_editor(sam)
            for page in (alex, sam):
                page.wait(lambda p=page: len(p.driver.find_elements(By.CSS_SELECTOR, "#people .person")) == 2, "two people in the room", timeout=15)
            tid = f"tp-{(run * 7) % TOUCHPOINTS + 1:03d}"
            record["edits"] = measure_edits(alex, sam, tid, EDITS)
            totals = sorted(s["total"] for s in record["edits"])
            print(f"round {run + 1} edits: median {percentile(totals, 50):.0f} ms, max {totals[-1]:.0f} ms", flush=True)
            # Alone again: Sam leaves, Alex saves.
            two.get("about:blank")
            alex.wait(lambda: len(one.find_elements(By.CSS_SELECTOR, "#people .person")) <= 1, "the second person to leave", timeout=15)
            record["saves"] = measure_saves(alex, SAVES)
            totals = sorted(s["total"] for s in record["saves"])
            print(f"round {run + 1} saves: {len(totals)} PUTs, median {percentile(totals, 50):.0f} ms, max {totals[-1]:.0f} ms", flush=True)
            result["rounds"].append(record)
        alex.collect_console()
        sam.collect_console()
        result["console_errors"] = alex.errors + sam.errors
    finally:
        for driver in (one, two):
            if driver is not None:
                driver.quit()
        demo.stop()
    machine["load_average_end"] = os.getloadavg()
    result["seconds"] = time.time() - started

    rounds = result["rounds"]
    opens = [o["frame"] for r in rounds for o in r["opens"]]
    readies = [o["ready"] for r in rounds for o in r["opens"]]
    intervals = [x for r in rounds for x in r["drag"]["intervals"]]
    work = [x for r in rounds for x in r["drag"]["work"]]
    handlers = [x for r in rounds for x in r["drag"]["handlers"]]
    drops = [r["drag"]["drop_frame_ms"] for r in rounds]
    edits = [s["total"] for r in rounds for s in r["edits"]]
    saves = [s["total"] for r in rounds for s in r["saves"]]
    stats = {
        "open": summary(opens), "open_ready": summary(readies),
        "drag_frame": summary(intervals), "drag_work": summary(work), "drag_handler": summary(handlers), "drop": summary(drops),
        "edit": summary(edits), "save": summary(saves),
    }
    # Chromium gives pages a clock coarsened to 0.1 ms (with jitter), so a frame of one 16.67 ms
    # vsync reads 16.5 to 16.8 ms: a frame is over 16.7 ms when it reads more than 16.7 + 0.1.
    share = lambda test, values: sum(1 for x in values if test(x)) / len(values) if values else float("nan")
    frame = stats["drag_frame"]
    frame["over_16_7_as_read"] = share(lambda x: round(x, 1) > 16.7, intervals)
    frame["over_16_7"] = share(lambda x: round(x, 1) > 16.8, intervals)
    frame["missed_vsync"] = share(lambda x: x > 1.5 * VSYNC_MS, intervals)
    met = {
        "open": stats["open"]["p95"] < 1000,
        "drag_frame": frame["over_16_7"] <= 0.05,
        "drag_handler": stats["drag_handler"]["p95"] < 16,
        "edit": stats["edit"]["p95"] < 1000,
        "save": stats["save"]["p95"] < 200,
    }
    # Where the time goes (medians).
    def med(values):
        values = [v for v in values if v is not None]
        return percentile(values, 50) if values else None
    all_opens = [o for r in rounds for o in r["opens"]]
    breakdown = {
        "open": {"html_response_end": med([o["html"] for o in all_opens]), "scripts_loaded": med([o["scripts"] for o in all_opens]),
                 "map_request_start": med([o["mapStart"] for o in all_opens]),
                 "map_server": med([o["mapFirstByte"] - o["mapStart"] for o in all_opens if o["mapStart"] is not None]),
                 "map_response_end": med([o["mapEnd"] for o in all_opens]), "ready": med(readies),
                 "map_end_to_ready": med([o["ready"] - o["mapEnd"] for o in all_opens if o["mapEnd"]]),
                 "first_frame_after_ready": med([o["frame"] - o["ready"] for o in all_opens]),
                 "map_bytes": med([o["mapBytes"] for o in all_opens]), "elements": med([o["elements"] for o in all_opens]),
                 "main_thread_task_s": med([o["metrics"]["TaskDuration"] for o in all_opens]),
                 "script_s": med([o["metrics"]["ScriptDuration"] for o in all_opens]),
                 "layout_s": med([o["metrics"]["LayoutDuration"] for o in all_opens]),
                 "style_s": med([o["metrics"]["RecalcStyleDuration"] for o in all_opens])},
        "drag": {"handler_delay_median": med([x for r in rounds for x in r["drag"]["delays"]]),
                 "metrics": [r["drag"]["metrics"] for r in rounds],
                 "frames": len(intervals), "pointermoves": len(handlers), "drag_ms": [r["drag"]["drag_ms"] for r in rounds],
                 "stages_crossed": [r["drag"]["plan"]["stagesCrossed"] for r in rounds], "zoom": [r["drag"]["plan"]["zoom"] for r in rounds]},
        "edit": {k: med([s[k] for r in rounds for s in r["edits"]]) for k in ("to_send", "relay", "apply_render", "dom", "frame")},
        "save": {k: med([s[k] for r in rounds for s in r["saves"]]) for k in ("server", "queue", "download")},
    }
    breakdown["edit"]["frame_p95"] = percentile([s["frame"] for r in rounds for s in r["edits"]], 95)
    breakdown["edit"]["apply_render_p95"] = percentile([s["apply_render"] for r in rounds for s in r["edits"] if s["apply_render"] is not None], 95)
    breakdown["save"]["server_p95"] = percentile([s["server"] for r in rounds for s in r["saves"]], 95)
    result.update({"stats": stats, "met": met, "breakdown": breakdown})
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=1)

    rows = [
        ("open: navigation start to the first frame after `data-ready`", "< 1000 ms (p95)", stats["open"], "met" if met["open"] else "MISSED"),
        ("open: navigation start to `data-ready`", "(part of the above)", stats["open_ready"], ""),
        ("drag: frame interval (requestAnimationFrame)", "≤ 5% of frames over 16.7 ms", frame,
         f"{'met' if met['drag_frame'] else 'MISSED'}: {frame['over_16_7'] * 100:.1f}% over"),
        ("drag: main-thread work per frame after rAF", "(part of the frame)", stats["drag_work"], ""),
        ("drag: `pointermove` handling", "< 16 ms (p95)", stats["drag_handler"], "met" if met["drag_handler"] else "MISSED"),
        ("drop: release to the redrawn map", "(no target; one frame is 16.7 ms)", stats["drop"],
         "over one frame" if stats["drop"]["max"] > 16.7 else "within a frame"),
        ("edit: `input` in A to the name painted in B", "< 1000 ms (p95)", stats["edit"], "met" if met["edit"] else "MISSED"),
        ("save: the editor's PUT of the map", "< 200 ms (p95)", stats["save"], "met" if met["save"] else "MISSED"),
    ]
    print()
    print("| measurement | target | n | median (ms) | p95 (ms) | max (ms) | result |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, target, s, verdict in rows:
        print(f"| {name} | {target} | {s['n']} | {fmt(s['median'])} | {fmt(s['p95'])} | {fmt(s['max'])} | {verdict} |")
    print()
    b = breakdown["open"]
    print(f"open (medians, ms from navigation start): HTML received {fmt(b['html_response_end'])}, modules loaded {fmt(b['scripts_loaded'])}, "
          f"map GET {fmt(b['map_request_start'])} to {fmt(b['map_response_end'])} (server {fmt(b['map_server'])}, {b['map_bytes']:.0f} bytes), "
          f"ready {fmt(b['ready'])} ({fmt(b['map_end_to_ready'])} after the map arrived), first frame {fmt(b['first_frame_after_ready'])} later; "
          f"main-thread tasks {b['main_thread_task_s'] * 1000:.0f} ms, of which style {b['style_s'] * 1000:.0f} and layout "
          f"{b['layout_s'] * 1000:.0f} (Performance.getMetrics); {b['elements']:.0f} elements")
    b = breakdown["drag"]
    print(f"drag: {len(intervals)} frames, {frame['over_16_7'] * 100:.1f}% over 16.7 ms ({frame['over_16_7_as_read'] * 100:.1f}% as read "
          f"through the 0.1 ms clock), {frame['missed_vsync'] * 100:.1f}% missed a vsync (over 25 ms); {len(handlers)} pointermoves at zoom "
          f"{', '.join(b['zoom'])} across {', '.join(str(x) for x in b['stages_crossed'])} stage boundaries; event-to-handler delay median "
          f"{fmt(b['handler_delay_median'])} ms (pointer moves wait for the next frame)")
    for m, ms in zip(b["metrics"], b["drag_ms"]):
        print(f"      main thread over the {ms / 1000:.1f} s drag and its drop: tasks {m['TaskDuration'] * 1000:.0f} ms, "
              f"style {m['RecalcStyleDuration'] * 1000:.0f} ms ({m['RecalcStyleCount']:.0f}), layout {m['LayoutDuration'] * 1000:.0f} ms ({m['LayoutCount']:.0f})")
    e = breakdown["edit"]
    print(f"edit (medians, ms): input to the op sent {fmt(e['to_send'])}, relayed to B {fmt(e['relay'])}, applied and the map rebuilt in B "
          f"{fmt(e['apply_render'])} (p95 {fmt(e['apply_render_p95'])}), B's next frame {fmt(e['frame'])} (p95 {fmt(e['frame_p95'])})")
    s = breakdown["save"]
    print(f"save (ms): server, request to first byte {fmt(s['server'])} median / {fmt(s['server_p95'])} p95; before the request {fmt(s['queue'])}, "
          f"download {fmt(s['download'])}; document {result['map']['json_bytes']} bytes")
    if result.get("console_errors"):
        print(f"console errors: {result['console_errors'][:5]}")
    print(f"\n{sum(met.values())} of {len(met)} targets met; load average {machine['load_average_start'][0]:.2f} at the start, "
          f"{machine['load_average_end'][0]:.2f} at the end; {result['seconds']:.0f} s; written to {os.path.relpath(args.out, ROOT)}")
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
