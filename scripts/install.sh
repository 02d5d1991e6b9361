#!/usr/bin/env bash
# Builds wayfinder in release mode and installs it with its shell completions and man page.
#
# Usage: scripts/install.sh [options] [PREFIX]
#   PREFIX          where to install (default /usr/local; ~/.local installs for you alone)
#   --debug         install the debug build instead (quicker to build; for trying the script)
#   --no-build      install what the last build made
#   --build-only    build, and install nothing (then: sudo scripts/install.sh --no-build)
#   -h, --help      this text
#
# What goes where:
#   PREFIX/lib/wayfinder/wayfinder                          the program (and any resource bundles)
#   PREFIX/bin/wayfinder                                    a link to it, on your PATH
#   PREFIX/share/man/man1/wayfinder.1                       man wayfinder
#   PREFIX/share/bash-completion/completions/wayfinder      bash completion
#   PREFIX/share/zsh/site-functions/_wayfinder              zsh completion
#   PREFIX/share/fish/vendor_completions.d/wayfinder.fish   fish completion
#
# Examples:
#   scripts/install.sh ~/.local              # ~/.local/bin/wayfinder (put ~/.local/bin on PATH)
#   scripts/install.sh --build-only && sudo scripts/install.sh --no-build
#                                            # /usr/local/bin/wayfinder, built as you (a build run
#                                            # with sudo would leave .build to root, and sudo's PATH
#                                            # often lacks swift)
#
# Upgrading is installing again: the store is migrated when the new release first opens it
# (back it up first with 'wayfinder backup'). Uninstall by removing the files listed above.
# Environment: SWIFT_SCRATCH_PATH (the build folder, default .build).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration=release
build=1
install=1
prefix=""
while (($#)); do
    case "$1" in
        --debug) configuration=debug; shift ;;
        --no-build) build=0; shift ;;
        --build-only) install=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "install: unknown option '$1' (see --help)" >&2; exit 2 ;;
        *) [[ -z "$prefix" ]] || { echo "install: one PREFIX only, not '$prefix' and '$1'" >&2; exit 2; }; prefix="$1"; shift ;;
    esac
done
((build || install)) || { echo "install: --no-build and --build-only leave nothing to do" >&2; exit 2; }
prefix="${prefix:-/usr/local}"
scratch=(--package-path "$root" --scratch-path "${SWIFT_SCRATCH_PATH:-$root/.build}")
if ((build)); then
    echo "install: building wayfinder ($configuration; a release build takes 10 to 20 minutes on two cores)"
    swift build "${scratch[@]}" -c "$configuration" --product wayfinder
    # The man page comes from the commands' own help (swift-argument-parser's generate-manual).
    swift build "${scratch[@]}" --product generate-manual >/dev/null
fi
if ((!install)); then
    echo "install: built; install it with: sudo $0 --no-build$([[ $configuration == debug ]] && echo " --debug") $prefix"
    exit 0
fi
mkdir -p "$prefix" 2>/dev/null || true
[[ -d "$prefix" && -w "$prefix" ]] || {
    echo "install: cannot write to $prefix; run it with sudo, or name a folder of yours such as ~/.local" >&2
    exit 1
}
prefix="$(cd "$prefix" && pwd)"
# The build folder's own links to its products, so that --no-build needs no swift on PATH.
bin="${SWIFT_SCRATCH_PATH:-$root/.build}/$configuration"
tools="${SWIFT_SCRATCH_PATH:-$root/.build}/debug"
[[ -x "$bin/wayfinder" ]] || { echo "install: $bin/wayfinder is not built; run without --no-build" >&2; exit 1; }
[[ -x "$tools/generate-manual" ]] || { echo "install: $tools/generate-manual is not built; run without --no-build" >&2; exit 1; }

lib="$prefix/lib/wayfinder"
mkdir -p "$lib" "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
# Copied under a temporary name and renamed, so that a running wayfinder keeps its file.
install -m 0755 "$bin/wayfinder" "$lib/wayfinder.new"
mv -f "$lib/wayfinder.new" "$lib/wayfinder"
# Resource bundles the program reads beside itself (the tests' bundles are not needed).
for bundle in "$bin"/*.resources; do
    [[ -e "$bundle" ]] || continue
    case "$(basename "$bundle")" in *Tests.resources) continue ;; esac
    rm -rf "$lib/$(basename "$bundle")"
    cp -R "$bundle" "$lib/"
done
ln -sfn ../lib/wayfinder/wayfinder "$prefix/bin/wayfinder"

"$lib/wayfinder" --generate-completion-script bash >"$prefix/share/bash-completion/completions/wayfinder"
"$lib/wayfinder" --generate-completion-script zsh >"$prefix/share/zsh/site-functions/_wayfinder"
"$lib/wayfinder" --generate-completion-script fish >"$prefix/share/fish/vendor_completions.d/wayfinder.fish"
manual="$(mktemp -d)"
trap 'rm -rf "$manual"' EXIT
"$tools/generate-manual" "$lib/wayfinder" --output-directory "$manual" >/dev/null
install -m 0644 "$manual/wayfinder.1" "$prefix/share/man/man1/wayfinder.1"

version="$("$prefix/bin/wayfinder" --version)"
echo "install: wayfinder $version is in $prefix/bin/wayfinder"
echo "  man page:    $prefix/share/man/man1/wayfinder.1 (man wayfinder)"
echo "  completions: bash, zsh and fish under $prefix/share"
case ":$PATH:" in
    *":$prefix/bin:"*) echo "Try it: wayfinder demo" ;;
    *) echo "$prefix/bin is not on your PATH; add it (export PATH=\"$prefix/bin:\$PATH\" in your shell's profile), then: wayfinder demo" ;;
esac
