#include "cli/completion_spec.hpp"

#include "reports/period.hpp"

namespace clown::cli {

namespace {

// "TEXT:{csv,json}" -> {csv, json}: the description CLI::IsMember adds.
std::vector<std::string> member_choices(const std::string& type_name) {
  const auto open = type_name.find('{'), close = type_name.rfind('}');
  std::vector<std::string> out;
  if (open == std::string::npos || close == std::string::npos || close < open) return out;
  std::string item;
  for (char c : type_name.substr(open + 1, close - open - 1)) {
    if (c == ',') {
      out.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item.push_back(c);
    }
  }
  if (!item.empty()) out.push_back(item);
  return out;
}

ValueKind kind_of(const std::string& type_name, std::vector<std::string>& choices) {
  choices = member_choices(type_name);
  if (!choices.empty()) return ValueKind::choice;
  const std::string base = type_name.substr(0, type_name.find(':'));
  if (base == "PROFILE") return ValueKind::profile;
  if (base == "PROVIDER") return ValueKind::provider;
  if (base == "AGENT") return ValueKind::agent;
  if (base == "MODEL") return ValueKind::model;
  if (base == "PERIOD") {
    choices = reports::period_names();
    return ValueKind::period;
  }
  if (base == "SHELL") {
    choices = {"bash", "zsh", "fish"};
    return ValueKind::shell;
  }
  if (base == "DIR") return ValueKind::directory;
  if (base == "FILE") return ValueKind::file;
  return ValueKind::text;
}

OptionSpec option_spec(const CLI::Option& opt) {
  OptionSpec o;
  for (const auto& l : opt.get_lnames()) o.names.push_back("--" + l);
  for (const auto& s : opt.get_snames()) o.names.push_back("-" + s);
  o.takes_value = opt.get_type_size() != 0;
  o.type_name = o.takes_value ? opt.get_type_name() : "";
  o.kind = o.takes_value ? kind_of(o.type_name, o.choices) : ValueKind::none;
  o.help = opt.get_description();
  return o;
}

PositionalSpec positional_spec(const CLI::Option& opt) {
  PositionalSpec p;
  p.name = opt.get_name(true);
  p.type_name = opt.get_type_name();
  p.kind = kind_of(p.type_name, p.choices);
  p.repeats = opt.get_items_expected_max() > 1;
  p.required = opt.get_required();
  p.help = opt.get_description();
  return p;
}

bool visible(const CLI::App* sub) { return !sub->get_group().empty() && sub->get_group() != "Internal"; }

void describe_into(const CLI::App& app, CommandSpec& spec) {
  spec.help = app.get_description();
  spec.footer = app.get_footer();
  for (const auto* opt : app.get_options()) {
    if (opt->get_positional() && !opt->nonpositional())
      spec.positionals.push_back(positional_spec(*opt));
    else if (opt->nonpositional())
      spec.options.push_back(option_spec(*opt));
  }
  for (const auto* sub : app.get_subcommands([](const CLI::App* s) { return visible(s); })) {
    CommandSpec child;
    child.path = spec.path;
    child.path.push_back(sub->get_name());
    describe_into(*sub, child);
    spec.subcommands.push_back(std::move(child));
  }
}

void flatten_into(const CommandSpec& spec, std::vector<const CommandSpec*>& out) {
  out.push_back(&spec);
  for (const auto& sub : spec.subcommands) flatten_into(sub, out);
}

}  // namespace

std::string CommandSpec::joined() const {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : " ") + p;
  return out;
}

CommandSpec describe(const CLI::App& app) {
  CommandSpec spec;
  spec.path = {app.get_name()};
  describe_into(app, spec);
  return spec;
}

std::vector<const CommandSpec*> flatten(const CommandSpec& root) {
  std::vector<const CommandSpec*> out;
  flatten_into(root, out);
  return out;
}

}  // namespace clown::cli
