#!/usr/bin/env bash
# Memory benchmark (README "Performance"): peak RSS of a cold `clown usage
# import-claude` of ONE transcript with N requests (default 2,000,000), the
# totals checked exactly against the generator's.
#
#   bench/memory_bench.sh BUILD_DIR [WORK_DIR] [REQUESTS]
#
# BUILD_DIR holds the built `clown` and `bench/gen_corpus` (ninja clown gen_corpus).
# WORK_DIR (default /tmp/clown-membench) receives the transcript (~0.8 GiB for
# 2M requests, generated once per REQUESTS and reused) and a private CLOWN_HOME.
# RUNS (default 3) cold imports are measured; the median is printed.
# Needs: /usr/bin/time, python3.
set -euo pipefail

build=$(cd "${1:?usage: bench/memory_bench.sh BUILD_DIR [WORK_DIR] [REQUESTS]}" && pwd)
work=${2:-/tmp/clown-membench}
requests=${3:-2000000}
runs=${RUNS:-3}
clown="$build/clown"
gen="$build/bench/gen_corpus"
corpus="$work/claude-$requests"
home="$work/home"
[ -x /usr/bin/time ] || { echo "memory_bench: /usr/bin/time is required (apt-get install time)" >&2; exit 1; }
[ -x "$clown" ] && [ -x "$gen" ] || { echo "memory_bench: build clown and gen_corpus in $build first" >&2; exit 1; }
mkdir -p "$work"

if [ ! -f "$corpus.totals.json" ]; then
  echo "== generating one transcript with $requests requests in $corpus"
  rm -rf "$corpus"
  "$gen" "$corpus" --single-file-requests "$requests" > "$corpus.totals.json.tmp"
  mv "$corpus.totals.json.tmp" "$corpus.totals.json"
fi
python3 -c "import json,sys; t=json.load(open(sys.argv[1])); print(f\"transcript: {t['bytes']/2**20:.0f} MiB, {t['requests']} requests, {t['usage_lines']} usage lines\")" "$corpus.totals.json"
find "$corpus" -name '*.jsonl' -print0 | xargs -0 cat > /dev/null  # page cache warm
echo "load: $(uptime)"

for i in $(seq 1 "$runs"); do
  rm -rf "$home"
  /usr/bin/time -v env CLOWN_HOME="$home" "$clown" usage import-claude --claude-dir "$corpus" --json \
    > "$work/import.json" 2> "$work/time-$i.txt"
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$i.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time-$i.txt")
  echo "run $i: peak RSS $((rss_kb / 1024)) MiB, wall $wall"
  echo "$rss_kb" >> "$work/rss.$$"
done
echo "load: $(uptime)"
median_kb=$(sort -n "$work/rss.$$" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
rm -f "$work/rss.$$"
echo "median peak RSS: $((median_kb / 1024)) MiB (target <= 64 MiB)"

CLOWN_HOME="$home" "$clown" usage --period all --json > "$work/usage.json"
python3 - "$corpus.totals.json" "$work/usage.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); u = json.load(open(sys.argv[2]))
got = u["total_tokens"]; k = t["tokens"]
want = {"input_tokens": k["input"], "output_tokens": k["output"],
        "cache_creation_input_tokens": k["cache_write_5m"] + k["cache_write_1h"],
        "cache_read_input_tokens": k["cache_read"]}
bad = {key: (got.get(key), v) for key, v in want.items() if got.get(key) != v}
if u.get("total_requests") != t["requests"]:
    bad["total_requests"] = (u.get("total_requests"), t["requests"])
print("totals: exact" if not bad else f"totals: MISMATCH {bad}")
sys.exit(1 if bad else 0)
PY
[ "$median_kb" -le $((64 * 1024)) ]
