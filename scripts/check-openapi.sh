#!/usr/bin/env bash
# Schemathesis against the live server: starts `wayfinder serve` on a free loopback port with a
# new store holding the retail example workspace, a read-write API key and the first admin,
# runs `schemathesis run` over /openapi.json (server errors, status codes, content types and
# response schemas checked against the document), and stops the server.
#
# Exit status: 0 no failures, 1 schemathesis found failures or a step failed, 2 usage.
set -euo pipefail

usage() {
    cat <<USAGE
Usage: scripts/check-openapi.sh [--keep] [--examples N] WAYFINDER

WAYFINDER is a built wayfinder binary (e.g. .build/debug/wayfinder). Installs schemathesis with
pip when it is missing.

  --keep         keep the work folder (store, server log, schemathesis report)
  --examples N   test cases per operation (default 25)
USAGE
}

keep=0
examples=25
binary=""
while (($#)); do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --keep) keep=1; shift ;;
        --examples) examples="$2"; shift 2 ;;
        -*) echo "check-openapi: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) [[ -z "$binary" ]] || { echo "check-openapi: one binary only" >&2; exit 2; }; binary="$1"; shift ;;
    esac
done
[[ -n "$binary" ]] || { usage >&2; exit 2; }
[[ -x "$binary" ]] || { echo "check-openapi: $binary is not an executable; build it first (swift build)" >&2; exit 2; }
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

started=$SECONDS
step() { printf '\n-- %s (%ds)\n' "$*" $((SECONDS - started)); }

if ! command -v st >/dev/null || ! st --version >/dev/null 2>&1; then
    step "installing schemathesis"
    python3 -m pip install --quiet --disable-pip-version-check schemathesis \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages schemathesis
    command -v st >/dev/null || { echo "check-openapi: could not install schemathesis" >&2; exit 1; }
fi
echo "$(st --version)"

work="$(mktemp -d "${TMPDIR:-/tmp}/wayfinder-openapi.XXXXXX")"
server=""
cleanup() {
    if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if ((keep)); then echo "check-openapi: work folder kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

step "the retail example workspace"
"$binary" init --template retail "$work/shop" >/dev/null

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
url="http://127.0.0.1:$port"
step "wayfinder serve on $url"
WAYFINDER_ADMIN_PASSWORD="schemathesis admin password" "$binary" serve --db "$work/store.db" --workspace "$work/shop" --workspace-id shop \
    --host 127.0.0.1 --port "$port" --insecure-cookies --log-format json 2>"$work/server.log" >"$work/server.out" &
server=$!
for _ in $(seq 1 100); do
    curl -fsS "$url/health" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { echo "check-openapi: the server stopped" >&2; sed 's/^/    /' "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
# The key is made once the server has loaded the workspace 'shop', so that it belongs to it.
key="$("$binary" keys create --db "$work/store.db" --kind read-write --name schemathesis --workspace shop --format json \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')"
[[ "$key" == wf_* ]] || { echo "check-openapi: 'wayfinder keys create' gave no secret" >&2; exit 1; }
curl -fsS "$url/openapi.json" >"$work/openapi.json" || { echo "check-openapi: no /openapi.json" >&2; exit 1; }

# Two passes: one with path parameters free (unknown ids must be 404, never 500), one with them
# fixed to the example workspace, so the generated bodies reach the handlers behind the ids.
cat >"$work/fixed.toml" <<TOML
[parameters]
"path.workspace" = "shop"
"path.map" = "first-purchase"
"path.persona" = "maya-first-timer"
"path.version" = 1
TOML
# The third pass signs in as the server admin and sends the session cookie with its CSRF token,
# so the routes only people use (users, members, keys, workspaces) are fuzzed too; signing out
# is left out so the session lasts the run.
session="$(curl -fsS -D "$work/signin.headers" -H 'Content-Type: application/json' \
    -d '{"email": "admin@localhost", "password": "schemathesis admin password"}' "$url/api/v1/session")" \
    || { echo "check-openapi: the admin could not sign in" >&2; exit 1; }
csrf="$(printf '%s' "$session" | python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')"
cookie="$(grep -i '^set-cookie:' "$work/signin.headers" | sed 's/^[^:]*: *//; s/;.*//' | tr -d '\r')"
[[ "$cookie" == wayfinder_session=* ]] || { echo "check-openapi: no session cookie" >&2; exit 1; }
# A second user for the user routes, so that the admin's own account is not the one fuzzed.
user="$(curl -fsS -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"email": "fuzz@example.com", "password": "a fuzzing user password"}' "$url/api/v1/users" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')"
cp "$work/fixed.toml" "$work/admin.toml"
echo "\"path.user\" = $user" >>"$work/admin.toml"

status=0
# schemathesis keeps its cache in the working directory: the work folder, not the repository.
cd "$work"
for pass in free fixed admin; do
step "schemathesis run, $pass ($examples cases an operation)"
config=()
[[ $pass == fixed ]] && config=(--config-file "$work/fixed.toml")
[[ $pass == admin ]] && config=(--config-file "$work/admin.toml")
credentials=(--header "Authorization: Bearer $key")
[[ $pass == admin ]] && credentials=(--header "Cookie: $cookie" --header "X-CSRF-Token: $csrf" --exclude-operation-id delete_api_v1_session)
st "${config[@]}" run "$url/openapi.json" \
    "${credentials[@]}" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$examples" \
    --workers 2 \
    --seed 7 \
    --request-timeout 20 \
    --suppress-health-check all \
    --generation-database none \
    --generation-with-security-parameters false \
    --report junit --report-dir "$work/report-$pass" \
    --no-color || status=$?
done

if grep -q '"level":"error"' "$work/server.log"; then
    echo "check-openapi: the server logged errors:" >&2
    grep '"level":"error"' "$work/server.log" | head -20 | sed 's/^/    /' >&2
    status=1
fi
step "done"
exit "$status"
