#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"

namespace erphub::net {

// Parses an HTTP-date (RFC 9110 section 5.6.7) in any of its three forms: IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT", obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit
// years below 70 are 20xx) and asctime "Sun Nov  6 08:49:37 1994". Returns kParse otherwise.
Result<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view text);

// Formats `time` as an IMF-fixdate, truncated to the second.
std::string FormatHttpDate(std::chrono::system_clock::time_point time);

// The longest delay ParseRetryAfter returns; larger values are clamped to it.
inline constexpr std::chrono::seconds kMaxRetryAfter{std::chrono::hours(24) * 365};

// Parses a Retry-After value, delta-seconds ("120") or an HTTP-date, into the delay to wait
// counted from `now` (a date in the past gives zero). Returns kParse for anything else.
Result<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                  std::chrono::system_clock::time_point now);

}  // namespace erphub::net
