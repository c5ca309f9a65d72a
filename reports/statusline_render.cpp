// Claude Code's statusLine input and the line clown prints for it.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "common/format.hpp"
#include "common/time.hpp"
#include "reports/statusline.hpp"

namespace clown::reports {

namespace {

using nlohmann::json;

std::string text_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> number_at(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// resets_at: epoch seconds (Claude Code 2.1.x) or an ISO-8601 string.
std::optional<int64_t> reset_time_ms(const json& window) {
  auto it = window.find("resets_at");
  if (it == window.end()) return std::nullopt;
  if (it->is_number()) return static_cast<int64_t>(std::llround(it->get<double>() * 1000.0));
  if (it->is_string()) return parse_iso8601_ms(it->get<std::string>());
  return std::nullopt;
}

void read_limits(const json& root, StatuslineInput& in) {
  auto limits = root.find("rate_limits");
  if (limits == root.end() || !limits->is_object()) return;
  for (auto window : {store::QuotaWindow::five_hour, store::QuotaWindow::seven_day}) {
    auto w = limits->find(store::to_string(window));
    if (w == limits->end() || !w->is_object()) continue;
    const auto percent = number_at(*w, "used_percentage");
    const auto resets = reset_time_ms(*w);
    if (percent && resets) in.limits.push_back({window, *percent, *resets});
  }
}

const char* k_sep = " \xC2\xB7 ";  // " · "

// "1h12m" / "42m".
std::string left_text(int64_t ms) {
  const int64_t minutes = std::max<int64_t>(0, ms) / 60000;
  char buf[32];
  if (minutes >= 60)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(minutes / 60),
                  static_cast<long long>(minutes % 60));
  else
    std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(minutes));
  return buf;
}

std::string rate_text(double per_hour) {
  char buf[32];
  std::snprintf(buf, sizeof buf, per_hour >= 10 ? "$%.0f/h" : "$%.1f/h", per_hour);
  return buf;
}

std::string percent_text(double p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", p);
  return buf;
}

struct Renderer {
  const config::StatuslineConfig& config;
  bool color;

  // Yellow from warning_percent, red from critical_percent (ANSI SGR 33 / 31).
  std::string level(const std::string& label, double percent) const {
    const std::string text = label + " " + percent_text(percent);
    if (!color || percent < config.warning_percent) return text;
    return (percent >= config.critical_percent ? "\x1b[31m" : "\x1b[33m") + text + "\x1b[0m";
  }
};

std::string block_text(const StatuslineBlock& b, int64_t now) {
  std::string s = "block " + format_usd(b.cost) + " (" + left_text(b.end_ms - now) + " left";
  const double hours = static_cast<double>(now - b.start_ms) / 3.6e6;
  if (hours > 0) s += ", " + rate_text(b.cost / hours);
  return s + ")";
}

std::optional<double> limit_of(const StatuslineInput& in, store::QuotaWindow w) {
  for (const auto& l : in.limits)
    if (l.window == w) return l.used_percent;
  return std::nullopt;
}

}  // namespace

Expected<StatuslineInput> parse_statusline_input(std::string_view text) {
  const json root = json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object())
    return fail(
        "the statusline input is not a JSON object (clown statusline reads Claude Code's statusLine JSON on stdin)");
  StatuslineInput in;
  in.session_id = text_at(root, "session_id");
  in.transcript_path = text_at(root, "transcript_path");
  if (auto m = root.find("model"); m != root.end() && m->is_object()) {
    in.model_id = text_at(*m, "id");
    in.model_name = text_at(*m, "display_name");
  }
  if (auto c = root.find("cost"); c != root.end() && c->is_object()) in.session_cost = number_at(*c, "total_cost_usd");
  if (auto c = root.find("context_window"); c != root.end() && c->is_object())
    in.context_percent = number_at(*c, "used_percentage");
  read_limits(root, in);
  return in;
}

std::string short_model_name(const StatuslineInput& in) {
  std::string out;
  if (!in.model_name.empty()) {
    for (char c : in.model_name) out += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  out = in.model_id;
  if (out.rfind("claude-", 0) == 0) out.erase(0, 7);
  return out;
}

std::string statusline_profile() {
  const char* p = std::getenv("CLOWN_PROFILE");
  return p && *p ? p : "claude-native";
}

std::string render_statusline(const StatuslineInput& in, const std::string& profile,
                              const std::optional<StatuslineFigures>& figures, const config::StatuslineConfig& config,
                              bool color, int64_t now) {
  const Renderer r{config, color};
  std::string line;
  auto add = [&](const std::string& part) { line += (line.empty() ? "" : k_sep) + part; };
  for (const auto& seg : config.segments) {
    if (seg == "profile") add(profile);
    if (seg == "model" && !short_model_name(in).empty()) add(short_model_name(in));
    if (seg == "session" && in.session_cost) add("session " + format_usd(*in.session_cost));
    if (seg == "today" && figures) add("today " + format_usd(figures->today));
    if (seg == "block" && figures && figures->block) add(block_text(*figures->block, now));
    if (seg == "context" && in.context_percent) add(r.level("ctx", *in.context_percent));
    if (seg == "five_hour")
      if (auto p = limit_of(in, store::QuotaWindow::five_hour)) add(r.level("5h", *p));
    if (seg == "seven_day")
      if (auto p = limit_of(in, store::QuotaWindow::seven_day)) add(r.level("7d", *p));
  }
  return line;
}

}  // namespace clown::reports
