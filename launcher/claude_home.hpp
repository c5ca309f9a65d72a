#pragma once
// Claude Code's own files in a config dir, as far as clown touches them
// (tests/data/claude-firstrun/README.md, docs/file-formats.md#homes):
// the first-run seed of an isolated home, the user's theme, and whether a
// folder is trusted.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/launch_plan.hpp"

namespace clown::launcher {

namespace fs = std::filesystem;

// Claude Code's global config for a config dir: <dir>/.config.json when that
// file exists, else <dir>/.claude.json; with no dir (CLAUDE_CONFIG_DIR
// unset) ~/.claude/.config.json when it exists, else ~/.claude.json.
fs::path claude_global_config(const std::string& config_dir, const EnvMap& env);

// The theme of the user's own Claude Code (`theme` in its settings.json,
// else in its global config), "" when none. `env` is the user's environment
// (CLAUDE_CONFIG_DIR, HOME).
std::string user_theme(const EnvMap& env);

// What Claude Code stores of an API key it was told to use: its last 20
// characters (the whole key when shorter).
std::string key_tail(const std::string& api_key);

// Makes an isolated home start at the trust question instead of Claude
// Code's first-run screens: `hasCompletedOnboarding` (its absence sends
// Claude Code to a welcome screen that calls api.anthropic.com), the key's
// tail in `customApiKeyResponses.approved` unless the user answered for it
// already, and, when it seeds, the user's theme (user_theme of `user_env`)
// in its settings.json unless that has one. Writes only what is missing; never
// trusts a folder. Returns warnings (a file it cannot read is left alone).
Expected<std::vector<std::string>> seed_claude_home(const fs::path& home, const std::optional<std::string>& api_key,
                                                    const EnvMap& user_env);

// True when `dir` or one of its ancestors is marked
// `projects["<dir>"].hasTrustDialogAccepted` in the global config `config`
// (Claude Code records the git root or the cwd; trust covers what is below).
bool folder_trusted(const fs::path& config, const fs::path& dir);

// The config dir's own settings.json sets a statusLine (clown then leaves
// Claude Code's status line to it).
bool user_statusline(const fs::path& config_dir);

}  // namespace clown::launcher
