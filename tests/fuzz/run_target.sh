#!/usr/bin/env bash
# One libFuzzer target for a fixed number of runs from its seed corpus
# (fuzz/corpus/<name>/), as the test suite runs it (label fuzz). New inputs
# and any crash go to a temporary directory, never into the repo; a crash,
# leak, sanitizer report or timeout fails the test and names the input.
#
#   tests/fuzz/run_target.sh FUZZ_BUILD_DIR NAME RUNS
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
[ $# -eq 3 ] || { echo "usage: tests/fuzz/run_target.sh FUZZ_BUILD_DIR NAME RUNS" >&2; exit 2; }
build="$1" name="$2" runs="$3"
bin="$build/fuzz/fuzz_$name"
[ -x "$bin" ] || { echo "run_target.sh: $bin is missing: the fuzz_build test builds it (fuzz/build.sh)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
export TMPDIR="$work"
# A fixed seed: the same runs every time, so a failure here reproduces.
status=0
"$bin" -runs="$runs" -seed=1 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$src/fuzz/corpus/$name" >"$work/log" 2>&1 || status=$?
grep -E '^(INFO: seed corpus|stat::number_of_executed_units|stat::peak_rss_mb|Done )' "$work/log" || true
if [ "$status" != 0 ]; then
  tail -n 60 "$work/log"
  for f in "$work"/artifacts/*; do
    [ -f "$f" ] || continue
    echo "run_target.sh: fuzz_$name failed on this input (base64; add it to fuzz/corpus/$name/ and a Catch2 test):"
    base64 -w0 "$f"
    echo
  done
  exit 1
fi
