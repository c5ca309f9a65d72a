#pragma once
// Prometheus' text exposition format, version 0.0.4 (docs/api.md#metrics):
// per metric family one "# HELP" and one "# TYPE" line, then its samples
// `name{label="value",...} value`. Label values escape backslash, double quote
// and newline; HELP text escapes backslash and newline; values are written
// in the shortest form that reads back as the same double.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clown::webui {

inline constexpr const char* k_prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

using MetricLabels = std::vector<std::pair<std::string_view, std::string_view>>;

class PrometheusText {
 public:
  enum class Type { counter, gauge };
  // Starts a family; its samples follow with sample().
  void family(std::string_view name, Type type, std::string_view help);
  void sample(const MetricLabels& labels, double value);
  void sample(const MetricLabels& labels, int64_t value);
  // A family with one unlabelled sample.
  void single(std::string_view name, Type type, std::string_view help, double value);

  const std::string& text() const { return m_out; }

 private:
  void labels(const MetricLabels& labels);
  std::string m_out;
  std::string m_name;  // the current family
};

}  // namespace clown::webui
