#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace erphub {

// Durations in config: a sequence of number+unit parts, units ms, s, m, h, d ("30s", "5m",
// "1h30m", "1.5s", "250ms"), or a bare "0". The result must be a whole number of milliseconds.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

// The shortest text ParseDuration reads back as `duration`: "1h30m", "250ms", "0s".
std::string FormatDuration(std::chrono::milliseconds duration);

// Byte sizes in config: a number with an optional unit, B, KB, MB, GB, TB (powers of 1000) or
// KiB, MiB, GiB, TiB (powers of 1024), letters in any case: "1MB", "512KiB", "1.5MB", "100".
Result<uint64_t> ParseByteSize(std::string_view text);

// "1MiB", "1500KB", "17B": the largest unit that divides `bytes` exactly.
std::string FormatByteSize(uint64_t bytes);

}  // namespace erphub
