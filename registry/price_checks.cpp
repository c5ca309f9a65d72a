#include "registry/price_checks.hpp"

#include <algorithm>

#include "registry/price_rules.hpp"

namespace clown::registry {

namespace {

bool any_negative(const ModelPrice& p) {
  auto neg = [](const std::optional<double>& v) { return v && *v < 0; };
  return p.input < 0 || p.output < 0 || neg(p.cache_write_5m) || neg(p.cache_write_1h) || neg(p.cache_read) ||
         neg(p.input_above_200k) || neg(p.output_above_200k) || neg(p.cache_write_5m_above_200k) ||
         neg(p.cache_write_1h_above_200k) || neg(p.cache_read_above_200k);
}

// A part the reference bills above 0 that the download bills at 0 or less.
bool lost_a_price(const TierPrices& was, const TierPrices& now) {
  auto lost = [](TokenPrice a, TokenPrice b) { return a.usd > 0 && !(b.usd > 0); };
  return lost(was.input, now.input) || lost(was.output, now.output) || lost(was.cache_write_5m, now.cache_write_5m) ||
         lost(was.cache_write_1h, now.cache_write_1h) || lost(was.cache_read, now.cache_read);
}

bool still_paid(const ModelPrice& was, const ModelPrice& now) {
  for (auto tier : {PriceTier::standard, PriceTier::long_context})
    if (lost_a_price(tier_prices(was, tier), tier_prices(now, tier))) return false;
  return true;
}

// "a, b, c and 4 more": the first few names, enough to find them in the file.
std::string name_list(const std::vector<std::string>& names) {
  constexpr size_t k_shown = 5;
  std::string out;
  for (size_t i = 0; i < names.size() && i < k_shown; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > k_shown) out += " and " + std::to_string(names.size() - k_shown) + " more";
  return out;
}

}  // namespace

Expected<void> check_prices_against(const PricingTable& download, const PricingTable& reference) {
  std::vector<std::string> negative, zeroed, missing_claude;
  for (const auto& [key, price] : download.entries())
    if (any_negative(price)) negative.push_back(key);
  const auto& skipped = download.skipped_keys();
  for (const auto& [key, was] : reference.entries()) {
    const bool paid = was.input > 0 || was.output > 0;
    auto now = download.entries().find(key);
    if (now != download.entries().end()) {
      if (paid && !any_negative(now->second) && !still_paid(was, now->second)) zeroed.push_back(key);
    } else if (paid && std::find(skipped.begin(), skipped.end(), key) != skipped.end()) {
      zeroed.push_back(key);
    } else if (was.provider == "anthropic" && !download.lookup(key)) {
      missing_claude.push_back(key);
    }
  }
  std::string why;
  auto add = [&](const std::vector<std::string>& names, const std::string& rule) {
    if (names.empty()) return;
    why += (why.empty() ? "" : "; ") + rule + " (" + std::to_string(names.size()) + ": " + name_list(names) + ")";
  };
  add(negative, "negative prices");
  add(zeroed, "prices of paid models fell to 0 or are missing");
  add(missing_claude, "Claude models missing");
  if (why.empty()) return {};
  return fail("the file would store wrong costs: " + why);
}

}  // namespace clown::registry
