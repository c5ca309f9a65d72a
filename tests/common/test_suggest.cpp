#include <catch2/catch.hpp>

#include "common/suggest.hpp"

using clown::closest_match;
using clown::did_you_mean;
using clown::edit_distance;

TEST_CASE("edit_distance counts a swap of neighbours as one edit", "[suggest]") {
  CHECK(edit_distance("usgae", "usage") == 1);
  CHECK(edit_distance("lst", "list") == 1);
  CHECK(edit_distance("tyy1", "tty1") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("same", "same") == 0);
}

TEST_CASE("closest_match suggests only names close enough to be a typo", "[suggest]") {
  const std::vector<std::string> commands = {"profiles", "agents", "providers", "run", "usage", "registry", "pricing"};
  CHECK(closest_match("usgae", commands) == "usage");
  CHECK(closest_match("profile", commands) == "profiles");
  CHECK(closest_match("rn", commands) == "run");
  CHECK(closest_match("prov", commands) == "providers");  // a prefix of at least three characters
  CHECK_FALSE(closest_match("xyzzy", commands));
  CHECK_FALSE(closest_match("", commands));
  CHECK_FALSE(closest_match("usage", {"usage"}));  // the word itself is no suggestion
  CHECK(closest_match("lst", {"list", "show", "set"}) == "list");
  // Ties go to the earlier candidate.
  CHECK(closest_match("ab", {"ac", "ad"}) == "ac");
}

TEST_CASE("did_you_mean is a message suffix or nothing", "[suggest]") {
  CHECK(did_you_mean("tyy1", {"tty1", "work"}) == "; did you mean 'tty1'?");
  CHECK(did_you_mean("zzzz", {"tty1", "work"}).empty());
}
