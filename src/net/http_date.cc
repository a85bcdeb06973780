#include "net/http_date.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>

namespace erphub::net {

namespace {

using std::chrono::system_clock;

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// A left-to-right reader over the date text; every step fails softly.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool Literal(std::string_view expected) {
    if (text_.substr(0, expected.size()) != expected) {
      return false;
    }
    text_.remove_prefix(expected.size());
    return true;
  }

  // Exactly `count` digits.
  std::optional<int> Digits(size_t count) {
    if (text_.size() < count) {
      return std::nullopt;
    }
    int value = 0;
    for (size_t i = 0; i < count; ++i) {
      char c = text_[i];
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      value = value * 10 + (c - '0');
    }
    text_.remove_prefix(count);
    return value;
  }

  // One of `names`; returns its index.
  template <size_t N>
  std::optional<int> OneOf(const std::array<std::string_view, N>& names) {
    for (size_t i = 0; i < N; ++i) {
      if (Literal(names[i])) {
        return static_cast<int>(i);
      }
    }
    return std::nullopt;
  }

  bool AtEnd() const { return text_.empty(); }

 private:
  std::string_view text_;
};

struct Fields {
  int year = 0;
  int month = 0;  // 1-12
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

bool ReadTime(Scanner& s, Fields& f) {
  std::optional<int> hour = s.Digits(2);
  if (!hour || !s.Literal(":")) {
    return false;
  }
  std::optional<int> minute = s.Digits(2);
  if (!minute || !s.Literal(":")) {
    return false;
  }
  std::optional<int> second = s.Digits(2);
  if (!second) {
    return false;
  }
  f.hour = *hour;
  f.minute = *minute;
  f.second = *second;
  return true;
}

bool ReadMonth(Scanner& s, Fields& f) {
  std::optional<int> month = s.OneOf(kMonths);
  if (!month) {
    return false;
  }
  f.month = *month + 1;
  return true;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<Fields> ParseImfFixdate(std::string_view text) {
  Scanner s(text);
  Fields f;
  if (!s.OneOf(kDays) || !s.Literal(", ")) {
    return std::nullopt;
  }
  std::optional<int> day = s.Digits(2);
  if (!day || !s.Literal(" ") || !ReadMonth(s, f) || !s.Literal(" ")) {
    return std::nullopt;
  }
  std::optional<int> year = s.Digits(4);
  if (!year || !s.Literal(" ") || !ReadTime(s, f) || !s.Literal(" GMT") || !s.AtEnd()) {
    return std::nullopt;
  }
  f.day = *day;
  f.year = *year;
  return f;
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<Fields> ParseRfc850(std::string_view text) {
  Scanner s(text);
  Fields f;
  if (!s.OneOf(kLongDays) || !s.Literal(", ")) {
    return std::nullopt;
  }
  std::optional<int> day = s.Digits(2);
  if (!day || !s.Literal("-") || !ReadMonth(s, f) || !s.Literal("-")) {
    return std::nullopt;
  }
  std::optional<int> year = s.Digits(2);
  if (!year || !s.Literal(" ") || !ReadTime(s, f) || !s.Literal(" GMT") || !s.AtEnd()) {
    return std::nullopt;
  }
  f.day = *day;
  f.year = *year < 70 ? 2000 + *year : 1900 + *year;
  return f;
}

// "Sun Nov  6 08:49:37 1994"
std::optional<Fields> ParseAsctime(std::string_view text) {
  Scanner s(text);
  Fields f;
  if (!s.OneOf(kDays) || !s.Literal(" ") || !ReadMonth(s, f) || !s.Literal(" ")) {
    return std::nullopt;
  }
  std::optional<int> day = s.Literal(" ") ? s.Digits(1) : s.Digits(2);
  if (!day || !s.Literal(" ") || !ReadTime(s, f) || !s.Literal(" ")) {
    return std::nullopt;
  }
  std::optional<int> year = s.Digits(4);
  if (!year || !s.AtEnd()) {
    return std::nullopt;
  }
  f.day = *day;
  f.year = *year;
  return f;
}

}  // namespace

Result<system_clock::time_point> ParseHttpDate(std::string_view text) {
  text = TrimSpace(text);
  std::optional<Fields> fields = ParseImfFixdate(text);
  if (!fields) {
    fields = ParseRfc850(text);
  }
  if (!fields) {
    fields = ParseAsctime(text);
  }
  if (!fields) {
    return ParseError("not an HTTP-date: \"" + std::string(text.substr(0, 64)) + "\"");
  }
  std::chrono::year_month_day date{std::chrono::year(fields->year),
                                   std::chrono::month(static_cast<unsigned>(fields->month)),
                                   std::chrono::day(static_cast<unsigned>(fields->day))};
  // 60 allows a leap second, which the count of seconds since the epoch folds into the next one.
  // The clock counts nanoseconds in 64 bits, which ends in 2262.
  if (!date.ok() || fields->year < 1900 || fields->year > 2200 || fields->hour > 23 ||
      fields->minute > 59 || fields->second > 60) {
    return ParseError("HTTP-date out of range: \"" + std::string(text) + "\"");
  }
  return system_clock::time_point(std::chrono::sys_days(date)) + std::chrono::hours(fields->hour) +
         std::chrono::minutes(fields->minute) + std::chrono::seconds(fields->second);
}

std::string FormatHttpDate(system_clock::time_point time) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  auto days = std::chrono::floor<std::chrono::days>(seconds);
  std::chrono::year_month_day date(days);
  std::chrono::hh_mm_ss clock(seconds - days);
  std::chrono::weekday weekday(days);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%s, %02u %s %04d %02d:%02d:%02d GMT",
                std::string(kDays[weekday.c_encoding()]).c_str(), static_cast<unsigned>(date.day()),
                std::string(kMonths[static_cast<unsigned>(date.month()) - 1]).c_str(),
                static_cast<int>(date.year()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer;
}

Result<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                  system_clock::time_point now) {
  value = TrimSpace(value);
  if (value.empty()) {
    return ParseError("empty Retry-After");
  }
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t seconds = 0;
    for (char c : value) {
      seconds = seconds * 10 + (c - '0');
      if (seconds >= kMaxRetryAfter.count()) {
        return std::chrono::milliseconds(kMaxRetryAfter);
      }
    }
    return std::chrono::milliseconds(std::chrono::seconds(seconds));
  }
  Result<system_clock::time_point> date = ParseHttpDate(value);
  if (!date.ok()) {
    return ParseError("Retry-After is neither delta-seconds nor an HTTP-date: \"" +
                      std::string(value.substr(0, 64)) + "\"");
  }
  if (*date <= now) {
    return std::chrono::milliseconds(0);
  }
  auto delay = std::chrono::ceil<std::chrono::milliseconds>(*date - now);
  return std::min(delay, std::chrono::milliseconds(kMaxRetryAfter));
}

}  // namespace erphub::net
