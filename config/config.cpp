#include "config/config.hpp"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <system_error>

#include "common/file_io.hpp"
#include "config/toml_keys.hpp"

namespace clown::config {

namespace {

constexpr std::array<std::string_view, 7> k_weekdays = {"sunday",   "monday", "tuesday", "wednesday",
                                                        "thursday", "friday", "saturday"};

// Errors name the file, the key's line and the key, and say what is expected.
class Reader {
 public:
  explicit Reader(std::string file) : m_file(std::move(file)) {}

  tl::unexpected<Error> wrong(const toml::node& node, const std::string& key, const std::string& expected) const {
    return fail(m_file + ":" + std::to_string(node.source().begin.line) + ": " + key + " must be " + expected);
  }

  // A non-negative amount of USD (integer or float), when present.
  Expected<std::optional<double>> usd(const toml::table& t, std::string_view name, const std::string& key) const {
    const toml::node* node = t.get(name);
    if (!node) return std::optional<double>();
    const auto v = node->value<double>();
    if (!node->is_number() || !v || *v < 0) return wrong(*node, key, "a number of USD, 0 or more (e.g. 25 or 12.5)");
    return std::optional<double>(*v);
  }

  Expected<std::optional<double>> number(const toml::table& t, std::string_view name, const std::string& key, double lo,
                                         double hi) const {
    const toml::node* node = t.get(name);
    if (!node) return std::optional<double>();
    const auto v = node->value<double>();
    if (!node->is_number() || !v || *v < lo || *v > hi)
      return wrong(*node, key, "a number from " + trim(lo) + " to " + trim(hi));
    return std::optional<double>(*v);
  }

  Expected<std::optional<int64_t>> integer(const toml::table& t, std::string_view name, const std::string& key,
                                           int64_t lo, int64_t hi) const {
    const toml::node* node = t.get(name);
    if (!node) return std::optional<int64_t>();
    const auto v = node->value<int64_t>();
    if (!node->is_integer() || !v || *v < lo || *v > hi)
      return wrong(*node, key, "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return std::optional<int64_t>(*v);
  }

  Expected<const toml::table*> table(const toml::table& t, std::string_view name, const std::string& key) const {
    const toml::node* node = t.get(name);
    if (!node) return static_cast<const toml::table*>(nullptr);
    if (!node->is_table()) return wrong(*node, key, "a table ([" + key + "])");
    return node->as_table();
  }

 private:
  static std::string trim(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  std::string m_file;
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Expected<BudgetLimits> read_limits(const Reader& in, const toml::table& t, const std::string& prefix) {
  BudgetLimits limits;
  TRY_ASSIGN(limits.daily, in.usd(t, "daily", prefix + ".daily"));
  TRY_ASSIGN(limits.weekly, in.usd(t, "weekly", prefix + ".weekly"));
  TRY_ASSIGN(limits.monthly, in.usd(t, "monthly", prefix + ".monthly"));
  return limits;
}

Expected<void> read_budgets(const Reader& in, const toml::table& root, Config& config) {
  TRY_ASSIGN(const toml::table* budgets, in.table(root, "budgets", "budgets"));
  if (!budgets) return {};
  TRY_ASSIGN(config.budgets.overall, read_limits(in, *budgets, "budgets"));
  TRY_ASSIGN(const toml::table* profiles, in.table(*budgets, "profiles", "budgets.profiles"));
  if (!profiles) return {};
  for (const auto& [alias, node] : *profiles) {
    const std::string key = "budgets.profiles." + std::string(alias.str());
    if (!node.is_table()) return in.wrong(node, key, "a table ([" + key + "]) with daily, weekly or monthly");
    TRY_ASSIGN(config.budgets.profiles[std::string(alias.str())], read_limits(in, *node.as_table(), key));
  }
  return {};
}

Expected<void> read_plans(const Reader& in, const toml::table& root, Config& config) {
  const toml::node* node = root.get("plans");
  if (!node) return {};
  const toml::array* plans = node->as_array();
  if (!plans) return in.wrong(*node, "plans", "an array of tables ([[plans]] with name and monthly_usd)");
  for (size_t i = 0; i < plans->size(); ++i) {
    const toml::node& item = *plans->get(i);
    const std::string key = "plans[" + std::to_string(i) + "]";
    const toml::table* t = item.as_table();
    if (!t) return in.wrong(item, key, "a table ([[plans]] with name and monthly_usd)");
    PlanConfig plan;
    const toml::node* name = t->get("name");
    if (!name || !name->is_string() || name->value<std::string>()->empty())
      return in.wrong(name ? *name : item, key + ".name", "a non-empty string");
    plan.name = *name->value<std::string>();
    TRY_ASSIGN(const auto price, in.usd(*t, "monthly_usd", key + ".monthly_usd"));
    if (!price) return in.wrong(item, key + ".monthly_usd", "set (the plan's price per month in USD)");
    plan.monthly_usd = *price;
    TRY_ASSIGN(plan.covers_usd, in.usd(*t, "covers_usd", key + ".covers_usd"));
    config.plans.push_back(std::move(plan));
  }
  return {};
}

Expected<void> read_aliases(const Reader& in, const toml::table& root, Config& config) {
  TRY_ASSIGN(const toml::table* aliases, in.table(root, "project_aliases", "project_aliases"));
  if (!aliases) return {};
  for (const auto& [pattern, node] : *aliases) {
    const std::string key = "project_aliases.\"" + std::string(pattern.str()) + "\"";
    if (!node.is_string() || node.value<std::string>()->empty())
      return in.wrong(node, key, "a non-empty string (the project name to report)");
    config.project_aliases.push_back({std::string(pattern.str()), *node.value<std::string>()});
  }
  return {};
}

Expected<void> read_insights(const Reader& in, const toml::table& root, Config& config) {
  TRY_ASSIGN(const toml::table* t, in.table(root, "insights", "insights"));
  if (!t) return {};
  auto& th = config.insights;
  TRY_ASSIGN(const auto z, in.number(*t, "z_threshold", "insights.z_threshold", 0.5, 100));
  TRY_ASSIGN(const auto days, in.integer(*t, "min_history_days", "insights.min_history_days", 1, 365));
  TRY_ASSIGN(const auto pct, in.number(*t, "session_percentile", "insights.session_percentile", 50, 100));
  TRY_ASSIGN(const auto sessions, in.integer(*t, "min_sessions", "insights.min_sessions", 2, 1000000));
  TRY_ASSIGN(const auto drop, in.number(*t, "cache_drop_points", "insights.cache_drop_points", 0.1, 100));
  TRY_ASSIGN(const auto share, in.number(*t, "concentration_share", "insights.concentration_share", 0.01, 1));
  TRY_ASSIGN(const auto similar, in.integer(*t, "min_similar_sessions", "insights.min_similar_sessions", 1, 1000000));
  th.z_threshold = z.value_or(th.z_threshold);
  th.min_history_days = days.value_or(th.min_history_days);
  th.session_percentile = pct.value_or(th.session_percentile);
  th.min_sessions = sessions.value_or(th.min_sessions);
  th.cache_drop_points = drop.value_or(th.cache_drop_points);
  th.concentration_share = share.value_or(th.concentration_share);
  th.min_similar_sessions = similar.value_or(th.min_similar_sessions);
  return {};
}

Expected<void> read_statusline(const Reader& in, const toml::table& root, Config& config) {
  TRY_ASSIGN(const toml::table* t, in.table(root, "statusline", "statusline"));
  if (!t) return {};
  auto& sl = config.statusline;
  if (const toml::node* node = t->get("segments")) {
    const auto& names = statusline_segment_names();
    const std::string expected = "a list of segment names (" + join(names) + ")";
    const auto* list = node->as_array();
    if (!list) return in.wrong(*node, "statusline.segments", expected);
    sl.segments.clear();
    for (const auto& item : *list) {
      const auto name = item.value<std::string>();
      if (!name || std::find(names.begin(), names.end(), *name) == names.end())
        return in.wrong(item, "statusline.segments", expected);
      sl.segments.push_back(*name);
    }
  }
  if (const toml::node* node = t->get("color")) {
    if (!node->is_boolean()) return in.wrong(*node, "statusline.color", "true or false");
    sl.color = *node->value<bool>();
  }
  TRY_ASSIGN(const auto warn, in.number(*t, "warning_percent", "statusline.warning_percent", 0, 100));
  TRY_ASSIGN(const auto crit, in.number(*t, "critical_percent", "statusline.critical_percent", 0, 100));
  sl.warning_percent = warn.value_or(sl.warning_percent);
  sl.critical_percent = crit.value_or(sl.critical_percent);
  return {};
}

Expected<void> read_otel(const Reader& in, const toml::table& root, Config& config) {
  TRY_ASSIGN(const toml::table* t, in.table(root, "otel", "otel"));
  if (!t) return {};
  auto& otel = config.otel;
  if (const toml::node* url = t->get("upstream")) {
    const auto text = url->value<std::string>();
    if (!url->is_string() || !(text->rfind("http://", 0) == 0 || text->rfind("https://", 0) == 0))
      return in.wrong(*url, "otel.upstream", "a string with an http:// or https:// URL (the collector's base URL)");
    otel.upstream = *text;
  }
  TRY_ASSIGN(const toml::table* headers, in.table(*t, "headers", "otel.headers"));
  if (headers)
    for (const auto& [name, node] : *headers) {
      if (!node.is_string())
        return in.wrong(node, "otel.headers." + std::string(name.str()), "a string (the header's value)");
      otel.headers.emplace_back(std::string(name.str()), *node.value<std::string>());
    }
  TRY_ASSIGN(const auto count, in.integer(*t, "queue_max_payloads", "otel.queue_max_payloads", 1, 10000000));
  TRY_ASSIGN(const auto mb, in.integer(*t, "queue_max_mb", "otel.queue_max_mb", 1, 1000000));
  otel.queue_max_payloads = count.value_or(otel.queue_max_payloads);
  if (mb) otel.queue_max_bytes = *mb << 20;
  return {};
}

// "host:port" (an IPv4 address or name, a port 1-65535), or a bare port.
std::optional<std::pair<std::string, int>> host_port(const std::string& text) {
  const size_t colon = text.rfind(':');
  const std::string host = colon == std::string::npos ? "0.0.0.0" : text.substr(0, colon);
  const std::string port = colon == std::string::npos ? text : text.substr(colon + 1);
  if (host.empty() || port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const int n = std::stoi(port);
  if (n < 1 || n > 65535) return std::nullopt;
  return std::pair{host, n};
}

Expected<void> read_team(const Reader& in, const toml::table& root, Config& config) {
  TRY_ASSIGN(const toml::table* t, in.table(root, "team", "team"));
  if (!t) return {};
  if (const toml::node* role = t->get("role")) {
    const auto text = role->value<std::string>();
    if (!role->is_string() || (*text != "central" && *text != "none"))
      return in.wrong(*role, "team.role", "\"central\" (accept other machines' OTLP) or \"none\"");
    config.team.role = *text == "central" ? TeamRole::central : TeamRole::none;
  }
  if (const toml::node* listen = t->get("listen")) {
    const auto parsed = listen->is_string() ? host_port(*listen->value<std::string>()) : std::nullopt;
    if (!parsed) return in.wrong(*listen, "team.listen", "a string \"address:port\", e.g. \"0.0.0.0:4318\"");
    config.team.listen_host = parsed->first;
    config.team.listen_port = parsed->second;
  }
  return {};
}

// [otel] headers are secrets (docs/security.md#otel-forward): like ssh with a
// key file, they are not used from a file others can read.
void refuse_open_headers(const std::filesystem::path& file, OtelConfig& otel) {
  struct stat st {};
  if (otel.headers.empty() || ::stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  otel.headers.clear();
  otel.headers_refused = "not using [otel] headers: permissions " + std::string(mode) + " for " + file.string() +
                         " let group or others read these secrets; run: chmod 600 " + file.string() +
                         " (or store them with: clown otel upstream URL --header K=V)";
}

// daemon.port, timezone, registry.pricing_url: a wrong type is an error naming
// file:line and the key (a port of "8765x" must not silently become 8765).
Expected<void> read_basic(const Reader& in, const toml::table& table, Config& config) {
  if (const toml::node* port = table.at_path("daemon.port").node()) {
    const auto v = port->value<int64_t>();
    if (!port->is_integer() || !v || *v < 0 || *v > 65535)
      return in.wrong(*port, "daemon.port", "a whole number from 1 to 65535 (or 0: any free port)");
    config.daemon_port = static_cast<int>(*v);
  }
  if (const toml::node* tz = table.get("timezone")) {
    if (!tz->is_string()) return in.wrong(*tz, "timezone", "a string naming an IANA zone, e.g. \"Europe/Berlin\"");
    config.timezone = *tz->value<std::string>();
  }
  if (const toml::node* url = table.at_path("registry.pricing_url").node()) {
    if (!url->is_string()) return in.wrong(*url, "registry.pricing_url", "a string (an https:// URL)");
    config.pricing_url = *url->value<std::string>();
  }
  return {};
}

}  // namespace

const std::vector<std::string>& statusline_segment_names() {
  static const std::vector<std::string> names = {"profile", "model",   "session",   "today",
                                                 "block",   "context", "five_hour", "seven_day"};
  return names;
}

std::optional<int> weekday_from(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < k_weekdays.size(); ++i)
    if (lower == k_weekdays[i] || (lower.size() == 3 && k_weekdays[i].substr(0, 3) == lower))
      return static_cast<int>(i);
  return std::nullopt;
}

std::string_view weekday_name(int weekday) { return k_weekdays[static_cast<size_t>(((weekday % 7) + 7) % 7)]; }

Expected<Config> parse_config(std::string_view text, const std::string& file) {
  Config config;
  toml::table table;
  try {
    table = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return fail(file + ":" + std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column) +
                ": " + std::string(e.description()));
  }
  const Reader in(file);
  TRY(read_basic(in, table, config));
  if (const toml::node* sow = table.get("start_of_week")) {
    const auto day = sow->is_string() ? weekday_from(*sow->value<std::string>()) : std::nullopt;
    if (!day) return in.wrong(*sow, "start_of_week", "a day name such as \"monday\" or \"sunday\"");
    config.start_of_week = *day;
  }
  TRY(read_budgets(in, table, config));
  TRY(read_plans(in, table, config));
  TRY(read_aliases(in, table, config));
  TRY(read_insights(in, table, config));
  TRY(read_statusline(in, table, config));
  TRY(read_otel(in, table, config));
  TRY(read_team(in, table, config));
  for (const auto& key : unknown_keys(table, config_file_keys()))
    config.warnings.push_back(unknown_key_warning(file, key, config_file_keys()));
  return config;
}

Expected<Config> load_config(const Paths& paths) {
  std::error_code ec;
  const auto file = paths.config_file();
  if (!std::filesystem::exists(file, ec)) return Config{};
  TRY_ASSIGN(const auto text, read_file(file));
  TRY_ASSIGN(auto config, parse_config(text, file.string()));
  refuse_open_headers(file, config.otel);
  return config;
}

const std::vector<std::string>& config_file_keys() {
  static const std::vector<std::string> keys = {"daemon.port",
                                                "timezone",
                                                "start_of_week",
                                                "registry.pricing_url",
                                                "budgets.daily",
                                                "budgets.weekly",
                                                "budgets.monthly",
                                                "budgets.profiles",
                                                "plans",
                                                "project_aliases",
                                                "insights.z_threshold",
                                                "insights.min_history_days",
                                                "insights.session_percentile",
                                                "insights.min_sessions",
                                                "insights.cache_drop_points",
                                                "insights.concentration_share",
                                                "insights.min_similar_sessions",
                                                "statusline.segments",
                                                "statusline.color",
                                                "statusline.warning_percent",
                                                "statusline.critical_percent",
                                                "otel.upstream",
                                                "otel.headers",
                                                "otel.queue_max_payloads",
                                                "otel.queue_max_mb",
                                                "team.role",
                                                "team.listen"};
  return keys;
}

}  // namespace clown::config
