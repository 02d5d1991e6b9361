#!/usr/bin/env bash
# The web app's checks: the editor's document operations with Node's test runner, then the
# browser suite in Debian's headless Chromium through selenium, against a `wayfinder demo`
# server. Screenshots of every step go to ci-output/browser/ (or $WAYFINDER_BROWSER_OUTPUT).
#
# Usage: scripts/check-browser.sh PATH-TO-wayfinder
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${1:?usage: scripts/check-browser.sh PATH-TO-wayfinder}"

echo "-- node --test Tests/web/ (the editor's document operations)"
node --test Tests/web/

echo "-- the browser suite (Chromium $(chromium --version 2>/dev/null | awk '{print $2}'), selenium $(python3 -c 'import selenium; print(selenium.__version__)'))"
status=0
for suite in Tests/Browser/test_*.py; do
    echo "-- $suite"
    python3 "$suite" "$bin" || status=1
done
exit "$status"
