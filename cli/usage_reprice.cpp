// `clown usage reprice` as text.
#include <iostream>

#include "cli/usage_render.hpp"
#include "cli/usage_render_parts.hpp"
#include "reports/display.hpp"

namespace clown::cli {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

void render_reprice(std::ostream& out, const reports::RepriceReport& r) {
  const Style st;
  const auto& c = r.changes;
  const std::string scope = std::string(r.all ? "every request" : "requests stored without a price") + ", " +
                            reports::period_label(r.period) + ", with the " + registry::to_string(r.prices.kind) +
                            " prices";
  for (const auto& w : r.warnings) std::cerr << "clown: warning: " << w << "\n";
  if (!r.warning.empty()) std::cerr << "clown: warning: " << r.warning << "\n";
  if (c.changed == 0) {
    out << "No price changed (" << with_thousands(c.checked) << (c.checked == 1 ? " request" : " requests")
        << " checked: " << scope << ")\n";
  } else {
    out << (r.dry_run ? "Would reprice " : "Repriced ") << with_thousands(c.changed)
        << (c.changed == 1 ? " request of " : " requests of ") << with_thousands(static_cast<int64_t>(c.models.size()))
        << (c.models.size() == 1 ? " model" : " models") << " (" << scope << ")"
        << (r.dry_run ? " — dry run, nothing changed" : "") << "\n\n";
    Table t({"Model", "Requests", "Before", "After"}, {false, true, true, true});
    for (const auto& m : c.models)
      t.add({m.model, with_thousands(m.requests), reports::cost_label(m.old_cost, m.was_unpriced == 0),
             reports::cost_label(m.new_cost, m.priced)});
    t.print(out, st.color);
  }
  if (!c.kept.empty())
    out << "\n" << st.yellow("No price now for " + joined(c.kept) + ": their stored prices were kept") << "\n";
  if (!c.still_unpriced.empty())
    out << "\n"
        << st.yellow("Still unpriced (no price in the pricing table): " + joined(c.still_unpriced) +
                     " — run `clown registry sync`")
        << "\n";
}

}  // namespace clown::cli
