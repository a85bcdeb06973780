#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "formats/csv/csv_options.h"

namespace erphub::formats::csv {

// Receives each row quarantined (on_bad_row: quarantine): its error, with line and column, and
// its text as read (UTF-8), to be kept aside.
using BadRowReport = std::function<void(const Status& error, std::string_view row_text)>;

// A whole CSV document -> a JSON array of rows: objects keyed by the header, or arrays when the
// options say there is no header. A bad row fails the document (kParse with its line and column)
// or, when quarantined, is passed to `report` and left out.
Result<Value> ParseCsv(std::string_view bytes, const CsvOptions& options,
                       const BadRowReport& report = {});

// A JSON array of rows -> CSV. Object rows get a header of every key in the order first seen
// (when options.header) and their values in that order; array rows are written as they are.
// Fields hold strings, numbers, booleans or null (empty). kInvalidArgument for other shapes.
Result<std::string> RenderCsv(const Value& rows, const CsvOptions& options);

// Reads CSV from `read` (returns the next chunk; an empty one at the end) and writes the same JSON
// as ParseCsv to `write`, a few rows at a time: memory is bounded by the longest row, not the
// file. Returns the first error that fails the file (bad rows, an error of `read`).
using ChunkSource = std::function<Result<std::string_view>()>;
using TextSink = std::function<void(std::string_view)>;
Status StreamCsvToJson(const CsvOptions& options, const ChunkSource& read, const TextSink& write,
                       const BadRowReport& report = {});

}  // namespace erphub::formats::csv
