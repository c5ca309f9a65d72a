#!/bin/sh
# Keeps the code in rooms a reader can hold: no product source file over 500
# lines and no function over 80, from its signature to its closing brace
# (universal-ctags' function definitions with their end lines: the whole
# tree in a fraction of a second, where a clang-tidy pass took minutes).
# Tests, benchmarks and generated or embedded files are exempt.
set -eu
src=${1:?usage: tests/check_size.sh <source dir> [build dir, unused]}
cd "$src"
files=$(git ls-files '*.cpp' '*.hpp' | grep -v '^tests/\|^bench/\|^cmake/')
status=0
for f in $files; do
  n=$(wc -l < "$f")
  if [ "$n" -gt 500 ]; then echo "check_size: $f has $n lines (at most 500: split it)"; status=1; fi
done
ctags=$(command -v ctags-universal || command -v ctags || true)
[ -n "$ctags" ] && "$ctags" --version | grep -q 'Universal Ctags' ||
  { echo "check_size: universal-ctags is missing (./install.sh installs it)" >&2; exit 1; }
# shellcheck disable=SC2086
out=$(echo "$files" | "$ctags" -L - -x --_xformat='%{end} %{line} %N %F' --kinds-C++=f --fields=+ne -o - |
  awk '$1 != "" && $1 - $2 + 1 > 80 { print "check_size: " $4 ":" $2 ": " $3 " has " $1 - $2 + 1 " lines (at most 80: split it into named steps)" }')
if [ -n "$out" ]; then
  echo "$out"
  status=1
fi
[ "$status" = 0 ] && echo "check_size: $(echo "$files" | wc -l) files at most 500 lines, no function over 80 lines"
exit "$status"
