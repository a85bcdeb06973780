#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace erphub::cli {

// A point in time given on the command line: an RFC 3339 date-time ("2025-01-01T10:00:00Z",
// "2025-01-01T10:00:00.5+01:00", a space instead of 'T' is fine), a date ("2025-01-01", its
// midnight in UTC), or a duration back from `now` ("90m", "1h30m", "2d"). kInvalidArgument
// otherwise.
Result<Timestamp> ParseTimeArgument(std::string_view text, Timestamp now);

// "2025-01-01 09:15:03.123Z": UTC, to the millisecond, for tables.
std::string ShortUtc(Timestamp t);

// "850us", "12.3ms", "1.20s", "3m05s": a duration for people.
std::string HumanDuration(std::chrono::microseconds duration);

}  // namespace erphub::cli
