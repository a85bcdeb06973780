#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "formats/csv/csv_options.h"
#include "formats/csv/csv_reader.h"

namespace erphub::formats::csv {

// Turns the records of a CsvReader into JSON rows: the header names the keys (or rows are arrays
// without one), the row width is checked, typed columns are converted. Not thread-safe.
class RowShaper {
 public:
  enum class Taken { kHeader, kRow };

  explicit RowShaper(const CsvOptions& options);

  // Takes the reader's current record. A ragged row (when strict) or a field that does not fit
  // its column's type is kParse naming the line and column; the row is then dropped, and the
  // caller may go on (quarantine) unless can_continue() is false (a bad header).
  Result<Taken> Take(const CsvReader& reader);
  bool can_continue() const { return !fatal_; }

  // The row last taken, as JSON text (keys in header order) or as a Value.
  void AppendJson(std::string& out) const;
  Value ToValue() const;

 private:
  Status TakeHeader(const CsvReader& reader);
  std::string_view KeyOf(size_t index) const;

  CsvOptions options_;
  bool fatal_ = false;
  bool have_width_ = false;
  size_t width_ = 0;
  std::vector<std::string> keys_;
  std::vector<std::string> json_keys_;  // "key": ready to append
  // The declared column of each position, if any.
  std::vector<const Column*> column_of_;
  // The row last taken; strings point into the reader's buffer.
  std::vector<std::string_view> fields_;
  std::vector<std::optional<Value>> typed_;
  mutable std::vector<std::string> extra_keys_;
};

}  // namespace erphub::formats::csv
