#include "profiles/agent_template.hpp"

#include <cctype>
#include <cstdio>

#include "common/sha256.hpp"

namespace clown::profiles {

namespace {

constexpr int k_max_depth = 8;  // derived values referring to derived values; deeper is a cycle

bool name_char(char c, bool first) { return (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9'); }

// A placeholder at text[0] ('{'): its filter ("" / "json" / "?" ...) and name,
// and its length; nullopt when the brace is literal text.
struct Placeholder {
  std::string_view filter, name;
  size_t length = 0;
};

bool known_filter(std::string_view f) {
  return f.empty() || f == "?" || f == "json" || f == "toml" || f == "shell" || f == "sha256";
}

std::optional<Placeholder> placeholder_at(std::string_view text) {
  Placeholder p;
  size_t i = 1;
  if (i < text.size() && text[i] == '?') {
    p.filter = "?";
    ++i;
  }
  size_t start = i;
  while (i < text.size() && name_char(text[i], i == start)) ++i;
  if (i == start || i >= text.size()) return std::nullopt;
  if (text[i] == ':' && p.filter.empty()) {
    p.filter = text.substr(start, i - start);
    start = ++i;
    while (i < text.size() && name_char(text[i], i == start)) ++i;
    if (i == start || i >= text.size()) return std::nullopt;
  }
  if (text[i] != '}' || !known_filter(p.filter)) return std::nullopt;
  p.name = text.substr(start, i - start);
  p.length = i + 1;
  return p;
}

std::string apply(std::string_view filter, const std::string& value) {
  if (filter == "json") return json_quote(value);
  if (filter == "toml") return toml_quote(value);
  if (filter == "shell") return shell_quote(value);
  if (filter == "sha256") return sha256_hex(value);
  if (filter == "?") return "";
  return value;
}

// The escapes of a JSON string (as serde_json and nlohmann write them: Codex
// hashes hook definitions in that form) or a TOML basic string (which also
// escapes DEL).
void escape_into(std::string& out, std::string_view s, bool toml) {
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c < 0x20 || (toml && c == 0x7f)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace

std::optional<std::string> expand_at(std::string_view text, const TemplateValues& values, int depth) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') {
      out += text[i];
      continue;
    }
    auto p = placeholder_at(text.substr(i));
    if (!p) {
      out += '{';
      continue;
    }
    const std::string value = values.get_at(p->name, depth);
    if (value.empty()) return std::nullopt;
    out += apply(p->filter, value);
    i += p->length - 1;
  }
  return out;
}

void TemplateValues::set(const std::string& name, std::string value) { m_plain[name] = std::move(value); }
void TemplateValues::define(const std::string& name, std::string text) { m_derived[name] = std::move(text); }

bool TemplateValues::has(std::string_view name) const {
  return m_plain.find(name) != m_plain.end() || m_derived.find(name) != m_derived.end();
}

std::string TemplateValues::get(std::string_view name) const { return get_at(name, 0); }

std::string TemplateValues::get_at(std::string_view name, int depth) const {
  if (auto it = m_derived.find(name); it != m_derived.end()) {
    if (depth >= k_max_depth) return {};
    return expand_at(it->second, *this, depth + 1).value_or("");
  }
  auto it = m_plain.find(name);
  return it == m_plain.end() ? std::string() : it->second;
}

std::optional<std::string> expand(std::string_view text, const TemplateValues& values) {
  return expand_at(text, values, 0);
}

std::vector<std::string> placeholders_of(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    if (auto p = placeholder_at(text.substr(i))) {
      out.emplace_back(p->name);
      i += p->length - 1;
    }
  }
  return out;
}

std::optional<std::string> expand_usage_path(const std::string& text, const std::map<std::string, std::string>& env,
                                             const TemplateValues& values) {
  auto expanded = expand(text, values);
  if (!expanded) return std::nullopt;
  std::string out;
  const std::string& s = *expanded;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 0 && s[0] == '~' && (s.size() == 1 || s[1] == '/')) {
      auto home = env.find("HOME");
      if (home == env.end() || home->second.empty()) return std::nullopt;
      out += home->second;
    } else if (s[i] == '$') {
      size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      auto var = env.find(s.substr(i + 1, j - i - 1));
      if (var == env.end() || var->second.empty()) return std::nullopt;
      out += var->second;
      i = j - 1;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  escape_into(out, s, false);
  return out + "\"";
}

std::string toml_quote(std::string_view s) {
  std::string out = "\"";
  escape_into(out, s, true);
  return out + "\"";
}

std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

}  // namespace clown::profiles
