#pragma once
// Aligned text tables for human output (numbers right-aligned).
#include <ostream>
#include <string>
#include <vector>

namespace clown::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header, std::vector<bool> right_align = {})
      : m_header(std::move(header)), m_right(std::move(right_align)) {
    m_right.resize(m_header.size(), false);
  }
  void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  // A separator line before the next row (e.g. before a total).
  void add_rule() { m_rules.push_back(m_rows.size()); }
  void print(std::ostream& out, bool bold_header = false) const;

 private:
  std::vector<std::string> m_header;
  std::vector<bool> m_right;
  std::vector<std::vector<std::string>> m_rows;
  std::vector<size_t> m_rules;
};

// Display width of UTF-8 text (code points; good enough for tables).
size_t display_width(const std::string& s);

}  // namespace clown::cli
