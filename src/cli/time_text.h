#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace erphub::cli {

// "2025-01-01 09:15:03.123Z": UTC, to the millisecond, for tables.
std::string ShortUtc(Timestamp t);

// "850us", "12.3ms", "1.20s", "3m05s": a duration for people.
std::string HumanDuration(std::chrono::microseconds duration);

}  // namespace erphub::cli
