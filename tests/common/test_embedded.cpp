#include <catch2/catch.hpp>

#include "common/embedded.hpp"
#include "tests/support/test_support.hpp"

extern const clown::EmbeddedFiles k_test_embedded;

TEST_CASE("embedded files carry the exact bytes, sorted, with an ETag") {
  REQUIRE(k_test_embedded.count == 1);
  const auto* f = k_test_embedded.find("sample.txt");
  REQUIRE(f != nullptr);
  CHECK(std::string(f->data) == clown::test::read_text(clown::test::source_dir() / "tests/common/sample.txt"));
  CHECK(f->etag.size() == 18);
  CHECK(k_test_embedded.find("missing") == nullptr);
}
