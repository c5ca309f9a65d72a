#pragma once
// The small template language of agent definitions
// (docs/file-formats.md#agent-templates): `{name}` is a value, `{json:name}`,
// `{toml:name}`, `{shell:name}` quote it for that syntax, `{sha256:name}` is
// its hex SHA-256, and `{?name}` prints nothing but requires it. A template
// that uses an empty value expands to nothing at all (nullopt): an entry of a
// definition is given to the agent only when everything it names is known.
// Any other brace is literal text (JSON braces, opencode's `{env:VAR}`).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clown::profiles {

class TemplateValues {
 public:
  // A plain value ("" = unknown / not applicable).
  void set(const std::string& name, std::string value);
  // A derived value: a template over the others (an agent's [values]).
  void define(const std::string& name, std::string text);
  bool has(std::string_view name) const;
  // The value; "" when unknown, empty, or (derived) when its template uses an empty value.
  std::string get(std::string_view name) const;

 private:
  friend std::optional<std::string> expand_at(std::string_view, const TemplateValues&, int);
  std::string get_at(std::string_view name, int depth) const;
  std::map<std::string, std::string, std::less<>> m_plain;
  std::map<std::string, std::string, std::less<>> m_derived;
};

std::optional<std::string> expand(std::string_view text, const TemplateValues& values);

// The value names a template refers to (placeholders only, filters removed).
std::vector<std::string> placeholders_of(std::string_view text);

// A path of an agent's [usage]: the template expanded, then "~" = $HOME and
// "$VAR" from `env`; nullopt when something it names is unset or empty.
std::optional<std::string> expand_usage_path(const std::string& text, const std::map<std::string, std::string>& env,
                                             const TemplateValues& values);

// Quoting used by the filters.
std::string json_quote(std::string_view s);
std::string toml_quote(std::string_view s);
std::string shell_quote(std::string_view s);

}  // namespace clown::profiles
