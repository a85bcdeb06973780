#include "api/time_argument.h"

#include <cctype>

#include "core/config_units.h"

namespace erphub::api {
namespace {

// Reads exactly `digits` decimal digits at `pos`.
bool ReadNumber(std::string_view text, size_t& pos, int digits, int& value) {
  if (pos + digits > text.size()) {
    return false;
  }
  value = 0;
  for (int i = 0; i < digits; ++i) {
    char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

bool ParseRfc3339(std::string_view text, Timestamp& out) {
  using namespace std::chrono;
  size_t pos = 0;
  int y = 0, mo = 0, d = 0;
  if (!ReadNumber(text, pos, 4, y) || !Expect(text, pos, '-') || !ReadNumber(text, pos, 2, mo) ||
      !Expect(text, pos, '-') || !ReadNumber(text, pos, 2, d)) {
    return false;
  }
  year_month_day date{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!date.ok()) {
    return false;
  }
  Timestamp t = time_point_cast<microseconds>(sys_days(date));
  if (pos == text.size()) {
    out = t;
    return true;
  }
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') {
    return false;
  }
  ++pos;
  int h = 0, mi = 0, s = 0;
  if (!ReadNumber(text, pos, 2, h) || !Expect(text, pos, ':') || !ReadNumber(text, pos, 2, mi) ||
      h > 23 || mi > 59) {
    return false;
  }
  if (Expect(text, pos, ':') && (!ReadNumber(text, pos, 2, s) || s > 60)) {
    return false;
  }
  t += hours(h) + minutes(mi) + seconds(s);
  if (Expect(text, pos, '.')) {
    int64_t scale = 100000;
    size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      t += microseconds((text[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) {
      return false;
    }
  }
  if (pos == text.size() || Expect(text, pos, 'Z') || Expect(text, pos, 'z')) {
    out = t;
    return pos == text.size();
  }
  int sign = text[pos] == '+' ? -1 : text[pos] == '-' ? 1 : 0;
  if (sign == 0) {
    return false;
  }
  ++pos;
  int oh = 0, om = 0;
  if (!ReadNumber(text, pos, 2, oh) || !Expect(text, pos, ':') || !ReadNumber(text, pos, 2, om) ||
      pos != text.size()) {
    return false;
  }
  out = t + sign * (hours(oh) + minutes(om));
  return true;
}

}  // namespace

Result<Timestamp> ParseTimeArgument(std::string_view text, Timestamp now) {
  Timestamp t;
  if (ParseRfc3339(text, t)) {
    return t;
  }
  Result<std::chrono::milliseconds> ago = ParseDuration(text);
  if (ago.ok()) {
    return now - std::chrono::duration_cast<std::chrono::microseconds>(*ago);
  }
  return InvalidArgumentError(
      "expected a date-time (2025-01-01T10:00:00Z), a date (2025-01-01) or a duration back from "
      "now (90m, 2d)",
      std::string(text));
}

}  // namespace erphub::api
