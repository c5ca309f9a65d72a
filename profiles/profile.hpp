#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace clown::profiles {

struct Profile {
  std::string alias;
  std::string agent = "claude";  // agent catalog id
  std::string provider;          // provider catalog id
  std::string model;             // empty: provider default, else agent default
  std::string endpoint;          // overrides the provider's endpoint (required for "custom")
  std::string api_key_env;       // name of the env var holding the key (never the key)
  bool isolate = false;          // own CLAUDE_CONFIG_DIR under $CLOWN_HOME/homes/<alias>
  bool telemetry = true;         // the agent exports its per-request telemetry to clownd (docs/accuracy.md#otel)
  std::string agent_bin;         // overrides the agent's binary
  bool auto_update = false;      // with agent_bin: let the agent update itself (else DISABLE_AUTOUPDATER=1)
  bool statusline = true;   // clown run sets Claude Code's statusLine to `clown statusline` (unless the user has one)
  std::string budget_gate;  // warn|block|off: what clown run does at an exceeded budget ("" = block)
  std::map<std::string, std::string> env;  // extra environment for the agent
  std::string created_at;                  // ISO-8601
  // Not stored: "file:line: unknown key 'modle' (ignored); did you mean 'model'?"
  // for each key of its file clown does not read.
  std::vector<std::string> load_warnings;
};

// The keys of a profile file besides [env], in the order save_profile writes
// them: the one list the loader, the writer and `profiles set` share.
struct ProfileField {
  std::string_view key;
  std::string Profile::*text = nullptr;  // a string field, or
  bool Profile::*flag = nullptr;         // a true/false field
  bool settable = true;                  // `clown profiles set` may change it
  bool omit_when_default = false;        // a flag written only when not its default (added after profiles existed)
};
std::span<const ProfileField> profile_fields();

// `budget_gate` (docs/cost.md#budget-gate): at an exceeded budget, clown run
// warns and starts, refuses (block, the default) or does not check (off).
enum class BudgetGate { warn, block, off };
std::optional<BudgetGate> budget_gate_from(std::string_view text);  // "" -> block
const ProfileField* find_profile_field(std::string_view key);

}  // namespace clown::profiles
