#pragma once

#include <span>
#include <string>
#include <string_view>

#include "formats/csv/csv_options.h"

namespace erphub::formats::csv {

// Writes CSV records in the options' dialect, streaming: each call appends one record to the
// caller's buffer, which the caller drains when it likes. Fields are quoted only when they must be
// (they hold the delimiter, the quote, the escape or a line break; or they would otherwise be
// trimmed, read as a comment, or read as a blank line). Output is UTF-8.
class CsvWriter {
 public:
  explicit CsvWriter(const CsvOptions& options);

  void AppendRecord(std::span<const std::string_view> fields, std::string& out) const;

 private:
  bool NeedsQuotes(std::string_view field, bool first, bool only) const;
  void AppendQuoted(std::string_view field, std::string& out) const;

  CsvOptions options_;
  bool special_[256] = {};
};

}  // namespace erphub::formats::csv
