#include "db/sql_text.h"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace erphub::db {

std::string QuoteIdentifier(Dialect dialect, std::string_view dotted_name) {
  const char quote = dialect == Dialect::kMariadb ? '`' : '"';
  std::string out;
  size_t start = 0;
  while (true) {
    size_t dot = dotted_name.find('.', start);
    std::string_view part = dotted_name.substr(
        start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    out += quote;
    for (char c : part) {
      if (c == quote) {
        out += quote;
      }
      out += c;
    }
    out += quote;
    if (dot == std::string_view::npos) {
      return out;
    }
    out += '.';
    start = dot + 1;
  }
}

std::string RewriteParameters(std::string_view sql,
                              const std::function<std::string(int index)>& replace, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int index = 0;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"' || c == '`') {
      // A quoted string or identifier; a doubled quote stays inside. Backslash escapes
      // (MariaDB strings) skip the next character.
      size_t end = i + 1;
      while (end < sql.size()) {
        if (sql[end] == '\\' && c == '\'' && end + 1 < sql.size()) {
          end += 2;
          continue;
        }
        if (sql[end] == c) {
          if (end + 1 < sql.size() && sql[end + 1] == c) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      end = end < sql.size() ? end + 1 : end;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      out += replace(index++);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  if (count != nullptr) {
    *count = index;
  }
  return out;
}

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
}

bool Digits(std::string_view text, size_t at, size_t n, int& value) {
  if (at + n > text.size()) {
    return false;
  }
  value = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::string TimestampToIsoUtc(std::string_view text) {
  int year, month, day, hour, minute, second;
  if (text.size() < 19 || !Digits(text, 0, 4, year) || text[4] != '-' ||
      !Digits(text, 5, 2, month) || text[7] != '-' || !Digits(text, 8, 2, day) ||
      (text[10] != ' ' && text[10] != 'T') || !Digits(text, 11, 2, hour) || text[13] != ':' ||
      !Digits(text, 14, 2, minute) || text[16] != ':' || !Digits(text, 17, 2, second)) {
    return std::string(text);
  }
  size_t at = 19;
  std::string fraction;
  if (at < text.size() && text[at] == '.') {
    size_t end = at + 1;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) {
      ++end;
    }
    fraction = std::string(text.substr(at, end - at));
    // 10:00:00.250000 and 10:00:00.25 are the same instant: one text for both.
    while (!fraction.empty() && (fraction.back() == '0' || fraction.back() == '.')) {
      bool dot = fraction.back() == '.';
      fraction.pop_back();
      if (dot) {
        break;
      }
    }
    at = end;
  }
  int offset_seconds = 0;
  if (at < text.size()) {
    char sign = text[at];
    if (sign == 'Z' && at + 1 == text.size()) {
      at = text.size();
    } else if (sign == '+' || sign == '-') {
      int oh = 0, om = 0, os = 0;
      if (!Digits(text, at + 1, 2, oh)) {
        return std::string(text);
      }
      size_t p = at + 3;
      if (p < text.size() && text[p] == ':') {
        ++p;
      }
      if (p < text.size()) {
        if (!Digits(text, p, 2, om)) {
          return std::string(text);
        }
        p += 2;
        if (p < text.size() && text[p] == ':') {
          ++p;
        }
        if (p < text.size()) {
          if (!Digits(text, p, 2, os) || p + 2 != text.size()) {
            return std::string(text);
          }
        }
      }
      offset_seconds = (oh * 3600 + om * 60 + os) * (sign == '-' ? -1 : 1);
    } else {
      return std::string(text);
    }
  }
  int64_t seconds =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600 + minute * 60 + second - offset_seconds;
  int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  int64_t rest = seconds - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  if (y < 0 || y > 9999) {
    return std::string(text);
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(y), m, d,
                static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
                static_cast<int>(rest % 60));
  return buffer + fraction + "Z";
}

}  // namespace erphub::db
