#!/usr/bin/env python3
"""What a save of the editor's benchmark map costs the server: 30 `fetch` PUTs of the same
document (one name changed each time) from a signed-in page, timed with `performance.now()`,
first for a small map (8 touchpoints) in the same workspace, then for the benchmark map
(120 touchpoints). Run it against a debug and a release build to compare; `--perf FILE`
records the server with `perf record -g` during the benchmark map's PUTs
(`perf report -i FILE --children --sort symbol` then shows where the time goes).

Usage: python3 benchmarks/editor/save_server.py PATH-TO-wayfinder [--perf FILE] [--count N]
"""
import argparse, json, os, subprocess, sys, time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import editor_bench as bench  # noqa: E402  (sets up the browser helpers' import path)
from browser import Demo, Page, chromium  # noqa: E402

PUTS = """
  const [path, docs, done] = arguments;
  const csrf = document.querySelector('[data-csrf]').dataset.csrf;
  (async () => {
    const out = [];
    let version = (await (await fetch(path)).json()).current_version;
    for (const doc of docs) {
      const body = JSON.stringify(doc);
      const started = performance.now();
      const answer = await fetch(`${path}?base_version=${version}`, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body });
      const json = await answer.json();
      out.push({ status: answer.status, ms: performance.now() - started });
      version = json.version?.number ?? version;
    }
    done(out);
  })();
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--perf", help="record the server with perf into this file during the benchmark map's PUTs")
    parser.add_argument("--count", type=int, default=30)
    args = parser.parse_args()
    demo = Demo(os.path.abspath(args.binary))
    driver = chromium()
    driver.set_script_timeout(600)
    try:
        page = Page(driver, demo.base, "save-server")
        page.sign_in(demo.account, demo.password)
        page.open("/workspaces")
        # The session's CSRF token where the page helpers look for it (older builds' pages do not carry it).
        driver.execute_async_script("""
            const done = arguments[0];
            fetch('/api/v1/session').then((r) => r.json()).then((j) => {
              if (!document.querySelector('[data-csrf]')) document.body.dataset.csrf = j.csrf_token; done(); });""")
        personas = []
        for i in range(bench.PERSONAS):
            bench.call(page, "POST", f"/api/v1/workspaces/{bench.WORKSPACE}/personas", {"id": f"bench-persona-{i + 1}", "name": f"Persona {i + 1}"}, (201,))
            personas.append(f"bench-persona-{i + 1}")
        big = bench.big_map(personas)
        bench.call(page, "POST", f"/api/v1/workspaces/{bench.WORKSPACE}/maps", big, (201,))
        small = dict(json.loads(json.dumps(big)), id="editor-bench-small", stages=big["stages"][:1], lanes=[])
        small["touchpoints"] = [dict(t, stage="stage-1") for t in big["touchpoints"][:8]]
        bench.call(page, "POST", f"/api/v1/workspaces/{bench.WORKSPACE}/maps", small, (201,))

        def run(doc, what):
            docs = []
            for i in range(args.count):
                copy = json.loads(json.dumps(doc))
                copy["touchpoints"][0]["name"] = f"Edited {i + 1}"
                docs.append(copy)
            out = driver.execute_async_script(PUTS, f"/api/v1/workspaces/{bench.WORKSPACE}/maps/{doc['id']}", docs)
            if any(o["status"] != 200 for o in out):
                raise SystemExit(f"a PUT was refused: {out[:3]}")
            ms = [o["ms"] for o in out]
            print(f"{what}: {len(ms)} PUTs, median {bench.percentile(ms, 50):.1f} ms, p95 {bench.percentile(ms, 95):.1f} ms, max {max(ms):.1f} ms", flush=True)

        run(small, f"small map (8 touchpoints, {len(json.dumps(small))} bytes)")
        recorder = None
        if args.perf:
            recorder = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(demo.process.pid), "-o", args.perf],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        run(big, f"benchmark map ({bench.TOUCHPOINTS} touchpoints, {len(json.dumps(big))} bytes){' under perf' if recorder else ''}")
        if recorder:
            recorder.send_signal(2)
            recorder.wait()
    finally:
        driver.quit()
        demo.stop()


if __name__ == "__main__":
    main()
