#include "webui/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace clown::webui {

namespace {

void append_escaped(std::string& out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quotes)
      out += "\\\"";
    else
      out += c;
  }
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest round-trip form
  out.append(buf, ec == std::errc() ? end : buf);
}

}  // namespace

void PrometheusText::family(std::string_view name, Type type, std::string_view help) {
  m_name = name;
  m_out += "# HELP ";
  m_out += name;
  m_out += ' ';
  append_escaped(m_out, help, false);
  m_out += "\n# TYPE ";
  m_out += name;
  m_out += type == Type::counter ? " counter\n" : " gauge\n";
}

void PrometheusText::labels(const MetricLabels& labels) {
  m_out += m_name;
  if (labels.empty()) return;
  m_out += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) m_out += ',';
    first = false;
    m_out += key;
    m_out += "=\"";
    append_escaped(m_out, value, true);
    m_out += '"';
  }
  m_out += '}';
}

void PrometheusText::sample(const MetricLabels& l, double value) {
  labels(l);
  m_out += ' ';
  append_number(m_out, value);
  m_out += '\n';
}

void PrometheusText::sample(const MetricLabels& l, int64_t value) {
  labels(l);
  m_out += ' ';
  m_out += std::to_string(value);
  m_out += '\n';
}

void PrometheusText::single(std::string_view name, Type type, std::string_view help, double value) {
  family(name, type, help);
  sample({}, value);
}

}  // namespace clown::webui
