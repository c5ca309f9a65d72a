#!/bin/sh
# Web UI daemon benchmark (not a test): 1M requests in the store, then
#   - latency of GET /api/usage?period=month under 50 concurrent connections (wrk), p99
#   - the first (uncached) answer, and one per other report kind
#   - daemon RSS idle after start, after the load, and the store size
# usage: bench/webui_bench.sh <build dir> [requests=1000000] [seconds=10]
set -eu
build=$(cd "${1:?usage: webui_bench.sh <build dir> [requests] [seconds]}" && pwd)
count=${2:-1000000}
secs=${3:-10}
home=$(mktemp -d /tmp/clown-webui-bench-XXXXXX)
export CLOWN_HOME="$home"
cleanup() { "$build/clown" daemon stop >/dev/null 2>&1 || true; rm -rf "$home"; }
trap cleanup EXIT INT TERM

# Build first: make -C <build dir> -j2 clown clownd webui_seed
for bin in clown clownd bench/webui_seed; do
  [ -x "$build/$bin" ] || { echo "webui_bench: $build/$bin is missing; build it first" >&2; exit 1; }
done
start=$(date +%s.%N)
"$build/bench/webui_seed" "$home" "$count"
echo "seed time: $(echo "$(date +%s.%N) - $start" | bc) s; store: $(du -h "$home/telemetry/usage.db" | cut -f1)"

"$build/clown" daemon start --port 0 --stay-alive
port=$(sed -n 's/.*"port": \([0-9]*\).*/\1/p' "$home/daemon.json")
pid=$(sed -n 's/.*"pid": \([0-9]*\).*/\1/p' "$home/daemon.json")
token=$(sed -n 's/.*"token": "\([0-9a-f]*\)".*/\1/p' "$home/daemon.json")
auth="X-Clown-Token: $token"  # every API route but /api/health needs a login (docs/security.md#login)
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$pid/status"; }
echo "idle RSS after start: $(rss)"

url="http://127.0.0.1:$port/api/usage?period=month"
curl -s -H "$auth" -o /dev/null -w "first GET /api/usage?period=month (cold; waits for the start-up warm-up): %{time_total} s\n" "$url"
curl -s -H "$auth" -o /dev/null -w "second GET (cached): %{time_total} s\n" "$url"
for kind in daily hourly models profiles sessions projects; do
  curl -s -H "$auth" -o /dev/null -w "first GET /api/usage/$kind?period=month: %{time_total} s\n" \
    "http://127.0.0.1:$port/api/usage/$kind?period=month"
done
curl -s -H "$auth" -o /dev/null -w "first GET /api/usage?period=all: %{time_total} s\n" "http://127.0.0.1:$port/api/usage?period=all"
echo "RSS after first queries: $(rss)"

echo "--- wrk -t2 -c50 -d${secs}s $url"
wrk -t2 -c50 -d"${secs}s" --latency -H "$auth" "$url" | sed -n '/Latency Distribution/,/Requests\/sec/p;/Thread Stats/,/Latency /p'
echo "RSS after load: $(rss)"
sleep 5
echo "RSS idle after load: $(rss)"
