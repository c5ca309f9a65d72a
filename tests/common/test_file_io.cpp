#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "common/file_io.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;

TEST_CASE("atomic write replaces content and sets the mode") {
  test::TempDir tmp;
  auto p = tmp.path() / "secret";
  REQUIRE(write_file_atomic(p, "one", 0600));
  REQUIRE(write_file_atomic(p, "two", 0600));
  CHECK(*read_file(p) == "two");
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(std::distance(std::filesystem::directory_iterator(tmp.path()), {}) == 1);  // no temp left
}

TEST_CASE("an append after a torn last line starts on a fresh line") {
  test::TempDir tmp;
  auto p = tmp.path() / "sessions.jsonl";
  test::write_text(p, "{\"run_id\":\"a\"}\n{\"run_id\":\"b\",\"to");  // a crash mid-write
  REQUIRE(append_line_durable(p, "{\"run_id\":\"c\"}"));
  REQUIRE(append_line_durable(p, "{\"run_id\":\"d\"}\n"));
  CHECK(*read_file(p) == "{\"run_id\":\"a\"}\n{\"run_id\":\"b\",\"to\n{\"run_id\":\"c\"}\n{\"run_id\":\"d\"}\n");
  // An empty file and a file that ends with its newline get no extra line.
  auto q = tmp.path() / "empty.jsonl";
  test::write_text(q, "");
  REQUIRE(append_line_durable(q, "x"));
  REQUIRE(append_line_durable(q, "y"));
  CHECK(*read_file(q) == "x\ny\n");
}

TEST_CASE("concurrent appends never interleave") {
  test::TempDir tmp;
  auto p = tmp.path() / "log.jsonl";
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) REQUIRE(append_line_durable(p, std::string(200, char('a' + t))));
    });
  for (auto& t : threads) t.join();
  auto text = *read_file(p);
  size_t lines = 0, pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    REQUIRE(nl != std::string::npos);
    auto line = text.substr(pos, nl - pos);
    REQUIRE(line.size() == 200);
    CHECK(line.find_first_not_of(line[0]) == std::string::npos);
    ++lines;
    pos = nl + 1;
  }
  CHECK(lines == 400);
}

TEST_CASE("reading a missing file names it") {
  auto r = read_file("/nonexistent/clown/file");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("/nonexistent/clown/file") != std::string::npos);
}

TEST_CASE("create_file_once: creates a missing file whole with its mode, never replaces one", "[file_io]") {
  test::TempDir tmp;
  const auto file = tmp.path() / "token";
  auto first = create_file_once(file, "first\n", 0600);
  REQUIRE(first);
  CHECK(*first);
  auto second = create_file_once(file, "second\n", 0600);
  REQUIRE(second);
  CHECK_FALSE(*second);
  CHECK(*read_file(file) == "first\n");
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // No temporary file is left behind either way.
  CHECK(std::distance(std::filesystem::directory_iterator(tmp.path()), std::filesystem::directory_iterator()) == 1);
  auto missing_dir = create_file_once(tmp.path() / "no" / "token", "x", 0600);
  REQUIRE_FALSE(missing_dir);
  CHECK(missing_dir.error().message.find("no/token") != std::string::npos);
}
