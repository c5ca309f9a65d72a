#pragma once
// How clown launches an agent and where its usage is (docs/file-formats.md#agents-d):
// the built-in definitions (profiles/agents/*.toml, compiled in) and the
// user's agents.d/*.toml are the same TOML, read by read_agent_definition.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>
#include <nlohmann/json_fwd.hpp>

namespace clown::profiles {

// The APIs a provider can serve and an agent can speak.
enum class ProviderApi { anthropic, openai_responses, openai_chat, gemini };
std::string_view to_string(ProviderApi api);  // "anthropic", "openai-responses", "openai-chat", "gemini"
std::optional<ProviderApi> provider_api_from(std::string_view name);
std::span<const ProviderApi> provider_apis();

// A variable clown sets: the first candidate template that expands.
struct EnvEntry {
  std::string name;
  std::vector<std::string> candidates;
};

// Variables and argument groups (all of a group or none), plus values the
// templates of this part may use.
struct Injection {
  std::vector<EnvEntry> env;
  std::vector<std::vector<std::string>> args;
  std::vector<std::pair<std::string, std::string>> values;
};

// JSON fragments merged into a file of an isolated home before each run.
struct HomeJsonFile {
  std::string path;
  std::vector<std::string> merge;
};

struct AgentUsage {
  std::string reader;             // "claude" | "codex" | "gemini" | "opencode" | "" (none)
  std::vector<std::string> dirs;  // where its logs are when not isolated: the first whose $VARs are set
  std::string isolated_dir;       // ... and in an isolated profile's home
  std::string telemetry_file;     // a file the agent writes during a run (Gemini's local telemetry)
};

struct AgentDefinition {
  std::string id;
  std::string name;
  std::string binary;                                   // looked up on PATH
  std::vector<std::pair<ProviderApi, Injection>> apis;  // the APIs it speaks, preferred first
  Injection launch;                                     // [env] and args: every launch
  Injection isolation;                                  // [isolation]: isolated profiles
  std::vector<HomeJsonFile> home_files;                 // [[isolation.json_files]]
  Injection session;                                    // [session]: sessions only (not `mcp`, `--version`, ...)
  std::string session_file;                             // a private file written for the session ...
  std::string session_file_content;                     // ... with this content
  // JSON merged into that file to show `clown statusline` (Claude Code's
  // statusLine), unless the profile says statusline = false or the user's
  // own settings have one.
  std::string session_statusline;
  std::vector<std::string> strip_env;             // inherited variables removed unless clown or the profile sets them
  std::vector<std::string> non_session_commands;  // first arguments that start no session
  std::vector<std::string> non_session_flags;     // arguments anywhere that start no session
  std::vector<std::string> resume_flags;          // arguments that pick an existing session
  std::vector<std::pair<std::string, std::string>> values;  // [values]
  AgentUsage usage;
  // Claude Code's OpenTelemetry export: clown points it at clownd for the
  // runs it launches (one api_request event per API request, background
  // ones included: docs/accuracy.md#otel). TOML: `otel = true`.
  bool otel = false;
  bool builtin = true;
  std::string source;  // "built-in" or the file it came from

  const Injection* injection_for(ProviderApi api) const;
  std::vector<ProviderApi> api_list() const;
};

// Reads one definition. `base` is the agent an `extends = "<id>"` file (or
// an older file with `settings_flag` / `config_dir_env`, which meant "like
// Claude Code") starts from. Problems (an unknown API or placeholder) are
// returned as warnings; the definition is still usable unless nullopt.
struct AgentRead {
  std::optional<AgentDefinition> agent;
  std::vector<std::string> warnings;
};
AgentRead read_agent_definition(const toml::table& table, const std::string& default_id,
                                const std::vector<AgentDefinition>& known);

// The JSON of `clown agents list --json`.
void to_json(nlohmann::json& j, const AgentDefinition& agent);

// Values every template may name (docs/file-formats.md#agent-templates).
std::span<const std::string_view> builtin_placeholders();

}  // namespace clown::profiles
