// clown usage import-claude [--claude-dir DIR]... [--json]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "common/format.hpp"
#include "ingest/importer.hpp"

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
};

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
    auto summary = unwrap(ingest::import_claude(ctx.paths, options));
    bar.finish();
    if (opts->json) {
      std::cout << ingest::to_json(summary).dump() << "\n";
      return;
    }
    std::cout << "Imported " << with_thousands(summary.new_requests)
              << (summary.new_requests == 1 ? " new request from " : " new requests from ")
              << with_thousands(summary.files_read) << " of " << with_thousands(summary.files_seen)
              << " transcript files (" << with_thousands(summary.bytes_read >> 20) << " MB read in "
              << format_duration(summary.seconds) << ")\n"
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
  });
}

}  // namespace clown::cli
