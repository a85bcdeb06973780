#pragma once

#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace erphub::api {

// A point in time given by an operator (a command's --since, the admin API's since=): an
// RFC 3339 date-time ("2025-01-01T10:00:00Z", "2025-01-01T10:00:00.5+01:00", a space instead of
// 'T' is fine), a date ("2025-01-01", its midnight in UTC), or a duration back from `now` ("90m",
// "1h30m", "2d"). kInvalidArgument otherwise.
Result<Timestamp> ParseTimeArgument(std::string_view text, Timestamp now);

}  // namespace erphub::api
