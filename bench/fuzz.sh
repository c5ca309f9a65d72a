#!/usr/bin/env bash
# Runs the libFuzzer targets long (README "Fuzzing") and prints one summary
# line per target: executions, new corpus inputs, peak RSS and crashes.
#
#   bench/fuzz.sh [--seconds N] [--jobs J] [--build DIR] [--out DIR] [TARGET...]
#
#   --seconds N   time per target (default 120; -max_total_time)
#   --jobs J      libFuzzer processes per target (default 1; -jobs/-workers)
#   --build DIR   the fuzz build directory (default build-fuzz; built by fuzz/build.sh)
#   --out DIR     where the grown corpus, crashes, logs and summary.txt go
#                 (default /tmp/clown-fuzz); the seed corpus in the repo is only read
#   TARGET        transcript_line profile_toml config_toml pricing_json otlp_logs otlp_metrics
#                 http_request (default: all, one after the other)
#
# Exits 1 when any target found a crash; the input is in OUT/<target>/crashes/.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
seconds=120 jobs=1 build="$src/build-fuzz" out=/tmp/clown-fuzz
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift ;;
    --jobs) jobs="$2"; shift ;;
    --build) build="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "bench/fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=(transcript_line profile_toml config_toml pricing_json otlp_logs otlp_metrics http_request)

"$src/fuzz/build.sh" "$build" "${targets[@]/#/fuzz_}" >/dev/null
mkdir -p "$out"
summary="$out/summary.txt"
: >"$summary"
failed=0
for t in "${targets[@]}"; do
  dir="$out/$t"
  mkdir -p "$dir/corpus" "$dir/crashes" "$dir/tmp"
  log="$dir/fuzz.log"
  status=0
  # -jobs runs J processes that share the corpus directory; each logs to fuzz-<n>.log.
  (cd "$dir" && TMPDIR="$dir/tmp" "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
     -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/crashes/" \
     $([ "$jobs" -gt 1 ] && echo "-jobs=$jobs -workers=$jobs") \
     "$dir/corpus" "$src/fuzz/corpus/$t" >"$log" 2>&1) || status=$?
  logs=("$log")
  [ "$jobs" -gt 1 ] && logs=("$dir"/fuzz-*.log)
  execs=$(cat "${logs[@]}" | awk '/stat::number_of_executed_units/ {s += $2} END {print s + 0}')
  rss=$(cat "${logs[@]}" | awk '/stat::peak_rss_mb/ {if ($2 > m) m = $2} END {print m + 0}')
  crashes=$(find "$dir/crashes" -type f | wc -l)
  corpus=$(find "$dir/corpus" -type f | wc -l)
  [ "$status" = 0 ] && [ "$crashes" = 0 ] || failed=1
  line="fuzz_$t: ${seconds}s x $jobs job(s), $execs executions, $corpus new corpus inputs, peak RSS ${rss} MB, crashes $crashes (exit $status)"
  echo "$line" | tee -a "$summary"
done
echo "summary: $summary"
exit "$failed"
