#!/usr/bin/env bash
# Launch overhead of `clown run`: a profile whose agent is /bin/true, against
# running /bin/true directly. Median of N runs (default 20) with hyperfine, and
# peak RSS of `clown run` with /usr/bin/time.
# With a home to copy (e.g. /work/bench/home: 144k requests), the budget gate
# is measured too: the copy's requests become the profile's (shifted so the
# newest is a minute old), config.toml gets overall and per-profile budgets,
# and `clown run` is timed with the store unchanged since the last report and
# with usage.db changed before every run (the rollup cache is then rebuilt).
#   bench/launch_bench.sh [build dir] [runs] [home to copy]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-20}
heavy=${3:-}
clown="$build/clown"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CLOWN_HOME="$work/home"
if [ -n "$heavy" ]; then
  cp -r "$heavy" "$CLOWN_HOME"
  db="$CLOWN_HOME/telemetry/usage.db"
  now_ms=$(( $(date +%s) * 1000 ))
  sqlite3 "$db" "UPDATE requests SET profile = 'bench', ts_ms = ts_ms + ($now_ms - 60000 - (SELECT max(ts_ms) FROM requests));"
  printf '[budgets]\nmonthly = 1000000\n[budgets.profiles.bench]\ndaily = 1000000\nweekly = 1000000\nmonthly = 1000000\n' \
    >>"$CLOWN_HOME/config.toml"
fi
"$clown" profiles create bench --provider self --agent-bin /bin/true >/dev/null
# The launcher alone: no OpenTelemetry receiver to start or find (a daemon
# that cannot start, e.g. its port taken, would be retried on every run).
"$clown" profiles set bench telemetry=false >/dev/null
# Warm the page cache and create the telemetry files the steady state has.
for _ in 1 2 3; do "$clown" run bench; done

if [ -n "$heavy" ]; then
  # The report cache current, as every writer leaves it after its commit
  # (the copy's requests were just rewritten by sqlite3 above).
  "$clown" usage --period all >/dev/null
  # --prepare given once per command (hyperfine applies a single one to all).
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/h.json" \
    --prepare true -n direct '/bin/true' --prepare true -n 'clown run' "$clown run bench" \
    --prepare "touch $db" -n 'clown run, store changed' "$clown run bench" >/dev/null
else
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/h.json" \
    -n direct '/bin/true' -n 'clown run' "$clown run bench" >/dev/null
fi
python3 - "$work/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
d = r["direct"]["median"] * 1000
cpu_d = (r["direct"]["user"] + r["direct"]["system"]) * 1000
print(f"direct /bin/true   median {d:7.2f} ms")
for name in ("clown run", "clown run, store changed"):
    if name not in r:
        continue
    c = r[name]["median"] * 1000
    cpu = (r[name]["user"] + r[name]["system"]) * 1000
    print(f"{name:26s} median {c:7.2f} ms  overhead {c - d:7.2f} ms  CPU overhead {cpu - cpu_d:7.2f} ms  (target < 5 ms)")
PY
# Time to the agent's first instruction (what the user waits for), through
# `clown run` and direct: bench/launch_probe.cpp. The finish after the agent
# exits (recording the run) is in the hyperfine figures above, not here.
if [ -x "$build/bench/launch_probe" ]; then
  ln -s "$build/bench/launch_probe" "$work/launch_agent"
  "$clown" profiles create probe --provider self --agent-bin "$work/launch_agent" >/dev/null
  "$clown" profiles set probe telemetry=false >/dev/null
  [ -n "$heavy" ] && sqlite3 "$db" "UPDATE requests SET profile = 'probe' WHERE profile = 'bench';" && \
    printf '[budgets.profiles.probe]\ndaily = 1000000\nweekly = 1000000\nmonthly = 1000000\n' >>"$CLOWN_HOME/config.toml"
  [ -n "$heavy" ] && "$clown" usage --period all >/dev/null  # the report cache current again
  export CLOWN_PROBE_OUT="$work/probe.out"
  read -r d_med d_p95 < <("$build/bench/launch_probe" "$runs" -- "$work/launch_agent")
  read -r c_med c_p95 < <("$build/bench/launch_probe" "$runs" -- "$clown" run probe)
  awk -v dm="$d_med" -v dp="$d_p95" -v cm="$c_med" -v cp="$c_p95" 'BEGIN {
    printf "agent start, direct       median %7.2f ms  p95 %7.2f ms\n", dm, dp
    printf "agent start, clown run    median %7.2f ms  p95 %7.2f ms  launch overhead %5.2f ms  (target < 5 ms)\n", cm, cp, cm - dm }'
  if [ -n "$heavy" ]; then
    # The gate alone: the same profile and store without budgets, 3 rounds
    # alternating with the budgets (medians of RUNS each).
    cp "$CLOWN_HOME/config.toml" "$work/with.toml"
    grep -v -e '^\[budgets' -e '^daily' -e '^weekly' -e '^monthly' "$work/with.toml" >"$work/without.toml" || true  # only budgets: empty
    for _ in 1 2 3; do
      cp "$work/without.toml" "$CLOWN_HOME/config.toml"
      read -r n_med _ < <("$build/bench/launch_probe" "$runs" -- "$clown" run probe)
      cp "$work/with.toml" "$CLOWN_HOME/config.toml"
      read -r b_med _ < <("$build/bench/launch_probe" "$runs" -- "$clown" run probe)
      awk -v n="$n_med" -v b="$b_med" 'BEGIN {
        printf "budget gate alone         %5.2f ms  (agent start %.2f ms with budgets, %.2f ms without; target <= 1 ms)\n", b - n, b, n }'
    done
  fi
fi
rss=$( { /usr/bin/time -f '%M' "$clown" run bench; } 2>&1 | tail -1 )
echo "clown run peak RSS        $(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}') MiB  (target < 10 MiB)"
echo "clown ldd:"; ldd "$clown" | awk '{print "  " $1}' | sort | tr '\n' ' '; echo
