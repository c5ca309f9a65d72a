#!/usr/bin/env bash
# Report benchmark (README "Performance"): warm timings of every analytics
# report (`clown usage weekly|monthly|blocks|session|roi|budget|insights`,
# the summary with budgets, daily --breakdown) on a heavy store.
#
#   bench/reports_bench.sh BUILD_DIR [SOURCE_HOME] [WORK_DIR]
#
# SOURCE_HOME is a CLOWN_HOME with an imported corpus (default
# /tmp/clown-bench/home, what bench/import_bench.sh leaves: 144,622 requests
# from the 1.23 GiB generated corpus). It is copied to WORK_DIR (default
# /tmp/clown-reports-bench) and never modified; the copy gets a config.toml
# with budgets and a custom plan so those code paths run too.
# Needs: hyperfine, python3.
set -euo pipefail

build=$(cd "${1:?usage: bench/reports_bench.sh BUILD_DIR [SOURCE_HOME] [WORK_DIR]}" && pwd)
source_home=${2:-/tmp/clown-bench/home}
work=${3:-/tmp/clown-reports-bench}
clown="$build/clown"
runs=${RUNS:-30}

command -v hyperfine >/dev/null || { echo "reports_bench: hyperfine is required (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$clown" ] || { echo "reports_bench: build clown in $build first" >&2; exit 1; }
[ -f "$source_home/telemetry/usage.db" ] ||
  { echo "reports_bench: no store in $source_home (run bench/import_bench.sh first)" >&2; exit 1; }

home="$work/home"
rm -rf "$work"
mkdir -p "$work"
cp -a "$source_home" "$home"
cat > "$home/config.toml" <<'TOML'
[budgets]
daily = 50
weekly = 200
monthly = 600
[budgets.profiles.claude-native]
monthly = 500
[[plans]]
name = "Team"
monthly_usd = 30
TOML
export CLOWN_HOME="$home" NO_COLOR=1

# The corpus lies in the past: reports use --period all (the whole store).
read -r session typical < <("$clown" usage sessions --period all --limit 0 --json | python3 -c '
import json, sys
s = sorted(json.load(sys.stdin)["sessions"], key=lambda r: r["requests"])
print(s[-1]["session_id"], s[len(s) // 2]["session_id"])')
requests=$("$clown" usage --period all --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["total_requests"])')
# The corpus lies in the past: roi and insights use their default windows
# (30 and 7 days) ending on its last day.
read -r last week_ago month_ago < <("$clown" usage daily --period all --json | python3 -c '
import datetime, json, sys
last = datetime.date.fromisoformat(json.load(sys.stdin)["daily"][-1]["date"])
print(last, last - datetime.timedelta(days=6), last - datetime.timedelta(days=29))')
echo "store: $requests requests up to $last; sessions: largest $session, median $typical"

names=(weekly monthly blocks "blocks --active" "session (largest)" "session (median)" roi budget insights
       "insights --period all" "summary + budgets" "daily --breakdown")
cmds=(
  "$clown usage weekly --json"
  "$clown usage monthly --json"
  "$clown usage blocks --json"
  "$clown usage blocks --active --json"
  "$clown usage session $session --json"
  "$clown usage session $typical --json"
  "$clown usage roi --since $month_ago --until $last --json"
  "$clown usage budget --json"
  "$clown usage insights --since $week_ago --until $last --json"
  "$clown usage insights --period all --json"
  "$clown usage --period all --json"
  "$clown usage daily --breakdown --period all --json"
)
# First runs build the rollup cache (telemetry/report-cache.bin); the
# benchmark measures warm runs, as a user's second `clown usage` is.
for c in "${cmds[@]}"; do $c > /dev/null; done
args=()
for i in "${!cmds[@]}"; do args+=(--command-name "${names[$i]}" "${cmds[$i]} > /dev/null"); done
hyperfine --style basic --warmup 3 --runs "$runs" --export-json "$work/reports.json" "${args[@]}"

python3 - "$work/reports.json" <<'PY'
import json, sys
print()
for r in json.load(open(sys.argv[1]))["results"]:
    cpu = (r["user"] + r["system"]) * 1000
    print(f"{r['command']:<22} {r['median'] * 1000:7.1f} ms median  (min {r['min'] * 1000:.1f}, cpu {cpu:.1f})  target <= 30 ms")
PY
