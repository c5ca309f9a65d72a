#!/usr/bin/env bash
# `clown statusline` on a heavy history: a copy of a CLOWN_HOME (default
# /work/bench/home: 144k requests from 1.2 GiB of transcripts) whose requests
# are shifted so the newest is a minute old (today's spend and an active
# block to compute). Median of N runs (default 50) with hyperfine for the
# cached case (the store unchanged since the last update, the common case
# while Claude Code refreshes its status line) and for the case where the
# store changed before every run (the figures recomputed), plus peak RSS.
# The session's own spend is read from a real-sized transcript (the biggest
# main transcript of the corpus, default /work/bench/claude); "store changed"
# also appends a line to it before every run, as Claude Code does.
#   bench/statusline_bench.sh [build dir] [home to copy] [runs] [transcripts dir]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
src=${2:-/work/bench/home}
runs=${3:-50}
clown="$build/clown"
transcripts=${4:-/work/bench/claude}
capture=$(cd "$(dirname "$0")/.." && pwd)/tests/data/claude/statusline/2.1.328/oauth-03.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src" "$work/home"
transcript=$(find "$transcripts" -name '*.jsonl' -not -path '*/subagents/*' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
cp "$transcript" "$work/session.jsonl"
grep '"usage"' "$work/session.jsonl" | tail -1 >"$work/line.jsonl"
input="$work/input.json"
python3 - "$capture" "$work/session.jsonl" "$input" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["transcript_path"] = sys.argv[2]
json.dump(j, open(sys.argv[3], "w"))
PY
export CLOWN_HOME="$work/home"
db="$CLOWN_HOME/telemetry/usage.db"
now_ms=$(( $(date +%s) * 1000 ))
sqlite3 "$db" "UPDATE requests SET ts_ms = ts_ms + ($now_ms - 60000 - (SELECT max(ts_ms) FROM requests));"
echo "requests: $(sqlite3 "$db" 'SELECT count(*) FROM requests')  store: $(du -sh "$CLOWN_HOME" | cut -f1)  session transcript: $(du -h "$work/session.jsonl" | cut -f1)"
"$clown" usage --period all >/dev/null  # the rollup cache, as after any report
for _ in 1 2 3; do "$clown" statusline <"$input"; done
# Touching usage.db changes the store's stamp: the next update recomputes.
# The input comes through a shell redirect (hyperfine 1.15 has no --input):
# the shell's start is measured separately and subtracted.
hyperfine --warmup 3 --runs "$runs" --export-json "$work/h.json" \
  -n cached "$clown statusline < $input" \
  -n 'store changed' --prepare "touch $db; cat $work/line.jsonl >> $work/session.jsonl" "$clown statusline < $input" \
  -n 'sh only' "true < $input" >/dev/null
python3 - "$work/h.json" <<'PY'
import json, sys
res = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
def p95(x):
    t = sorted(x["times"])
    return t[min(len(t) - 1, int(0.95 * len(t)))] * 1000
sh = res["sh only"]["median"] * 1000
cpu_sh = (res["sh only"]["user"] + res["sh only"]["system"]) * 1000
for name in ("cached", "store changed"):
    x = res[name]
    cpu = (x["user"] + x["system"]) * 1000 - cpu_sh
    print(f"statusline {name:14s} median {x['median'] * 1000 - sh:6.2f} ms  p95 {p95(x) - sh:6.2f} ms  "
          f"CPU (user+sys, mean) {cpu:5.2f} ms  (target <= 10 ms; sh -c {sh:.2f} ms subtracted)")
PY
rss=$( { /usr/bin/time -f '%M' "$clown" statusline <"$input" >/dev/null; } 2>&1 | tail -1 )
echo "statusline peak RSS (cached)        $(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}') MiB  (target <= 16 MiB)"
touch "$db"
cat "$work/line.jsonl" >>"$work/session.jsonl"
rss=$( { /usr/bin/time -f '%M' "$clown" statusline <"$input" >/dev/null; } 2>&1 | tail -1 )
echo "statusline peak RSS (store changed) $(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}') MiB  (target <= 16 MiB)"
