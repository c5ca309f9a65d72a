#!/usr/bin/env bash
# Cold `clown usage import-claude` of transcripts without request ids (older
# Claude Code versions and some gateways write none): the bench corpus's
# first FILES transcripts with every "requestId" removed, so requests are
# known by message id. Compares builds, interleaved; medians of ROUNDS
# (default 3) runs of wall and CPU, and the stored totals (which must agree).
# Before 2026-11-29 a cold import searched each such request's OTel twin
# with a full table scan: quadratic in the number of requests.
#
#   bench/no_request_id_bench.sh CORPUS_DIR FILES CLOWN [CLOWN...]
#
# CORPUS_DIR is a Claude config dir (bench/import_bench.sh's claude/).
# Needs: /usr/bin/time, python3, sqlite3.
set -euo pipefail
corpus=${1:?usage: bench/no_request_id_bench.sh CORPUS_DIR FILES CLOWN [CLOWN...]}
files=${2:?usage: bench/no_request_id_bench.sh CORPUS_DIR FILES CLOWN [CLOWN...]}
shift 2
[ $# -ge 1 ] || { echo "usage: bench/no_request_id_bench.sh CORPUS_DIR FILES CLOWN [CLOWN...]" >&2; exit 2; }
rounds=${ROUNDS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/claude/projects/p"
i=0
while IFS= read -r f; do
  i=$((i + 1))
  sed 's/"requestId":"[^"]*",//' "$f" > "$work/claude/projects/p/s$i.jsonl"
done < <(find "$corpus" -name '*.jsonl' | sort | head -n "$files")
echo "transcripts: $i, $(du -sh "$work/claude" | cut -f1), requestId lines left: $(cat "$work"/claude/projects/p/*.jsonl | grep -c '"requestId"' || true)"
for _ in $(seq 1 "$rounds"); do
  for b in $(seq 1 $#); do
    rm -rf "$work/home"
    /usr/bin/time -f "$b %e %U %S" -a -o "$work/times.txt" env CLOWN_HOME="$work/home" "${!b}" usage import-claude \
      --claude-dir "$work/claude" --json > /dev/null
    echo "$b $(sqlite3 "$work/home/telemetry/usage.db" \
      "SELECT count(*), sum(input), sum(output), sum(cache_read), printf('%.6f', sum(cost_total)) FROM requests")" \
      >> "$work/totals.txt"
  done
done
python3 - "$work/times.txt" "$@" <<'PY'
import collections, statistics as st, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    b, wall, user, sys_ = line.split()
    runs[b].append((float(wall), float(user) + float(sys_)))
for b in sorted(runs):
    v = runs[b]
    print(f"build {b} ({sys.argv[1 + int(b)]}): wall {st.median(w for w, _ in v):.2f} s, cpu {st.median(c for _, c in v):.2f} s")
PY
echo "stored totals (requests, input, output, cache reads, cost) per build:"
sort -u "$work/totals.txt"
