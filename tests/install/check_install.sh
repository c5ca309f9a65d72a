#!/bin/sh
# `cmake --install` (what install.sh runs) into a throwaway ~/.local puts
# clown, its completions and clown(1) where bash-completion, zsh, fish and man
# look, and each of them finds its file there.
set -eu
build=$(cd "${1:?usage: tests/install/check_install.sh <build dir>}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" PATH="$tmp/home/.local/bin:/usr/bin:/bin"
unset XDG_DATA_HOME XDG_DATA_DIRS MANPATH BASH_COMPLETION_USER_DIR
cmake --install "$build" --prefix "$HOME/.local" >/dev/null
fail() { echo "check_install: $*" >&2; exit 1; }
for f in bin/clown bin/clownd share/bash-completion/completions/clown share/zsh/site-functions/_clown \
  share/man/man1/clown.1; do
  [ -s "$HOME/.local/$f" ] || fail "$f was not installed"
done
# install.sh points fish at its system vendor dir for /usr and /usr/local
# (CLOWN_FISH_COMPLETION_DIR, an absolute path): then the file is there.
fish_dir=$(sed -n 's/^CLOWN_FISH_COMPLETION_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
case "$fish_dir" in
  /*) fish_file="$fish_dir/clown.fish" ;;
  *) fish_file="$HOME/.local/${fish_dir:-share/fish/vendor_completions.d}/clown.fish" ;;
esac
[ -s "$fish_file" ] || fail "$fish_file was not installed"
# bash-completion loads it on demand from ~/.local/share/bash-completion/completions.
out=$(bash --norc -c '. /usr/share/bash-completion/bash_completion; __load_completion clown; complete -p clown')
[ "$out" = "complete -F _clown clown" ] || fail "bash-completion did not load it: $out"
# fish finds it in ~/.local/share/fish/vendor_completions.d.
out=$(fish -c 'complete -C"clown complet"' | cut -f1)
[ "$out" = "completion" ] || fail "fish did not complete: $out"
# zsh's compinit registers it from site-functions (on fpath, as install.sh's note says).
out=$(zsh -fc "fpath=($HOME/.local/share/zsh/site-functions \$fpath); autoload -Uz compinit; compinit -u -d $tmp/zcomp; print -r -- \$_comps[clown]")
[ "$out" = "_clown" ] || fail "zsh compinit did not register it: $out"
# man finds clown(1) through PATH (~/.local/bin -> ~/.local/share/man).
out=$(man -w clown)
[ "$out" = "$HOME/.local/share/man/man1/clown.1" ] || fail "man -w clown: $out"
echo "check_install: clown, completions (bash, zsh, fish) and clown(1) installed where they are found"
