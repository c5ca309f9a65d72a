#include "cli/table.hpp"

#include <algorithm>

namespace clown::cli {

size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

void Table::print(std::ostream& out, bool bold_header) const {
  std::vector<size_t> width(m_header.size(), 0);
  for (size_t i = 0; i < m_header.size(); ++i) width[i] = display_width(m_header[i]);
  for (const auto& row : m_rows)
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      const std::string pad(width[i] - display_width(cell), ' ');
      if (i) line += "  ";
      line += m_right[i] ? pad + cell : (i + 1 == width.size() ? cell : cell + pad);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  };
  if (bold_header) out << "\x1b[1m";
  emit(m_header);
  if (bold_header) out << "\x1b[0m";
  size_t total = 0;
  for (size_t w : width) total += w;
  total += 2 * (width.empty() ? 0 : width.size() - 1);
  for (size_t r = 0; r < m_rows.size(); ++r) {
    if (std::find(m_rules.begin(), m_rules.end(), r) != m_rules.end()) out << std::string(total, '-') << "\n";
    emit(m_rows[r]);
  }
}

}  // namespace clown::cli
