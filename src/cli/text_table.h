#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace erphub::cli {

// A plain-text table for terminals: a header row, then rows, columns left-aligned and separated
// by two spaces; widths count code points, not bytes.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);

  // Missing cells are empty; extra cells are ignored.
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }

  // Each row on its own line, `indent` before each; trailing spaces trimmed.
  std::string ToString(std::string_view indent = "") const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` on one line (line breaks and tabs become spaces) and at most `max_code_points` long,
// ending in "..." when cut.
std::string OneLine(std::string_view text, size_t max_code_points);

}  // namespace erphub::cli
