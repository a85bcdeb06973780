#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "formats/csv/csv_options.h"
#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_rows.h"

namespace erphub::components {

// The rows of a CSV file, read from disk a chunk at a time: memory is bounded by the longest row
// plus one chunk, however large the file. Not thread-safe.
class CsvFileRows {
 public:
  enum class Event { kRow, kBadRow, kEnd };

  // `on_chunk` sees every chunk of the file's bytes as read (to hash the file on the way).
  CsvFileRows(const std::filesystem::path& path, const formats::csv::CsvOptions& options,
              std::function<void(std::string_view)> on_chunk = {});

  // The next row (row() holds it), a bad row (problem(), raw() and line() describe it; reading
  // may go on), or the end. An error ends the file: kUnavailable when it cannot be read, kParse
  // for a fault nothing after can be read past (a bad header, an over-long row).
  Result<Event> Next();

  Value row() const { return shaper_.ToValue(); }
  // Line on which the current (or bad) row starts.
  int64_t line() const { return reader_.line(); }
  // The bad row's text as read, without its line ending.
  std::string_view raw() const;
  const Status& problem() const { return problem_; }

 private:
  Status ReadChunk();

  std::ifstream in_;
  std::filesystem::path path_;
  formats::csv::CsvReader reader_;
  formats::csv::RowShaper shaper_;
  std::function<void(std::string_view)> on_chunk_;
  std::string chunk_;
  bool finished_ = false;
  Status problem_;
};

// "NAME:LINE: column C: reason" for a row's problem whose context reads "line L, column C...".
std::string RowProblemText(std::string_view file_name, int64_t line, const Status& problem);

}  // namespace erphub::components
