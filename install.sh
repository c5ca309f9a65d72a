#!/usr/bin/env bash
# Installs clown on Debian 12: the Debian packages it builds with, a Release
# build with CMake, and `clown` + `clownd` on the PATH.
#
#   ./install.sh            install to /usr/local/bin (needs root or sudo for apt and the copy)
#   ./install.sh --user     install to ~/.local/bin
#   ./install.sh --prefix DIR   install to DIR/bin
#   ./install.sh --no-deps  skip apt-get (packages already present)
#   ./install.sh --runtime-only  only what running clown needs: no test suite, so
#                           no Chromium, Node/npm, wrk, hyperfine, zsh/fish, ...
#
# Besides the two executables it installs the shell completions (bash, zsh,
# fish) and the man page clown(1) where the shells and man look.
# The build stays in ./build, so the test suite can run afterwards (not after
# --runtime-only):
#   ctest --test-dir build --output-on-failure
set -euo pipefail
cd "$(dirname "$0")"

prefix=/usr/local
install_deps=1
runtime_only=0
build_dir=build
while [ $# -gt 0 ]; do
  case "$1" in
    --user) prefix="$HOME/.local" ;;
    --prefix) prefix="$2"; shift ;;
    --no-deps) install_deps=0 ;;
    --runtime-only) runtime_only=1 ;;
    --build-dir) build_dir="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# Debian 12 package names; docs/design.md#dependencies says why each is here.
# What building and running clown needs:
runtime_packages=(
  build-essential cmake pkg-config git ca-certificates
  libtomlplusplus-dev libsqlitecpp-dev libsqlite3-dev libcpp-httplib-dev libssl-dev
  nlohmann-json3-dev libcli11-dev libexpected-dev libhowardhinnant-date-dev
  libsimdjson-dev libzstd-dev libjs-chart.js libncurses-dev
)
# What the README's test command needs on top: Catch2, the lint tools, a
# headless browser, Node for the real Claude Code CLI, a terminal emulator
# library for the terminal tests, the shells whose completions are tested,
# load and timing tools for the benchmarks, Prometheus (and promtool) for the
# real-Prometheus test, clang-14 and libFuzzer's runtime for the fuzz targets,
# python3-yaml for the check of contrib/'s collector configs.
test_packages=(
  catch2 clang-format universal-ctags libvterm-dev bash-completion zsh fish man-db
  chromium nodejs npm wrk hyperfine time openssl prometheus
  clang-14 libclang-rt-14-dev python3-yaml
)
packages=("${runtime_packages[@]}")
[ "$runtime_only" = 1 ] || packages+=("${test_packages[@]}")

if [ "$install_deps" = 1 ]; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node from another source (nodesource, nvm) counts: don't fight it with Debian's.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
  fi
  missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
  if [ ${#missing[@]} -gt 0 ]; then
    echo "install.sh: installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

cmake_args=(-DCMAKE_BUILD_TYPE=Release)
[ "$runtime_only" = 0 ] || cmake_args+=(-DCLOWN_BUILD_TESTS=OFF)
# fish reads system-wide completions only from its own vendor dir.
case "$prefix" in
  /usr|/usr/local)
    fish_dir=$(pkg-config --variable=completionsdir fish 2>/dev/null || true)
    [ -z "$fish_dir" ] || cmake_args+=(-DCLOWN_FISH_COMPLETION_DIR="$fish_dir") ;;
esac
cmake -S . -B "$build_dir" "${cmake_args[@]}"
cmake --build "$build_dir" -j"$(nproc)"

mkdir -p "$prefix/bin" 2>/dev/null || true
if [ -w "$prefix/bin" ] || [ "$(id -u)" -eq 0 ]; then
  cmake --install "$build_dir" --prefix "$prefix"
else
  sudo cmake --install "$build_dir" --prefix "$prefix"
fi

case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "install.sh: note: $prefix/bin is not on your PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
case "$prefix" in
  /usr|/usr/local) ;;
  *) echo "install.sh: note: for zsh completion add $prefix/share/zsh/site-functions to fpath before compinit," \
       "e.g. fpath=($prefix/share/zsh/site-functions \$fpath) in ~/.zshrc" ;;
esac
"$prefix/bin/clown" --version
