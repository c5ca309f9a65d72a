#!/bin/sh
# GET /metrics benchmark (not a test): the scrape Prometheus makes, against a large store.
#   - p99 of repeated scrapes, one connection (Prometheus scrapes a target serially) and 10
#   - the uncached scrape: config.toml touched before each of 20 scrapes, so the daemon
#     recomputes the usage part (as it does once a minute, or after the store changes)
# usage: bench/metrics_bench.sh <build dir> [store: a CLOWN_HOME to copy, or a request count to
#        seed with bench/webui_seed; default 1000000] [seconds=10]
set -eu
build=$(cd "${1:?usage: metrics_bench.sh <build dir> [home|requests] [seconds]}" && pwd)
store=${2:-1000000}
secs=${3:-10}
home=$(mktemp -d /tmp/clown-metrics-bench-XXXXXX)
export CLOWN_HOME="$home"
cleanup() { "$build/clown" daemon stop >/dev/null 2>&1 || true; rm -rf "$home"; }
trap cleanup EXIT INT TERM

[ -d "$store" ] || need_seed=bench/webui_seed
for bin in clown clownd ${need_seed:-}; do
  [ -x "$build/$bin" ] || { echo "metrics_bench: $build/$bin is missing; build it first" >&2; exit 1; }
done
if [ -d "$store" ]; then
  mkdir -p "$home/telemetry"
  cp "$store"/telemetry/usage.db* "$home/telemetry/"
  [ -f "$store/config.toml" ] && cp "$store/config.toml" "$home/"
else
  "$build/bench/webui_seed" "$home" "$store"
fi
# A budget, so the budget gauges are computed too.
grep -q '^\[budgets\]' "$home/config.toml" 2>/dev/null || printf '[budgets]\ndaily = 50\nmonthly = 1000\n' >>"$home/config.toml"
echo "store: $(sqlite3 "$home/telemetry/usage.db" 'select count(*) from requests' 2>/dev/null || echo '?') requests, $(du -h "$home/telemetry/usage.db" | cut -f1)"

"$build/clown" daemon start --port 0 --stay-alive >/dev/null
port=$(sed -n 's/.*"port": \([0-9]*\).*/\1/p' "$home/daemon.json")
token=$("$build/clown" daemon metrics-token)
url="http://127.0.0.1:$port/metrics"
auth="Authorization: Bearer $token"
curl -s -o /dev/null -H "$auth" -w "first scrape (cold: builds the rollup): %{time_total} s\n" "$url"
curl -s -H "$auth" "$url" | grep -c '^clown_' | sed 's/^/samples per scrape: /'

echo "--- uncached scrapes (config.toml touched before each), 20 runs"
i=0
while [ $i -lt 20 ]; do
  touch "$home/config.toml"
  curl -s -o /dev/null -H "$auth" -w "%{time_total}\n" "$url"
  i=$((i + 1))
done | sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms, max %.1f ms\n", a[int((NR+1)/2)]*1000, a[NR]*1000}'

for c in 1 10; do
  echo "--- wrk -t1 -c$c -d${secs}s $url"
  wrk -t1 -c$c -d"${secs}s" --latency -H "$auth" "$url" | sed -n '/Latency Distribution/,/Requests\/sec/p'
done
