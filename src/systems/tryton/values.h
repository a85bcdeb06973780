#pragma once

#include <string_view>

#include "core/number.h"
#include "core/result.h"
#include "core/value.h"

namespace erphub::tryton {

// Tryton's JSON-RPC encodes Python types as tagged objects: {"__class__":"Decimal",
// "decimal":"19.99"}, {"__class__":"date","year":2026,"month":11,"day":26}, datetime, time,
// timedelta and bytes. These functions convert between them and erphub's values without ever
// going through a binary double.

// {"__class__":"Decimal","decimal":"..."} with the number's exact digits.
Value DecimalValue(const Number& number);
// The same from decimal text ("19.99", "-0.5"), kept digit for digit; kInvalidArgument when the
// text is not a plain decimal.
Result<Value> DecimalFromText(std::string_view text);
// {"__class__":"date",...} from the first ten characters of an ISO 8601 date or date-time
// ("2026-11-26" or "2026-11-26T10:00:00+01:00": the date where the order was placed).
Result<Value> DateFromIso(std::string_view text);

// Replaces every tagged value inside `value` by erphub's form: Decimal -> exact Number (the
// decimal text parsed, so "10.50" and "10.5" are the same number); date -> "YYYY-MM-DD";
// datetime -> "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (trytond runs in UTC); time -> "HH:MM:SS[.ffffff]";
// timedelta -> seconds as a number; bytes -> the base64 text. kParse on a malformed tag.
Result<Value> Decode(const Value& value);

// True for an object carrying `"__class__"`.
bool IsTagged(const Value& value);

}  // namespace erphub::tryton
