#pragma once
// "did you mean …?" for mistyped names: subcommands, profile aliases,
// providers, agents, report names and periods.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clown {

// Edit distance where a swap of two neighbouring characters counts as one
// edit (optimal string alignment), so `usgae` is one edit from `usage`.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a typo: at most
// one edit for names up to four characters, two up to eight, three beyond; a
// candidate that starts with `word` (at least three characters) also counts.
// Ties go to the earlier candidate.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" when there is a close match, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace clown
