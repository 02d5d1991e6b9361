#!/usr/bin/env bash
# Checks scripts/install.sh: installs the debug build into a temporary PREFIX and checks what a
# user gets there: the program on PATH and its version, bash, zsh and fish completions that
# parse, a man page that names every command, and hints that name 'wayfinder' once it is on PATH.
#
# Usage: scripts/check-install.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$(mktemp -d)"
work="$(mktemp -d)"
trap 'rm -rf "$prefix" "$work"' EXIT
failures=0
fail() { echo "FAULT $*" >&2; failures=$((failures + 1)); }

"$root/scripts/install.sh" --debug "$prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; exit 1; }
export PATH="$prefix/bin:$PATH"
[[ "$(command -v wayfinder)" == "$prefix/bin/wayfinder" ]] || fail "wayfinder on PATH is $(command -v wayfinder), not the installed one"
version="$(wayfinder --version)" || fail "wayfinder --version failed"
grep -q "wayfinder $version is in $prefix/bin/wayfinder" "$work/install.log" || fail "the installer does not say where it put wayfinder $version"

bash -n "$prefix/share/bash-completion/completions/wayfinder" || fail "the bash completion does not parse"
grep -q "backup" "$prefix/share/bash-completion/completions/wayfinder" || fail "the bash completion lacks the backup command"
head -n 1 "$prefix/share/zsh/site-functions/_wayfinder" | grep -q "^#compdef wayfinder" || fail "the zsh completion lacks #compdef"
grep -q "^complete -c 'wayfinder'" "$prefix/share/fish/vendor_completions.d/wayfinder.fish" || fail "the fish completion completes nothing"

manual="$prefix/share/man/man1/wayfinder.1"
grep -q '^\.Sh NAME' "$manual" || fail "the man page has no NAME section"
commands="$(wayfinder --help | awk '/^SUBCOMMANDS:/ {on = 1; next} on && /^  [a-z]/ {print $1}')"
[[ -n "$commands" ]] || fail "wayfinder --help lists no commands"
for command in $commands; do
    # Each command has its own entry (.It Em COMMAND) in the page's list of commands.
    grep -q "^\.It Em $command\$" "$manual" || fail "the man page has no entry for '$command'"
done
if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$manual" 2>/dev/null | grep -q "wayfinder" || fail "man cannot render the man page"
fi

cd "$work"
wayfinder init --template saas maps >"$work/init.log"
grep -q "^  wayfinder validate maps$" "$work/init.log" || fail "installed, the hints do not name 'wayfinder': $(tail -n 2 "$work/init.log")"

echo "install: $(echo "$commands" | wc -w) commands in the man page and completions; hints name 'wayfinder'; $((failures)) faults"
((failures == 0))
