#!/usr/bin/env bash
# Configures and builds the libFuzzer targets (README "Fuzzing") in BUILD_DIR
# with Debian's clang-14: a build of its own, so the g++ build is untouched.
# -O1, as libFuzzer's documentation suggests: it compiles in a fraction of
# -O3's time, which is most of what the fuzz label costs in CI.
#
#   fuzz/build.sh BUILD_DIR [TARGET...]     (default: every fuzz_* target)
#
# Fails (never skips) when clang++-14 or its libFuzzer runtime is missing.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: fuzz/build.sh BUILD_DIR [TARGET...]" >&2; exit 2; }
build="$1"
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_transcript_line fuzz_profile_toml fuzz_config_toml fuzz_pricing_json
                                      fuzz_otlp_logs fuzz_otlp_metrics fuzz_http_request)

if ! command -v clang++-14 >/dev/null; then
  echo "fuzz/build.sh: clang++-14 not found: install Debian's clang-14 and libclang-rt-14-dev (./install.sh does)" >&2
  exit 1
fi
if ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz/build.sh: libFuzzer's runtime is missing: install Debian's libclang-rt-14-dev (./install.sh does)" >&2
  exit 1
fi

args=(-S "$src" -B "$build" -DCLOWN_FUZZ=ON -DCLOWN_BUILD_TESTS=OFF -DCMAKE_CXX_COMPILER=clang++-14
      -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG")
command -v ninja >/dev/null && [ ! -f "$build/CMakeCache.txt" ] && args+=(-G Ninja)
command -v ccache >/dev/null && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake "${args[@]}" >/dev/null
cmake --build "$build" --parallel "${CLOWN_FUZZ_BUILD_JOBS:-2}" --target "${targets[@]}"
