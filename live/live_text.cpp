#include "live/live_text.hpp"

#include <cstdio>

#include "common/format.hpp"
#include "common/time.hpp"
#include "reports/budget.hpp"
#include "reports/display.hpp"

namespace clown::live {

namespace {

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string pad_left(const std::string& s, size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

// "1h12m" / "12m" / "45s": time left in a block, age of a request.
std::string short_span(int64_t ms) {
  const int64_t secs = ms < 0 ? 0 : ms / 1000;
  char buf[32];
  if (secs >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(secs / 3600),
                  static_cast<long long>(secs % 3600 / 60));
  else if (secs >= 60)
    std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(secs / 60));
  else
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(secs));
  return buf;
}

std::string tokens_text(int64_t tokens) { return with_thousands(tokens) + " tokens"; }

void add_spend(std::vector<std::string>& out, const LiveFrame& f) {
  int64_t today_tokens =
      f.today.tokens.input + f.today.tokens.output + f.today.tokens.cache_creation() + f.today.tokens.cache_read;
  out.push_back("Today   " + format_usd(f.today.total_cost) + "  |  " + tokens_text(today_tokens) + "  |  " +
                with_thousands(f.today.requests) + " requests");
  if (!f.block) {
    out.push_back("Block   no active 5-hour block");
    return;
  }
  std::string line = "Block   " + format_usd(f.block->cost) + "  |  " + tokens_text(f.block->tokens);
  if (f.block->burn) {
    const auto& b = *f.block->burn;
    line += "  |  burn " + format_usd(b.cost_per_hour) + "/h  |  projected " + format_usd(b.projected_cost) + "  |  " +
            short_span(b.remaining_ms) + " left";
  }
  out.push_back(line);
}

void add_budgets(std::vector<std::string>& out, const LiveFrame& f) {
  if (f.budgets.empty()) {
    out.push_back("Budgets none configured ([budgets] in config.toml)");
    return;
  }
  out.push_back("Budgets");
  for (const auto& b : f.budgets) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.0f%%", b.percent);
    out.push_back("  " + pad(b.profile.empty() ? "overall" : b.profile, 16) + pad(reports::to_string(b.window), 8) +
                  pad_left(format_usd(b.spent), 10) + " of " + pad(format_usd(b.limit), 10) + pad_left(pct, 5) + "  " +
                  reports::to_string(b.level));
  }
}

void add_runs(std::vector<std::string>& out, const LiveFrame& f) {
  out.push_back("Runs now (" + std::to_string(f.runs.size()) + ")");
  if (f.runs.empty()) {
    out.push_back("  none");
    return;
  }
  out.push_back("  " + pad("PROFILE", 16) + pad("MODEL", 20) + pad_left("ELAPSED", 10) + pad_left("TOKENS", 14) +
                pad_left("COST", 10));
  for (const auto& r : f.runs)
    out.push_back("  " + pad(r.profile, 16) + pad(reports::short_model(r.model), 20) +
                  pad_left(format_duration(r.elapsed_secs), 10) + pad_left(with_thousands(r.tokens), 14) +
                  pad_left(format_usd(r.cost), 10));
}

void add_recent(std::vector<std::string>& out, const LiveFrame& f) {
  out.push_back("Last requests");
  if (f.recent.empty()) {
    out.push_back("  none");
    return;
  }
  out.push_back("  " + pad_left("AGE", 7) + "  " + pad("PROFILE", 16) + pad("MODEL", 20) + pad_left("TOKENS", 14) +
                pad_left("COST", 10));
  for (const auto& r : f.recent)
    out.push_back("  " + pad_left(short_span(f.now_ms - r.ts_ms), 7) + "  " + pad(r.profile, 16) +
                  pad(reports::short_model(r.model), 20) + pad_left(with_thousands(r.tokens), 14) +
                  pad_left(r.priced ? format_usd(r.cost) : "unpriced", 10));
}

}  // namespace

std::vector<std::string> frame_lines(const LiveFrame& frame, int interval_secs, size_t width) {
  std::vector<std::string> out;
  out.push_back("clown usage live  |  " + format_iso8601_ms(frame.now_ms).substr(0, 19) + "Z  |  " + frame.timezone +
                "  |  every " + std::to_string(interval_secs) + "s  |  q quits");
  out.emplace_back();
  add_spend(out, frame);
  add_budgets(out, frame);
  out.emplace_back();
  add_runs(out, frame);
  out.emplace_back();
  add_recent(out, frame);
  for (auto& line : out)
    if (line.size() > width) line.resize(width);
  return out;
}

}  // namespace clown::live
