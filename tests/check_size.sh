#!/bin/sh
# Keeps the code in rooms a reader can hold: no product source file over 500
# lines and no function over 80 (clang-tidy readability-function-size).
# Tests, benchmarks and generated or embedded files are exempt.
set -eu
src=${1:?usage: tests/check_size.sh <source dir> <build dir with compile_commands.json>}
build=${2:?usage: tests/check_size.sh <source dir> <build dir>}
cd "$src"
files=$(git ls-files '*.cpp' '*.hpp' | grep -v '^tests/\|^bench/\|^cmake/')
status=0
for f in $files; do
  n=$(wc -l < "$f")
  if [ "$n" -gt 500 ]; then echo "check_size: $f has $n lines (at most 500: split it)"; status=1; fi
done
command -v clang-tidy >/dev/null || { echo "check_size: clang-tidy is missing (./install.sh installs it)" >&2; exit 1; }
cpps=$(echo "$files" | grep '\.cpp$')
# shellcheck disable=SC2086
out=$(echo $cpps | xargs -n 8 -P 2 clang-tidy -p "$build" --quiet --checks='-*,readability-function-size' \
  --extra-arg=-Wno-unknown-warning-option \
  --config='{CheckOptions: [{key: readability-function-size.LineThreshold, value: 80}]}' 2>/dev/null |
  grep 'exceeds recommended size' || true)
if [ -n "$out" ]; then
  echo "$out" | sed 's/^/check_size: /; s/ \[readability-function-size\]//; s/exceeds recommended size\/complexity thresholds/is over 80 lines: split it into named steps/'
  status=1
fi
[ "$status" = 0 ] && echo "check_size: $(echo "$files" | wc -l) files at most 500 lines, no function over 80 lines"
exit "$status"
