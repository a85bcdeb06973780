#pragma once

#include <string>
#include <string_view>

#include "core/number.h"
#include "core/value.h"
#include "mapping/error.h"

namespace erphub::jsonata {

// XPath/XSLT 3.0 fn:format-number as JSONata's $formatNumber implements it: a picture such as
// "#,##0.00" or "0.000e0" (with an optional negative sub-picture after ';'), and an options
// object that overrides the decimal format's characters ("decimal-separator",
// "grouping-separator", "exponent-separator", "percent", "per-mille", "zero-digit", "digit",
// "pattern-separator", "minus-sign", "infinity", "NaN").
//
// Exact numbers are formatted from their exact decimal digits (0.1 + 0.2 with "0.00" is "0.30");
// doubles follow the reference's arithmetic. Errors D3080-D3093 report invalid pictures exactly
// as the reference does (when a sub-picture breaks several rules, the last rule checked wins).
JResult<std::string> FormatNumberWithPicture(const Number& value, std::string_view picture,
                                             const Value& options);

}  // namespace erphub::jsonata
