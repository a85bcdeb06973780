#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "formats/csv/csv_options.h"

namespace erphub::formats::csv {

// The JSON value of a field of a typed column: decimal -> exact Number (an error when it has more
// digits than an exact decimal holds), integer -> Number (int64), date -> "YYYY-MM-DD" (with
// "THH:MM:SS" when the format has a time), boolean -> true/false (true/false, yes/no, y/n, t/f,
// 1/0, any case), string -> the text. An empty field of a typed column is null. A field that does
// not fit its type is kParse, with a message naming the value and the type.
Result<Value> ReadTypedField(std::string_view text, const Column& column);

// The text of `value` in a field of `column`: the inverse of ReadTypedField (dates are written in
// the column's format). kInvalidArgument for arrays, objects and values that do not fit the type.
Result<std::string> WriteTypedField(const Value& value, const Column& column);

}  // namespace erphub::formats::csv
