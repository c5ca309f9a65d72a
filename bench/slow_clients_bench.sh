#!/bin/sh
# Daemon availability under slow clients (not a test; tests/fault/test_slow_clients.cpp is):
# N connections that connect and say nothing or stall mid request line, then
# the time GET /api/health takes. Each slow connection holds a worker for up to
# the 2 s keep-alive or 5 s read timeout (docs/security.md#limits).
# With drip_secs > 0, N more connections then drip a header one byte a second
# (under the read timeout) for up to drip_secs: it prints when the daemon's
# request deadline (30 s; CLOWN_REQUEST_DEADLINE_MS when set) cut them off and
# how many GET /api/health answered 200 meanwhile.
# usage: bench/slow_clients_bench.sh <build dir> [connections=16] [drip_secs=0]
set -eu
build=$(cd "${1:?usage: slow_clients_bench.sh <build dir> [connections]}" && pwd)
n=${2:-16}
drip=${3:-0}
home=$(mktemp -d /tmp/clown-slow-bench-XXXXXX)
export CLOWN_HOME="$home"
cleanup() { "$build/clown" daemon stop >/dev/null 2>&1 || true; rm -rf "$home"; }
trap cleanup EXIT INT TERM
"$build/clown" daemon start --port 0 >/dev/null
port=$(sed -n 's/.*"port": \([0-9]*\).*/\1/p' "$home/daemon.json")
python3 - "$port" "$n" "$drip" <<'PY'
import socket, subprocess, sys, time
port, n, drip = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
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
if drip > 0:
    import select
    def health():
        return subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "5",
                               "http://127.0.0.1:%d/api/health" % port], capture_output=True, text=True).stdout
    drips = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.send(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: ")
        drips.append(s)
    t = time.time()
    cut, ok, asked = {}, 0, 0
    while len(cut) < n and time.time() - t < drip:
        for s in drips:
            if s in cut:
                continue
            try:
                s.send(b"x")
            except OSError:
                cut[s] = time.time() - t
        asked += 1
        ok += health() == "200"
        ready, _, _ = select.select([s for s in drips if s not in cut], [], [], 1)
        for s in ready:
            if not s.recv(4096):
                cut[s] = time.time() - t
    times = sorted(cut.values())
    print("%d dripping connections: %d cut off (first after %.1f s, last after %.1f s), %d still open after %d s; "
          "GET /api/health 200 %d of %d times meanwhile"
          % (n, len(cut), times[0] if times else 0, times[-1] if times else 0, n - len(cut), drip, ok, asked))
PY
