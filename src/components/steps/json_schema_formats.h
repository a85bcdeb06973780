#pragma once

#include <string_view>

namespace erphub::components {

// The string formats JsonSchema asserts. Each takes the whole string.

// RFC 3339 full-date: "2025-01-31"; the day must exist in that month (leap years included).
bool IsRfc3339Date(std::string_view s);
// RFC 3339 full-time: "09:15:04", fraction optional, then "Z" or "+01:00"; second 60 only for
// a leap second (23:59:60 in UTC).
bool IsRfc3339Time(std::string_view s);
// RFC 3339 date-time: full-date "T" full-time ("T" and "Z" in either case).
bool IsRfc3339DateTime(std::string_view s);
// An RFC 5321 mailbox: dot-atom or quoted local part (at most 64 bytes), "@", a host name or an
// address literal ("[192.0.2.1]", "[IPv6:...]"). ASCII only.
bool IsEmailAddress(std::string_view s);
// RFC 4122 text form: 8-4-4-4-12 hex digits.
bool IsUuid(std::string_view s);

}  // namespace erphub::components
