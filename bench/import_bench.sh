#!/usr/bin/env bash
# Import benchmark (README "Performance"): cold and warm `clown usage
# import-claude`, `clown usage --period all --json`, and ccusage on the same
# corpus, side by side; then cold and warm `clown usage import-codex` on a
# synthetic Codex CLI home (bench/gen_codex_corpus).
#
#   bench/import_bench.sh BUILD_DIR [WORK_DIR]
#
# BUILD_DIR holds the built `clown`, `bench/gen_corpus` and `bench/gen_codex_corpus`
# (ninja clown gen_corpus gen_codex_corpus).
# WORK_DIR (default /tmp/clown-bench) receives the corpus (~1.2 GiB, generated
# once, reused), a private CLOWN_HOME and ccusage installed with npm.
# Needs: hyperfine, /usr/bin/time, npm (registry access once, for ccusage).
set -euo pipefail

build=$(cd "${1:?usage: bench/import_bench.sh BUILD_DIR [WORK_DIR]}" && pwd)
work=${2:-/tmp/clown-bench}
clown="$build/clown"
gen="$build/bench/gen_corpus"
corpus="$work/claude"
home="$work/home"
runs=${RUNS:-5}
ccusage_version=20.0.24

for tool in hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "import_bench: $tool is required (apt-get install ${tool##*/})" >&2; exit 1; }
done
gen_codex="$build/bench/gen_codex_corpus"
[ -x "$clown" ] && [ -x "$gen" ] && [ -x "$gen_codex" ] ||
  { echo "import_bench: build clown, gen_corpus and gen_codex_corpus in $build first" >&2; exit 1; }
mkdir -p "$work"

if [ ! -f "$work/totals.json" ]; then
  echo "== generating corpus in $corpus"
  rm -rf "$corpus"
  "$gen" "$corpus" > "$work/totals.json.tmp"
  mv "$work/totals.json.tmp" "$work/totals.json"
fi
python3 - "$work/totals.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
print(f"corpus: {t['files']} files, {t['bytes'] / 2**30:.2f} GiB, {t['requests']} requests, "
      f"{t['usage_lines']} usage lines, {t['skipped_lines']} bad lines")
EOF
python3 - "$corpus" <<'EOF'
import os, sys
sizes = sorted(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(sys.argv[1]) for f in fs if f.endswith('.jsonl'))
q = lambda p: sizes[min(len(sizes) - 1, int(p * len(sizes)))]
print(f"file sizes: median {q(0.5)/1e3:.0f} KB, p90 {q(0.9)/1e3:.0f} KB, p99 {q(0.99)/1e6:.1f} MB, max {sizes[-1]/1e6:.0f} MB")
EOF

# Page cache warm for every tool alike: the benchmark measures parsing, not the disk.
find "$corpus" -name '*.jsonl' -print0 | xargs -0 cat > /dev/null

import_cmd="CLOWN_HOME=$home $clown usage import-claude --claude-dir $corpus --json"

echo "== cold import (fresh CLOWN_HOME each run)"
hyperfine --style basic --runs "$runs" --prepare "rm -rf $home" --export-json "$work/cold.json" "$import_cmd"
rm -rf "$home"
/usr/bin/time -v env CLOWN_HOME="$home" "$clown" usage import-claude --claude-dir "$corpus" --json \
  > "$work/import.json" 2> "$work/cold-time.txt"
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/cold-time.txt")
echo "cold import peak RSS: $((rss_kb / 1024)) MiB"
cat "$work/import.json"

echo "== checking clown's totals against the corpus's known totals"
CLOWN_HOME="$home" "$clown" usage --period all --json > "$work/usage.json"
python3 - "$work/totals.json" "$work/usage.json" <<'EOF'
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
EOF

echo "== warm import (nothing new)"
hyperfine --style basic --warmup 2 --runs 20 --export-json "$work/warm.json" "$import_cmd"

echo "== clown usage --period all --json"
hyperfine --style basic --warmup 2 --runs 20 --export-json "$work/usage-bench.json" \
  "CLOWN_HOME=$home $clown usage --period all --json"

echo "== ccusage daily --json --offline (ccusage@$ccusage_version, native binary)"
npm_dir="$work/npm"
native="$npm_dir/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
if [ ! -f "$native" ]; then
  npm install --silent --prefix "$npm_dir" "ccusage@$ccusage_version" "@ccusage/ccusage-linux-x64@$ccusage_version" >/dev/null
fi
chmod +x "$native"
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/ccusage.json" \
  "CLAUDE_CONFIG_DIR=$corpus $native daily --json --offline > /dev/null"

echo "== Codex CLI: cold and warm import-codex"
codex_corpus="$work/codex"
codex_home="$work/home-codex"
if [ ! -f "$work/codex-totals.json" ]; then
  rm -rf "$codex_corpus"
  "$gen_codex" "$codex_corpus" > "$work/codex-totals.json.tmp"
  mv "$work/codex-totals.json.tmp" "$work/codex-totals.json"
fi
python3 - "$work/codex-totals.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
print(f"codex corpus: {t['files']} rollouts, {t['bytes'] / 2**20:.0f} MiB, {t['requests']} requests, {t['skipped_lines']} bad lines")
EOF
find "$codex_corpus" -type f -print0 | xargs -0 cat > /dev/null
codex_cmd="CLOWN_HOME=$codex_home $clown usage import-codex --dir $codex_corpus --json"
hyperfine --style basic --runs "$runs" --prepare "rm -rf $codex_home" --export-json "$work/codex-cold.json" "$codex_cmd"
rm -rf "$codex_home"
/usr/bin/time -v env CLOWN_HOME="$codex_home" "$clown" usage import-codex --dir "$codex_corpus" --json \
  > "$work/codex-import.json" 2> "$work/codex-cold-time.txt"
codex_rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/codex-cold-time.txt")
echo "cold import-codex peak RSS: $((codex_rss_kb / 1024)) MiB"
CLOWN_HOME="$codex_home" "$clown" usage --period all --json > "$work/codex-usage.json"
python3 - "$work/codex-totals.json" "$work/codex-usage.json" "$work/codex-import.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1])); u = json.load(open(sys.argv[2])); i = json.load(open(sys.argv[3]))
got = u["total_tokens"]; k = t["tokens"]
want = {"input_tokens": k["input"], "output_tokens": k["output"], "cache_read_input_tokens": k["cache_read"]}
bad = {key: (got.get(key), v) for key, v in want.items() if got.get(key) != v}
if u.get("total_requests") != t["requests"]: bad["total_requests"] = (u.get("total_requests"), t["requests"])
if i.get("skipped_lines") != t["skipped_lines"]: bad["skipped_lines"] = (i.get("skipped_lines"), t["skipped_lines"])
print("codex totals: exact" if not bad else f"codex totals: MISMATCH {bad}")
sys.exit(1 if bad else 0)
EOF
hyperfine --style basic --warmup 2 --runs 20 --export-json "$work/codex-warm.json" "$codex_cmd"

python3 - "$work" <<'EOF'
import json, sys, os
w = sys.argv[1]
m = lambda f: json.load(open(os.path.join(w, f)))["results"][0]["median"]
cold, warm, usage, cc = m("cold.json"), m("warm.json"), m("usage-bench.json"), m("ccusage.json")
codex_cold, codex_warm = m("codex-cold.json"), m("codex-warm.json")
print()
print(f"cold import-claude          {cold*1000:8.1f} ms   (target <= 1000 ms)")
print(f"warm import-claude          {warm*1000:8.1f} ms   (target <= 50 ms)")
print(f"clown usage --period all    {usage*1000:8.1f} ms   (target <= 30 ms)")
print(f"ccusage daily --offline     {cc*1000:8.1f} ms")
print(f"ccusage / clown cold import {cc/cold:8.1f} x")
print(f"cold import-codex           {codex_cold*1000:8.1f} ms")
print(f"warm import-codex           {codex_warm*1000:8.1f} ms")
EOF
