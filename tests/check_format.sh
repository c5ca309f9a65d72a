#!/bin/sh
# Fails when a C++ file of the repository differs from what clang-format
# (Debian's clang-format 14, with the repository's .clang-format) makes of it.
# Fix with: clang-format -i $(git ls-files '*.cpp' '*.hpp')
set -eu
cd "${1:?usage: tests/check_format.sh <source dir>}"
command -v clang-format >/dev/null || { echo "check_format: clang-format is missing (./install.sh installs it)" >&2; exit 1; }
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
  files=$(git ls-files '*.cpp' '*.hpp')
else
  files=$(find . -path ./build -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print | grep -v '/build')
fi
# shellcheck disable=SC2086
clang-format --dry-run --Werror $files
echo "check_format: $(echo "$files" | wc -l) files formatted"
