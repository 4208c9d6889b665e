#!/usr/bin/env bash
# Usage: bash .ci/duplicates.sh [REPO_ROOT]  — duplicates over the hand-written crates,
# trybuild cases (tests/compile/ui, tests/compile/pass) and fixtures left out: the measure used for the hand-written crates.
root=${1:-$(git rev-parse --show-toplevel)}
out=$(mktemp -d)
for c in b24-core b24-macros b24-emulator xtask tests; do
  [ -d "$root/$c" ] || continue
  (cd "$root/$c" && { git ls-files; git ls-files --others --exclude-standard; } | grep -vE '^(compile/ui|compile/pass|fixtures|expand)/' | sort -u | while read -r f; do
     [ -f "$f" ] || continue; mkdir -p "$out/$c/$(dirname "$f")"; cp "$f" "$out/$c/$f"; done)
done
duplicates --repo "$out" --most 200 --seconds 60
rm -rf "$out"
