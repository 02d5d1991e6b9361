#!/usr/bin/env bash
# End-to-end checks of the built `wayfinder` binary with outside tools:
# the demo, xmllint and rsvg-convert on every rendered SVG, and Python's
# jsonschema (Draft 2020-12) on every template's JSON rendering.
#
# Usage: scripts/check-e2e.sh            (after 'swift build')
# Environment: SWIFT_SCRATCH_PATH        build folder if not .build
#              KEEP_E2E_OUTPUT=1         keep the temporary folder for inspection
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
swift_args=(--package-path "$root")
if [[ -n "${SWIFT_SCRATCH_PATH:-}" ]]; then
    # Absolute, because 'swift run' below runs in another folder.
    swift_args+=(--scratch-path "$(cd "$root" && realpath -m "$SWIFT_SCRATCH_PATH")")
fi
schema="$root/docs/schema/wayfinder-v1.schema.json"
templates=(retail saas healthcare lead-gen b2b-services)

work="$(mktemp -d "${TMPDIR:-/tmp}/wayfinder-e2e.XXXXXX")"
cleanup() {
    if [[ "${KEEP_E2E_OUTPUT:-}" == 1 ]]; then echo "e2e: output kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok    $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $*"; }

# show LOG: a failed command's output, indented; the head and tail of long logs.
show() {
    if (( $(wc -l <"$1") > 40 )); then
        { head -n 15 "$1"; echo "..."; tail -n 20 "$1"; } | sed 's/^/        /'
    else
        sed 's/^/        /' "$1"
    fi
}

# check DESCRIPTION COMMAND...: runs COMMAND, its output to a log shown only on failure.
check() {
    local description="$1"; shift
    local log="$work/last.log"
    if "$@" >"$log" 2>&1; then
        pass "$description"
    else
        fail "$description (exit $?)"
        show "$log"
    fi
}

# reject DESCRIPTION COMMAND...: passes when COMMAND fails with exit status 1 and says something.
reject() {
    local description="$1"; shift
    local log="$work/last.log" status=0
    "$@" >"$log" 2>&1 || status=$?
    if [[ $status -eq 1 && -s "$log" ]]; then
        pass "$description"
    else
        fail "$description (exit $status, expected 1 with a message)"
        show "$log"
    fi
}

for tool in xmllint rsvg-convert python3; do
    command -v "$tool" >/dev/null || { echo "e2e: $tool is missing; run .ci/run or install it" >&2; exit 2; }
done
python3 -c 'import jsonschema, yaml' 2>/dev/null || { echo "e2e: python3 needs jsonschema and pyyaml" >&2; exit 2; }

swift build "${swift_args[@]}" --product wayfinder >/dev/null
bin="$(swift build "${swift_args[@]}" --show-bin-path)/wayfinder"
[[ -x "$bin" ]] || { echo "e2e: $bin was not built" >&2; exit 2; }
echo "e2e: checking $bin"

# Validates each JSON or YAML workspace file named on the command line against the schema.
cat >"$work/schema_check.py" <<'PY'
import json, sys
import jsonschema, yaml

# libyaml's loader: the pure-Python one rejects '?' inside flow plain scalars
# (pyyaml issue #128), which the YAML spec allows and Wayfinder writes.
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
status = 0
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle) if path.endswith(".json") else yaml.load(handle, Loader=loader)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    for error in errors[:10]:
        location = "/".join(str(part) for part in error.absolute_path) or "(root)"
        print(f"{path}: {location}: {error.message[:200]}")
    if errors:
        status = 1
sys.exit(status)
PY

echo "-- demo"
mkdir -p "$work/demo"
run_demo() { (cd "$work/demo" && swift run "${swift_args[@]}" wayfinder demo --no-serve >demo.out); }
demo_wrote() {
    test -s "$work/demo/wayfinder-demo/$1" || return 1
    [[ "$1" == workspace/* ]] || grep -qF "wayfinder-demo/$1 " "$work/demo/demo.out"
}
check "swift run wayfinder demo --no-serve writes the files and exits 0" run_demo
for file in map.html map.svg map.md map.csv compare.html workspace/wayfinder.yaml; do
    check "demo wrote $file (and lists it)" demo_wrote "$file"
done
check "demo map.svg is well-formed XML" xmllint --noout "$work/demo/wayfinder-demo/map.svg"
check "demo workspace validates" "$bin" validate "$work/demo/wayfinder-demo/workspace"
# The command of the README, as is: it serves on 127.0.0.1:8080 until Ctrl-C.
cat >"$work/served_demo.py" <<'PY'
import atexit, http.cookiejar, re, signal, subprocess, sys, urllib.parse, urllib.request
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)
atexit.register(lambda: process.poll() is None and process.kill())
printed = ""
for line in process.stdout:
    printed += line
    if "Press Ctrl-C" in line:
        break
else:
    sys.exit("the demo stopped without serving:\n" + printed)
base = re.search(r"serving the demo at (http://\S+)/", printed).group(1)
password = re.search(r"with the password (\S+)", printed).group(1)
jar = http.cookiejar.CookieJar()
browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
assert browser.open(base + "/health").status == 200
form = browser.open(base + "/signin?next=/w/retail/maps/first-purchase").read().decode()
token = re.search(r'name="token" value="([^"]+)"', form).group(1)
fields = urllib.parse.urlencode({"token": token, "username": "demo@localhost", "password": password, "next": "/w/retail/maps/first-purchase"})
page = browser.open(base + "/signin", data=fields.encode())
body = page.read().decode()
assert page.url.endswith("/w/retail/maps/first-purchase") and "Top friction point" in body, (page.url, body[:300])
report = browser.open(base + "/w/retail/maps/first-purchase/report").read().decode()
assert "<h2>Friction</h2>" in report
print(f"signed in as demo@localhost at {base}; map page {len(body)} bytes, report {len(report)} bytes")

# A second workspace on the same server, with the demo's maps and no data: it shows no data
# until its own write key sends some, and the demo's workspace is unchanged by that.
import base64, json
def api(method, path, body=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    with browser.open(request) as answer:
        return json.loads(answer.read().decode() or "{}")
session = api("POST", "/api/v1/session", {"email": "demo@localhost", "password": password})
csrf = {"X-CSRF-Token": session["csrf_token"]}
api("POST", "/api/v1/workspaces", {"id": "second", "name": "Second team"}, csrf)
with browser.open(urllib.request.Request(base + "/api/v1/workspaces/retail/export?format=yaml")) as answer:
    maps = answer.read()
api("POST", "/api/v1/workspaces/second/import?format=yaml", headers={**csrf, "Content-Type": "application/yaml"}, raw=maps)
def events(workspace):
    return api("POST", f"/api/v1/workspaces/{workspace}/analyses", {"kind": "funnel", "journey": "first-purchase"}, csrf)["index"]["events"]
retail_before = events("retail")
home = browser.open(base + "/w/second").read().decode()
assert events("second") == 0 and "<strong>0</strong> events" in home, home[:2000]
key = api("POST", "/api/v1/keys", {"kind": "write", "workspace": "second", "name": "second-web"}, csrf)["secret"]
track = urllib.request.Request(base + "/v1/track", method="POST", headers={"Content-Type": "application/json",
    "Authorization": "Basic " + base64.b64encode((key + ":").encode()).decode()},
    data=json.dumps({"userId": "second-visitor", "event": "Product Viewed", "properties": {"url": "/products/trail-shoe"}}).encode())
assert urllib.request.urlopen(track).status == 200
assert events("second") == 1 and events("retail") == retail_before, (events("second"), events("retail"), retail_before)
print(f"a second workspace showed no data until its key sent an event; the demo's {retail_before} events unchanged")
process.send_signal(signal.SIGINT)
sys.exit(process.wait(timeout=60))
PY
served_demo() { (cd "$work/demo" && python3 "$work/served_demo.py" swift run "${swift_args[@]}" wayfinder demo); }
check "swift run wayfinder demo serves its map and report at 127.0.0.1:8080, a second workspace shows no data until its key sends some, and it stops on Ctrl-C" served_demo

echo "-- templates"
check "the committed schema is a valid Draft 2020-12 schema" python3 "$work/schema_check.py" "$schema"
schema_matches() { "$bin" schema | cmp - "$schema"; }
svg_renders() { rsvg-convert -o "${1%.svg}.png" "$1" && test -s "${1%.svg}.png"; }
self_contained() { ! grep -Eiq '(src|href)[[:space:]]*=[[:space:]]*["'\'']?(https?:)?//' "$1"; }
check "wayfinder schema matches the committed schema" schema_matches
for template in "${templates[@]}"; do
    folder="$work/$template"
    check "$template: init" "$bin" init --template "$template" "$folder/ws"
    check "$template: validate" "$bin" validate "$folder/ws"
    check "$template: render svg" "$bin" render "$folder/ws" --format svg --out "$folder/map.svg"
    check "$template: xmllint map.svg" xmllint --noout "$folder/map.svg"
    check "$template: rsvg-convert map.svg" svg_renders "$folder/map.svg"
    future="$("$bin" render "$folder/ws" --format json | python3 -c 'import json, sys; print(next((j["id"] for j in json.load(sys.stdin).get("journeys", []) if j.get("state") == "future"), ""))')"
    if [[ -n "$future" ]]; then
        check "$template: render --compare $future" "$bin" render "$folder/ws" --compare "$future" --out "$folder/compare.svg"
        check "$template: xmllint compare.svg" xmllint --noout "$folder/compare.svg"
    else
        fail "$template: has no future-state map to compare"
    fi
    check "$template: render html" "$bin" render "$folder/ws" --format html --out "$folder/map.html"
    check "$template: map.html loads nothing remote" self_contained "$folder/map.html"
    check "$template: render json" "$bin" render "$folder/ws" --format json --out "$folder/workspace.json"
    check "$template: render yaml" "$bin" render "$folder/ws" --format yaml --out "$folder/workspace.yaml"
    check "$template: JSON rendering matches the schema" python3 "$work/schema_check.py" "$schema" "$folder/workspace.json"
    check "$template: YAML rendering matches the schema" python3 "$work/schema_check.py" "$schema" "$folder/workspace.yaml"
    check "$template: JSON rendering validates" "$bin" validate "$folder/workspace.json"
done

echo "-- broken files are rejected by the schema and by wayfinder validate"
mkdir -p "$work/broken"
printf '{"version": 1, "perzonas": []}\n' >"$work/broken/unknown-key.json"
printf '{"version": 2}\n' >"$work/broken/version-2.json"
printf '{"version": 1, "personas": [{"id": "Maya Okafor", "name": "Maya"}]}\n' >"$work/broken/bad-id.json"
cat >"$work/broken/emotion-text.json" <<'JSON'
{"version": 1, "journeys": [{"id": "first", "title": "First", "stages": [{"id": "awareness", "name": "Awareness"}],
  "touchpoints": [{"id": "ad", "name": "Ad", "stage": "awareness", "channel": "social", "emotion": "high"}], "goal": "ad"}]}
JSON
for file in "$work"/broken/*.json; do
    name="$(basename "$file")"
    reject "$name: the schema rejects it" python3 "$work/schema_check.py" "$schema" "$file"
    reject "$name: wayfinder validate rejects it" "$bin" validate "$file"
done

echo "e2e: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
