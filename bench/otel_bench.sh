#!/usr/bin/env bash
# What Claude Code's OpenTelemetry costs a `clown run` (docs/accuracy.md#otel):
# the fake agent (tests/fake_agent) acts like Claude Code — SessionStart and
# SessionEnd hooks, and with telemetry one api_request event exported to
# clownd just before it exits, as Claude Code flushes at exit. Two profiles:
# telemetry on (the default) and `telemetry = false`.
#   - launch overhead: hyperfine medians of `clown run` against the agent alone;
#   - exit latency: agent exit (the fake agent stamps the wall clock as its
#     last act) -> `clown run` exit (stamped by the driver when wait returns),
#     median of N runs each.
#   bench/otel_bench.sh [build dir] [runs]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-30}
clown="$build/clown"
agent="$build/tests/fake_agent/fake_agent"
work=$(mktemp -d)
export CLOWN_HOME="$work/home" HOME="$work/user" NO_COLOR=1
mkdir -p "$CLOWN_HOME" "$HOME"
trap '"$clown" daemon stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
printf '[daemon]\nport = 0\n' > "$CLOWN_HOME/config.toml"
"$clown" profiles create on --provider self --agent-bin "$agent" >/dev/null
"$clown" profiles create off --provider self --agent-bin "$agent" >/dev/null
"$clown" profiles set off telemetry=false >/dev/null
export FAKE_AGENT_SESSION=5e551011-0000-4000-8000-00000000be4c FAKE_AGENT_OTLP=1
# Warm up: the first telemetry run starts clownd.
for _ in 1 2 3; do "$clown" run on; "$clown" run off; done

hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/h.json" \
  -n agent "$agent" -n 'telemetry off' "$clown run off" -n 'telemetry on' "$clown run on" >/dev/null
python3 - "$work/h.json" "$clown" "$work/stamp" "$runs" <<'PY'
import json, statistics, subprocess, sys, time
h, clown, stamp, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
r = {x["command"]: x["median"] * 1000 for x in json.load(open(h))["results"]}
print(f"agent alone            median {r['agent']:7.2f} ms")
print(f"clown run, telemetry off median {r['telemetry off']:7.2f} ms  (overhead {r['telemetry off'] - r['agent']:.2f} ms)")
print(f"clown run, telemetry on  median {r['telemetry on']:7.2f} ms  (overhead {r['telemetry on'] - r['agent']:.2f} ms)")
import os
def exit_latency(profile):
    out = []
    env = dict(os.environ, FAKE_AGENT_EXIT_STAMP=stamp)
    for _ in range(runs):
        subprocess.run([clown, "run", profile], env=env, check=True)
        done = time.time_ns()
        out.append((done - int(open(stamp).read())) / 1e6)
    return statistics.median(out)
off, on = exit_latency("off"), exit_latency("on")
print(f"exit latency, telemetry off  median {off:6.2f} ms")
print(f"exit latency, telemetry on   median {on:6.2f} ms  (added {on - off:.2f} ms, target <= 50 ms)")
PY
