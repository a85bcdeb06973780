// A row of PostgreSQL's COPY text format (the CDC snapshot reads every table this way) must
// parse or be refused with kParse, never crash or read out of bounds; what parses has no more
// fields than the line has tabs plus one.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/pg_copy_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  std::vector<std::optional<std::string>> fields;
  erphub::Status status = erphub::db::ParseCopyTextRow(line, fields);
  if (!status.ok() && status.code() != erphub::StatusCode::kParse) {
    std::abort();
  }
  if (status.ok() &&
      fields.size() > static_cast<size_t>(std::count(line.begin(), line.end(), '\t')) + 1) {
    std::abort();
  }
  return 0;
}
