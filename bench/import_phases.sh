#!/usr/bin/env bash
# The writer (main) thread's CPU per phase of a cold `clown usage
# import-claude` (CLOWN_TRACE_IMPORT=1), for one or more builds, interleaved
# so that on a shared machine each build sees the same load; medians of
# ROUNDS (default 5) runs per build. The writer thread is the import's
# critical path on 2 cores (README "Performance").
#
#   bench/import_phases.sh CORPUS_DIR CLOWN [CLOWN...]
#
# CORPUS_DIR is a Claude config dir (bench/import_bench.sh's
# /tmp/clown-bench/claude). Needs: /usr/bin/time, python3.
set -euo pipefail
corpus=${1:?usage: bench/import_phases.sh CORPUS_DIR CLOWN [CLOWN...]}
shift
[ $# -ge 1 ] || { echo "usage: bench/import_phases.sh CORPUS_DIR CLOWN [CLOWN...]" >&2; exit 2; }
rounds=${ROUNDS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load before: $(cat /proc/loadavg)"
for _ in $(seq 1 "$rounds"); do
  for i in $(seq 1 $#); do
    rm -rf "$work/home"
    CLOWN_TRACE_IMPORT=1 CLOWN_HOME="$work/home" /usr/bin/time -f "time %e %U %S" "${!i}" usage import-claude \
      --claude-dir "$corpus" --json 2>&1 > /dev/null | sed "s|^|$i |" >> "$work/trace.txt"
  done
done
echo "load after: $(cat /proc/loadavg)"
python3 - "$work/trace.txt" "$@" <<'PY'
import collections, re, statistics as st, sys
runs = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    build, rest = line.split(" ", 1)
    m = re.match(r"import: (.+?)\s+[\d.]+ ms wall\s+([\d.]+) ms main-thread cpu", rest)
    if m:
        runs[build][m.group(1)].append(float(m.group(2)))
    m = re.match(r"time ([\d.]+) ([\d.]+) ([\d.]+)", rest)
    if m:
        runs[build]["(process CPU)"].append((float(m.group(2)) + float(m.group(3))) * 1000)
        runs[build]["(wall)"].append(float(m.group(1)) * 1000)
builds = sorted(runs)
for i, b in enumerate(builds):
    print(f"build {b}: {sys.argv[2 + i]}")
print("main-thread CPU, ms".ljust(28) + "".join(f"build {b}".rjust(10) for b in builds))
# Builds may split the work into different phases: each phase in the order
# the builds print it, "-" where a build has no such phase.
phases = []
for b in builds:
    for phase in runs[b]:
        if phase not in phases:
            phases.append(phase)
for phase in phases:
    print(phase.ljust(28) + "".join(
        (f"{st.median(runs[b][phase]):10.0f}" if runs[b].get(phase) else "-".rjust(10)) for b in builds))
print("main thread, all phases".ljust(28) + "".join(
    f"{sum(st.median(v) for p, v in runs[b].items() if not p.startswith('(')):10.0f}" for b in builds))
PY
