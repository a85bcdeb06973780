#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace erphub::db {

// One row of PostgreSQL's COPY ... TO STDOUT text format: fields separated by tabs, the line
// ending in a newline (optional here), \N for NULL, and backslash escapes (\t \n \r \b \f \v
// \\, octal \NNN, hex \xHH). Fills `fields` (nullopt for NULL), reusing its strings. kParse for
// a lone backslash at the end of the line.
Status ParseCopyTextRow(std::string_view line, std::vector<std::optional<std::string>>& fields);

}  // namespace erphub::db
