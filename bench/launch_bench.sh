#!/usr/bin/env bash
# Launch overhead of `clown run`: a profile whose agent is /bin/true, against
# running /bin/true directly. Median of N runs (default 20) with hyperfine, and
# peak RSS of `clown run` with /usr/bin/time.
#   bench/launch_bench.sh [build dir] [runs]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-20}
clown="$build/clown"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CLOWN_HOME="$work/home"
"$clown" profiles create bench --provider self --agent-bin /bin/true >/dev/null
# Warm the page cache and create the telemetry files the steady state has.
for _ in 1 2 3; do "$clown" run bench; done

hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/h.json" \
  -n direct '/bin/true' -n 'clown run' "$clown run bench" >/dev/null
python3 - "$work/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
d, c = r["direct"]["median"] * 1000, r["clown run"]["median"] * 1000
print(f"direct /bin/true   median {d:7.2f} ms")
print(f"clown run bench    median {c:7.2f} ms")
print(f"launch overhead    median {c - d:7.2f} ms  (target < 5 ms)")
PY
rss=$( { /usr/bin/time -f '%M' "$clown" run bench; } 2>&1 | tail -1 )
echo "clown run peak RSS        $(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}') MiB  (target < 10 MiB)"
echo "clown ldd:"; ldd "$clown" | awk '{print "  " $1}' | sort | tr '\n' ' '; echo
