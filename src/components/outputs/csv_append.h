#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "formats/csv/csv_options.h"

namespace erphub::components {

// The header (first record) of an existing CSV file; empty when the file is missing or empty.
// Reads only the start of the file.
Result<std::vector<std::string>> ReadCsvHeader(const std::filesystem::path& path,
                                               const formats::csv::CsvOptions& options);

// The CSV text of `payload` (one row as an object, or an array of object rows or of array rows)
// to append to a file whose header is `header`. An empty `header` means a new file: with
// options.header, a header row comes first, naming the declared columns then the other keys in
// the order first seen. Object rows are written in the header's order; a key the header lacks is
// kInvalidArgument, as is a value that does not fit its column.
Result<std::string> CsvAppendText(const Value& payload, const formats::csv::CsvOptions& options,
                                  std::vector<std::string> header);

}  // namespace erphub::components
