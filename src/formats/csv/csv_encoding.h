#pragma once

#include <string>
#include <string_view>

#include "formats/csv/csv_options.h"

namespace erphub::formats::csv {

// Appends `bytes`, read in `encoding`, to `out` as UTF-8 (UTF-8 is copied unchanged). Every byte
// of Latin-1 and Windows-1252 maps to a code point; the five bytes Windows-1252 leaves undefined
// map to the C1 controls of the same value, as browsers decode them.
void AppendAsUtf8(std::string& out, std::string_view bytes, Encoding encoding);

}  // namespace erphub::formats::csv
