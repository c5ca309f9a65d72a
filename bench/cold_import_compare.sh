#!/usr/bin/env bash
# Cold `clown usage import-claude` of the bench corpus with two builds and
# ccusage, interleaved (README "Performance"): on a shared machine each round
# sees the same load. Prints per run wall, user+sys CPU and peak RSS, then the
# medians and each build's median wall time over ccusage's.
#
#   bench/cold_import_compare.sh BEFORE_CLOWN AFTER_CLOWN [WORK_DIR]
#
# WORK_DIR (default /tmp/clown-bench) holds the corpus (claude/) and ccusage
# (npm/) that bench/import_bench.sh generates and installs. ROUNDS (default 3).
# Needs: /usr/bin/time, python3; linux-perf (Debian) for the profile (PERF=1: one perf record
# of AFTER_CLOWN, summarized by thread and category).
set -euo pipefail
before=${1:?usage: bench/cold_import_compare.sh BEFORE_CLOWN AFTER_CLOWN [WORK_DIR]}
after=${2:?usage: bench/cold_import_compare.sh BEFORE_CLOWN AFTER_CLOWN [WORK_DIR]}
work=${3:-/tmp/clown-bench}
rounds=${ROUNDS:-3}
corpus="$work/claude"
ccusage="$work/npm/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
[ -d "$corpus" ] && [ -x "$ccusage" ] || { echo "cold_import_compare: run bench/import_bench.sh once first" >&2; exit 1; }
find "$corpus" -name '*.jsonl' -print0 | xargs -0 cat > /dev/null  # page cache warm for all alike
out="$work/compare.txt"
: > "$out"
measure() {  # name, command...
  local name=$1
  shift
  /usr/bin/time -f "$name %e %U %S %M" "$@" > /dev/null 2>> "$out.err" || true
  tail -1 "$out.err" >> "$out"
}
echo "load before: $(uptime)"
for i in $(seq 1 "$rounds"); do
  rm -rf "$work/home-before" "$work/home-after"
  measure before env CLOWN_HOME="$work/home-before" "$before" usage import-claude --claude-dir "$corpus" --json
  measure after env CLOWN_HOME="$work/home-after" "$after" usage import-claude --claude-dir "$corpus" --json
  measure ccusage env CLAUDE_CONFIG_DIR="$corpus" "$ccusage" daily --json --offline
done
echo "load after: $(uptime)"
rm -f "$out.err"
python3 - "$out" <<'PY'
import sys, statistics as st
runs = {}
for line in open(sys.argv[1]):
    name, wall, user, sys_, rss = line.split()
    runs.setdefault(name, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024))
med = {n: tuple(st.median(r[i] for r in v) for i in range(3)) for n, v in runs.items()}
for n, v in runs.items():
    print(f"{n:8} " + "  ".join(f"{w:.2f}s/{c:.2f}s cpu/{m:.0f}MiB" for w, c, m in v))
for n, (w, c, m) in med.items():
    print(f"median {n:8} wall {w:6.2f} s  cpu {c:5.2f} s  peak RSS {m:4.0f} MiB")
for n in ("before", "after"):
    print(f"{n} / ccusage: wall {med[n][0] / med['ccusage'][0]:.2f}x  cpu {med[n][1] / med['ccusage'][1]:.2f}x")
PY
if [ "${PERF:-0}" = 1 ]; then
  rm -rf "$work/home-after"
  CLOWN_TRACE_IMPORT=1 perf record -q -F 1999 -o "$work/perf.data" -- env CLOWN_HOME="$work/home-after" "$after" \
    usage import-claude --claude-dir "$corpus" --json > /dev/null
  perf script -i "$work/perf.data" -F tid,ip,sym,dso 2>/dev/null | python3 "$(dirname "$0")/perf_categories.py"
fi
