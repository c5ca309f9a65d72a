#!/bin/sh
# Daemon availability under slow clients (not a test; tests/fault/test_slow_clients.cpp is):
# N connections that connect and say nothing or stall mid request line, then
# the time GET /api/health takes. Each slow connection holds a worker for up to
# the 2 s keep-alive or 5 s read timeout (docs/security.md#limits).
# usage: bench/slow_clients_bench.sh <build dir> [connections=16]
set -eu
build=$(cd "${1:?usage: slow_clients_bench.sh <build dir> [connections]}" && pwd)
n=${2:-16}
home=$(mktemp -d /tmp/clown-slow-bench-XXXXXX)
export CLOWN_HOME="$home"
cleanup() { "$build/clown" daemon stop >/dev/null 2>&1 || true; rm -rf "$home"; }
trap cleanup EXIT INT TERM
"$build/clown" daemon start --port 0 >/dev/null
port=$(sed -n 's/.*"port": \([0-9]*\).*/\1/p' "$home/daemon.json")
python3 - "$port" "$n" <<'PY'
import socket, subprocess, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
slow = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    if i % 2:
        s.send(b"GET /api/he")
    slow.append(s)
t = time.time()
code = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                       "http://127.0.0.1:%d/api/health" % port], capture_output=True, text=True).stdout
print("%d slow connections: GET /api/health -> %s in %.0f ms" % (n, code, (time.time() - t) * 1000))
PY
