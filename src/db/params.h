#pragma once

#include <optional>
#include <string>

#include "core/value.h"

namespace erphub::db {

// A parameter's text: nullopt for null and undefined, "true"/"false" for booleans, a Number's
// exact decimal digits, a string as it is, objects and arrays as JSON.
std::optional<std::string> ParamText(const Value& value);

// A NUMERIC/DECIMAL column's text: an exact Number when a Number holds it exactly (up to 18
// significant digits), else the text itself, so that no digit is lost.
Value NumberOrText(std::string_view text);

}  // namespace erphub::db
