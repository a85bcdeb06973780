#include "components/steps/json_schema_formats.h"

#include <arpa/inet.h>

#include <string>

#include "core/hex.h"

namespace erphub::components {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads exactly `n` digits at `pos` as a number, or -1.
int Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) {
    return -1;
  }
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) {
      return -1;
    }
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// "[IPv6:...]" or "[d.d.d.d]" after the '@'.
bool IsAddressLiteral(std::string_view s) {
  if (s.size() < 3 || s.front() != '[' || s.back() != ']') {
    return false;
  }
  std::string inner(s.substr(1, s.size() - 2));
  unsigned char buffer[16];
  constexpr std::string_view kIpv6 = "IPv6:";
  if (inner.compare(0, kIpv6.size(), kIpv6) == 0) {
    return inet_pton(AF_INET6, inner.c_str() + kIpv6.size(), buffer) == 1;
  }
  return inet_pton(AF_INET, inner.c_str(), buffer) == 1;
}

bool IsHostName(std::string_view s) {
  if (s.empty() || s.size() > 253) {
    return false;
  }
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '-') {
        return false;
      }
    }
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return true;
}

bool IsAtext(char c) {
  return IsAlpha(c) || IsDigit(c) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') {
        return false;
      }
    } else if (!IsAtext(s[i])) {
      return false;
    }
  }
  return true;
}

bool IsQuotedString(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') {
    return false;
  }
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (c == '\\') {
      ++i;
      if (i + 1 >= s.size() || s[i] < 32 || s[i] > 126) {
        return false;
      }
    } else if (c < 32 || c > 126 || c == '"') {
      return false;
    }
  }
  return true;
}

// "HH:MM:SS[.frac]" then an offset; on success sets the minute of the day in UTC and the second.
bool ParseTime(std::string_view s, int* utc_minute, int* second) {
  int hour = Digits(s, 0, 2);
  int minute = Digits(s, 3, 2);
  *second = Digits(s, 6, 2);
  if (hour < 0 || minute < 0 || *second < 0 || s[2] != ':' || s[5] != ':' || hour > 23 ||
      minute > 59 || *second > 60) {
    return false;
  }
  size_t pos = 8;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits_start = pos;
    while (pos < s.size() && IsDigit(s[pos])) {
      ++pos;
    }
    if (pos == digits_start) {
      return false;
    }
  }
  if (pos >= s.size()) {
    return false;  // the offset is required
  }
  int offset = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int offset_hour = Digits(s, pos + 1, 2);
    int offset_minute = Digits(s, pos + 4, 2);
    if (offset_hour < 0 || offset_minute < 0 || s[pos + 3] != ':' || offset_hour > 23 ||
        offset_minute > 59) {
      return false;
    }
    offset = (offset_hour * 60 + offset_minute) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) {
    return false;
  }
  *utc_minute = ((hour * 60 + minute - offset) % 1440 + 1440) % 1440;
  return true;
}

}  // namespace

bool IsRfc3339Date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
    return false;
  }
  int year = Digits(s, 0, 4);
  int month = Digits(s, 5, 2);
  int day = Digits(s, 8, 2);
  return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

bool IsRfc3339Time(std::string_view s) {
  if (s.size() < 9) {
    return false;
  }
  int utc_minute = 0;
  int second = 0;
  if (!ParseTime(s, &utc_minute, &second)) {
    return false;
  }
  return second < 60 || utc_minute == 23 * 60 + 59;
}

bool IsRfc3339DateTime(std::string_view s) {
  return s.size() > 11 && (s[10] == 'T' || s[10] == 't') && IsRfc3339Date(s.substr(0, 10)) &&
         IsRfc3339Time(s.substr(11));
}

bool IsEmailAddress(std::string_view s) {
  size_t at = s.rfind('@');
  if (at == std::string_view::npos) {
    return false;
  }
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  if (local.empty() || local.size() > 64 || (!IsDotAtom(local) && !IsQuotedString(local))) {
    return false;
  }
  return IsHostName(domain) || IsAddressLiteral(domain);
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : HexDigitValue(s[i]) < 0) {
      return false;
    }
  }
  return true;
}

}  // namespace erphub::components
