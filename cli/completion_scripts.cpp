#include "cli/completion_scripts.hpp"

#include <sstream>

namespace clown::cli {

namespace {

// How a value is completed, as the drivers read it: @-tokens are looked up
// when completing, anything else is the list of words itself.
std::string value_token(ValueKind kind, const std::vector<std::string>& choices) {
  switch (kind) {
    case ValueKind::none: return "";
    case ValueKind::text: return "@text";
    case ValueKind::profile: return "@profiles";
    case ValueKind::provider: return "@providers";
    case ValueKind::agent: return "@agents";
    case ValueKind::model: return "@models";
    case ValueKind::directory: return "@dir";
    case ValueKind::file: return "@file";
    case ValueKind::period:
    case ValueKind::shell:
    case ValueKind::choice: {
      std::string words;
      for (const auto& c : choices) words += (words.empty() ? "" : " ") + c;
      return words;
    }
  }
  return "";
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// One `case` table: pattern -> words. Bash and zsh share the syntax; fish has its own.
class Table {
 public:
  Table(std::string name, Shell shell) : m_name(std::move(name)), m_shell(shell) {}
  void add(const std::string& pattern, const std::string& words) {
    if (!words.empty()) m_rows.emplace_back(pattern, words);
  }
  // Matches `pattern` followed by anything.
  void add_glob(const std::string& pattern, const std::string& words) {
    if (!words.empty()) m_rows.emplace_back(pattern + "'*", words);
  }
  std::string text() const {
    std::ostringstream out;
    if (m_shell == Shell::fish) {
      out << "function " << m_name << "\n  switch \"$argv[1]\"\n";
      for (const auto& [pattern, words] : m_rows)
        out << "    case " << quoted(pattern) << "\n      echo '" << words << "'\n";
      out << "  end\nend\n";
    } else {
      out << m_name << "() {\n  case \"$1\" in\n";
      for (const auto& [pattern, words] : m_rows) out << "    " << quoted(pattern) << ") echo '" << words << "' ;;\n";
      out << "  esac\n}\n";
    }
    return out.str();
  }

 private:
  // 'pattern', or for a glob row (it ends in '*) 'pattern'* in bash and zsh
  // and 'pattern*' in fish (whose case patterns glob inside quotes).
  std::string quoted(const std::string& p) const {
    const bool glob = p.size() >= 2 && p.compare(p.size() - 2, 2, "'*") == 0;
    if (!glob) return "'" + p + "'";
    return m_shell == Shell::fish ? "'" + p.substr(0, p.size() - 2) + "*'" : "'" + p;
  }
  std::string m_name;
  Shell m_shell;
  std::vector<std::pair<std::string, std::string>> m_rows;
};

std::string tables(const CommandSpec& root, Shell shell, const std::string& prefix) {
  Table subs(prefix + "_subs", shell), opts(prefix + "_opts", shell), values(prefix + "_value", shell),
      positionals(prefix + "_positional", shell);
  for (const auto* cmd : flatten(root)) {
    const auto path = cmd->joined();
    std::vector<std::string> sub_names, option_names;
    for (const auto& s : cmd->subcommands) sub_names.push_back(s.path.back());
    for (const auto& o : cmd->options) {
      option_names.insert(option_names.end(), o.names.begin(), o.names.end());
      for (const auto& n : o.names) values.add(path + "|" + n, value_token(o.kind, o.choices));
    }
    subs.add(path, join(sub_names));
    opts.add(path, join(option_names));
    for (size_t i = 0; i < cmd->positionals.size(); ++i) {
      const auto& p = cmd->positionals[i];
      const auto token = value_token(p.kind, p.choices);
      if (p.repeats)
        positionals.add_glob(path + "|", token);
      else
        positionals.add(path + "|" + std::to_string(i), token);
    }
  }
  return subs.text() + opts.text() + values.text() + positionals.text();
}

const char* const k_bash_driver = R"SH(_clown_words() {
  case "$1" in
    @profiles|@providers|@agents|@models) "$2" __complete "${1#@}" 2>/dev/null ;;
    @*|'') ;;
    *) echo "$1" ;;
  esac
}
_clown_has_sub() {
  case " $(_clown_subs "$1") " in *" $2 "*) return 0 ;; esac
  return 1
}
_clown_reply() {
  case "$1" in
    @dir) COMPREPLY=($(compgen -d -- "$3")) ;;
    @file) COMPREPLY=($(compgen -f -- "$3")) ;;
    *) COMPREPLY=($(compgen -W "$(_clown_words "$1" "$2")" -- "$3")) ;;
  esac
}
_clown() {
  local cur="${COMP_WORDS[COMP_CWORD]}" cmd="${COMP_WORDS[0]}" cpath=clown i=1 npos=0 w token
  COMPREPLY=()
  while [ "$i" -lt "$COMP_CWORD" ]; do
    w="${COMP_WORDS[i]}"
    [ "$w" = "--" ] && return 0
    case "$w" in
      -*=*) ;;
      -*)
        token=$(_clown_value "$cpath|$w")
        if [ -n "$token" ]; then
          if [ $((i + 1)) -eq "$COMP_CWORD" ]; then _clown_reply "$token" "$cmd" "$cur"; return 0; fi
          i=$((i + 1))
        fi ;;
      *) if _clown_has_sub "$cpath" "$w"; then cpath="$cpath $w"; npos=0; else npos=$((npos + 1)); fi ;;
    esac
    i=$((i + 1))
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_clown_opts "$cpath")" -- "$cur"))
    return 0
  fi
  token=$(_clown_positional "$cpath|$npos")
  case "$token" in
    @dir|@file) _clown_reply "$token" "$cmd" "$cur" ;;
    *) COMPREPLY=($(compgen -W "$(_clown_subs "$cpath") $(_clown_words "$token" "$cmd")" -- "$cur")) ;;
  esac
  return 0
}
complete -F _clown clown
)SH";

const char* const k_zsh_driver = R"SH(_clown_words() {
  case "$1" in
    @profiles|@providers|@agents|@models) "$2" __complete "${1#@}" 2>/dev/null ;;
    @*|'') ;;
    *) print -r -- "${(F)${=1}}" ;;
  esac
}
_clown_has_sub() {
  case " $(_clown_subs "$1") " in *" $2 "*) return 0 ;; esac
  return 1
}
_clown_add() {
  case "$1" in
    @dir) _files -/ ;;
    @file) _files ;;
    *) local -a w; w=(${(f)"$(_clown_words "$1" "$2")"}); (( $#w )) && compadd -a w ;;
  esac
}
_clown_main() {
  local cmd="${words[1]}" cpath=clown npos=0 w token
  local -i i=2
  while (( i < CURRENT )); do
    w="${words[i]}"
    [[ "$w" == "--" ]] && return 0
    case "$w" in
      -*=*) ;;
      -*)
        token=$(_clown_value "$cpath|$w")
        if [[ -n "$token" ]]; then
          if (( i + 1 == CURRENT )); then _clown_add "$token" "$cmd"; return 0; fi
          (( i++ ))
        fi ;;
      *) if _clown_has_sub "$cpath" "$w"; then cpath="$cpath $w"; npos=0; else (( npos++ )); fi ;;
    esac
    (( i++ ))
  done
  if [[ "${words[CURRENT]}" == -* ]]; then
    local -a o; o=(${=$(_clown_opts "$cpath")}); (( $#o )) && compadd -a o
    return 0
  fi
  local -a s; s=(${=$(_clown_subs "$cpath")}); (( $#s )) && compadd -a s
  _clown_add "$(_clown_positional "$cpath|$npos")" "$cmd"
  return 0
}
if [[ "${funcstack[1]}" == _clown ]]; then _clown_main "$@"; else compdef _clown_main clown; fi
)SH";

const char* const k_fish_driver = R"SH(function __clown_words
  switch "$argv[1]"
    case @profiles @providers @agents @models
      $argv[2] __complete (string sub -s 2 -- $argv[1]) 2>/dev/null
    case @dir
      __fish_complete_directories $argv[3]
    case @file
      __fish_complete_path $argv[3]
    case '@*' ''
    case '*'
      string split ' ' -- $argv[1]
  end
end
function __clown_complete
  set -l tokens (commandline -opc)
  set -l cur (commandline -ct)
  set -l cmd $tokens[1]
  set -l cpath clown
  set -l npos 0
  set -l n (count $tokens)
  set -l i 2
  while test $i -le $n
    set -l w $tokens[$i]
    test "$w" = "--"; and return
    switch $w
      case '-*=*'
      case '-*'
        set -l token (__clown_value "$cpath|$w")
        if test -n "$token"
          if test $i -eq $n
            __clown_words $token $cmd $cur
            return
          end
          set i (math $i + 1)
        end
      case '*'
        if contains -- $w (string split ' ' -- (__clown_subs $cpath))
          set cpath "$cpath $w"
          set npos 0
        else
          set npos (math $npos + 1)
        end
    end
    set i (math $i + 1)
  end
  if string match -q -- '-*' $cur
    string split ' ' -- (__clown_opts $cpath)
    return
  end
  string split ' ' -- (__clown_subs $cpath)
  set -l token (__clown_positional "$cpath|$npos")
  __clown_words "$token" $cmd $cur
end
complete -c clown -f -a '(__clown_complete)'
)SH";

}  // namespace

std::string completion_script(const CommandSpec& root, Shell shell) {
  switch (shell) {
    case Shell::bash:
      return "# bash completion for clown (generated by `clown completion bash` from clown's command definitions)\n" +
             tables(root, shell, "_clown") + k_bash_driver;
    case Shell::zsh:
      return "#compdef clown\n# zsh completion for clown (generated by `clown completion zsh` from clown's command "
             "definitions)\n" +
             tables(root, shell, "_clown") + k_zsh_driver;
    case Shell::fish:
      return "# fish completion for clown (generated by `clown completion fish` from clown's command definitions)\n" +
             tables(root, shell, "__clown") + k_fish_driver;
  }
  return "";
}

}  // namespace clown::cli
