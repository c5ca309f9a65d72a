// clown usage import-claude [--claude-dir DIR]... [--json]
// clown usage import-codex|import-gemini|import-opencode [--dir DIR]... [--json]
// clown usage import --all [--json]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "common/format.hpp"
#include "ingest/agent_import.hpp"
#include "ingest/importer.hpp"
#include "runs/run_finish.hpp"

namespace clown::cli {

namespace {

// A one-line bar on stderr, drawn only on a terminal and only once the import
// has run for a moment (a warm import finishes before it would show).
class ProgressBar {
 public:
  ProgressBar() : m_enabled(::isatty(2) != 0), m_start(std::chrono::steady_clock::now()) {
    // Tests set CLOWN_PROGRESS_DELAY_MS=0 to see the bar on a small import.
    if (const char* delay = std::getenv("CLOWN_PROGRESS_DELAY_MS"))
      m_delay = std::chrono::milliseconds(std::atoi(delay));
  }
  ~ProgressBar() { finish(); }
  void finish() {
    if (m_drawn) std::fputs("\r\x1b[2K", stderr);
    m_drawn = false;
  }
  void update(uint64_t done, uint64_t total) {
    if (!m_enabled || total == 0) return;
    if (std::chrono::steady_clock::now() - m_start < m_delay) return;
    constexpr int k_width = 30;
    int filled = static_cast<int>(k_width * static_cast<double>(done) / static_cast<double>(total));
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(k_width, '.');
    std::fprintf(stderr, "\rimporting [%s] %3d%% %s MB", bar.c_str(),
                 static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total)),
                 with_thousands(static_cast<int64_t>(done >> 20)).c_str());
    std::fflush(stderr);
    m_drawn = true;
  }

 private:
  bool m_enabled;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::milliseconds m_delay{300};
};

struct ImportCliOptions {
  std::vector<std::string> dirs;
  bool json = false;
  bool all = false;
};

void print_summary(const ingest::ImportSummary& summary, const char* files) {
  std::cout << "Imported " << with_thousands(summary.new_requests)
            << (summary.new_requests == 1 ? " new request from " : " new requests from ")
            << with_thousands(summary.files_read) << " of " << with_thousands(summary.files_seen) << " " << files
            << " (" << with_thousands(summary.bytes_read >> 20) << " MB read in " << format_duration(summary.seconds)
            << ")\n"
            << "  duplicates skipped:       " << with_thousands(summary.duplicates) << "\n"
            << "  unreadable lines skipped: " << with_thousands(summary.skipped_lines) << "\n";
  if (summary.history_requests > 0)
    std::cout << "  stats-cache history rows: " << with_thousands(summary.history_requests) << "\n";
  if (summary.otel_events > 0)
    std::cout << "  OpenTelemetry events:     " << with_thousands(summary.otel_events) << "\n";
  if (summary.unlogged_sessions > 0)
    std::cout << "  sessions with requests no transcript shows (from Claude Code's own totals): "
              << with_thousands(summary.unlogged_sessions) << "\n";
  for (const auto& w : summary.warnings) std::cerr << "clown: warning: " << w << "\n";
  if (!summary.hint.empty()) std::cout << summary.hint << "\n";
}

struct AgentCommand {
  const char* agent;
  const char* files;  // what its log files are called in the summary
  const char* help;
};

// import-codex, import-gemini, import-opencode.
void add_agent_import(CLI::App& usage, Context& ctx, const AgentCommand& command) {
  auto opts = std::make_shared<ImportCliOptions>();
  auto* cmd = usage.add_subcommand(std::string("import-") + command.agent, command.help);
  cmd->add_option("--dir", opts->dirs, "read this log dir instead of the default one; repeatable");
  cmd->add_flag("--json", opts->json, "print the summary as JSON");
  cmd->callback([opts, command, &ctx] {
    ingest::AgentImportOptions options;
    options.agent = command.agent;
    for (const auto& d : opts->dirs) options.dirs.emplace_back(d);
    ProgressBar bar;
    options.progress = [&bar](uint64_t done, uint64_t total) { bar.update(done, total); };
    auto summary = unwrap(runs::import_agent_after_runs(ctx.paths, options));
    bar.finish();
    if (opts->json)
      std::cout << ingest::to_json(summary).dump() << "\n";
    else
      print_summary(summary, command.files);
  });
}

void add_import_all(CLI::App& usage, Context& ctx) {
  auto opts = std::make_shared<ImportCliOptions>();
  auto* cmd = usage.add_subcommand(
      "import",
      "import the history of every agent whose logs are found (Claude Code, Codex CLI, Gemini CLI, opencode)");
  cmd->add_flag("--all", opts->all, "every agent found (required)")->required();
  cmd->add_flag("--json", opts->json, "print the summaries as JSON");
  cmd->callback([opts, &ctx] {
    ProgressBar bar;
    auto imports = unwrap(runs::import_all_after_runs(ctx.paths, [&bar](uint64_t d, uint64_t t) { bar.update(d, t); }));
    bar.finish();
    if (opts->json) {
      std::cout << ingest::to_json(imports).dump() << "\n";
      return;
    }
    if (imports.empty()) std::cout << "No agent logs found.\n";
    for (const auto& i : imports) {
      std::cout << i.agent << ": ";
      print_summary(i.summary, "log files");
    }
  });
}

}  // namespace

void add_usage_import_command(CLI::App& usage, Context& ctx) {
  auto opts = std::make_shared<ImportCliOptions>();
  auto* cmd = usage.add_subcommand(
      "import-claude",
      "import Claude Code's own history: every projects/**/*.jsonl and stats-cache.json of each config dir "
      "(default: each CLAUDE_CONFIG_DIR entry, else ~/.config/claude and ~/.claude) plus isolated profiles' homes; "
      "incremental and idempotent");
  cmd->add_option("--claude-dir", opts->dirs, "a Claude config dir (the folder holding projects/); repeatable")
      ->type_name("DIR");
  cmd->add_flag("--json", opts->json, "print the summary as JSON");
  cmd->callback([opts, &ctx] {
    ingest::ImportOptions options;
    for (const auto& d : opts->dirs) options.claude_dirs.emplace_back(d);
    ProgressBar bar;
    options.progress = [&bar](uint64_t done, uint64_t total) { bar.update(done, total); };
    auto summary = unwrap(runs::import_claude_after_runs(ctx.paths, options));
    bar.finish();
    if (opts->json) {
      std::cout << ingest::to_json(summary).dump() << "\n";
      return;
    }
    print_summary(summary, "transcript files");
  });
  for (const AgentCommand& c :
       {AgentCommand{"codex", "rollouts",
                     "import Codex CLI's own history: sessions/**/rollout-*.jsonl(.zst) and archived_sessions/ of "
                     "$CODEX_HOME (default ~/.codex) plus isolated profiles' homes; incremental and idempotent"},
        AgentCommand{"gemini", "chat files",
                     "import Gemini CLI's own history: .gemini/tmp/*/chats/ of $GEMINI_CLI_HOME (default ~) plus "
                     "isolated profiles' homes; incremental and idempotent"},
        AgentCommand{"opencode", "databases",
                     "import opencode's own history: opencode.db of $XDG_DATA_HOME/opencode (default "
                     "~/.local/share/opencode) plus isolated profiles' homes; incremental and idempotent"}})
    add_agent_import(usage, ctx, c);
  add_import_all(usage, ctx);
}

}  // namespace clown::cli
