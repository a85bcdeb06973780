#include "mapping/picture_datetime.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

#include "core/number.h"
#include "mapping/civil_time.h"
#include "mapping/code_points.h"
#include "mapping/words.h"

namespace erphub::jsonata {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr std::array<std::string_view, 8> kDays = {"",         "Monday", "Tuesday",  "Wednesday",
                                                   "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

bool IsOneOf(char32_t c, std::u32string_view set) {
  return set.find(c) != std::u32string_view::npos;
}

std::u32string_view DefaultPresentation(char32_t component) {
  switch (component) {
    case U'Y':
    case U'M':
    case U'D':
    case U'd':
    case U'W':
    case U'w':
    case U'X':
    case U'x':
    case U'H':
    case U'h':
    case U'f':
      return U"1";
    case U'F':
    case U'P':
    case U'C':
    case U'E':
      return U"n";
    case U'm':
    case U's':
      return U"01";
    case U'Z':
    case U'z':
      return U"01:01";
    default:
      return U"";
  }
}

Error ErrorWithValue(std::string code, std::string message, Value value) {
  Error::Info info;
  info.code = std::move(code);
  info.message = std::move(message);
  info.value = std::move(value);
  return Error(std::move(info));
}

Error UnknownComponent(char32_t component) {
  std::string name;
  if (component != 0) {
    AppendUtf8(name, component);
  }
  return ErrorWithValue("D3132",
                        "Unknown component specifier " + name + " in date/time picture string",
                        Value::Str(name));
}

Error NamesNotAllowed(char32_t component) {
  std::string name;
  AppendUtf8(name, component);
  return ErrorWithValue("D3133",
                        "The 'name' modifier can only be applied to months and days in "
                        "the date/time picture string, not " +
                            name,
                        Value::Str(name));
}

// parseInt of a width ("*" or nothing: no width).
std::optional<int64_t> ParseWidth(std::u32string_view text) {
  if (text.empty() || text == U"*") {
    return std::nullopt;
  }
  double width = JsParseInt(text);
  if (std::isnan(width)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(width);
}

JResult<DateTimeMarker> AnalyseMarker(std::u32string_view raw) {
  // White space inside a marker is ignored.
  std::u32string marker;
  for (char32_t c : raw) {
    if (!IsJsSpace(c)) {
      marker.push_back(c);
    }
  }
  DateTimeMarker def;
  def.component = marker.empty() ? 0 : marker[0];
  std::u32string presentation;
  size_t comma = marker.rfind(U',');
  if (comma != std::u32string::npos && comma > 0) {
    std::u32string_view width = std::u32string_view(marker).substr(comma + 1);
    size_t dash = width.find(U'-');
    if (dash == std::u32string_view::npos) {
      def.min_width = ParseWidth(width);
    } else {
      def.min_width = ParseWidth(width.substr(0, dash));
      def.max_width = ParseWidth(width.substr(dash + 1));
    }
    presentation = marker.substr(1, comma - 1);
  } else if (!marker.empty()) {
    presentation = marker.substr(1);
  }
  if (presentation.size() == 1) {
    def.presentation1 = presentation;
  } else if (presentation.size() > 1) {
    char32_t last = presentation.back();
    if (IsOneOf(last, U"atco")) {
      def.presentation2 = last;
      def.presentation1 = presentation.substr(0, presentation.size() - 1);
    } else {
      def.presentation1 = presentation;
    }
  } else {
    def.presentation1 = DefaultPresentation(def.component);
  }
  // The reference accepts any letter once a presentation is given and then prints "undefined";
  // an unknown component is reported instead.
  if (def.presentation1.empty() || !IsOneOf(def.component, U"YMDdFWwXxHhPmsfZzCE")) {
    return UnknownComponent(def.component);
  }
  if (def.presentation1[0] == U'n') {
    def.has_names = true;
    def.names = LetterCase::kLower;
  } else if (def.presentation1[0] == U'N') {
    def.has_names = true;
    def.names = def.presentation1.size() > 1 && def.presentation1[1] == U'n' ? LetterCase::kTitle
                                                                             : LetterCase::kUpper;
  } else if (IsOneOf(def.component, U"YMDdFWwXxHhmsf")) {
    std::u32string pattern = def.presentation1;
    if (def.presentation2 != 0) {
      pattern += U';';
      pattern += def.presentation2;
    }
    auto integer = AnalyseIntegerPicture(pattern);
    if (!integer.ok()) {
      return std::move(integer).error();
    }
    def.has_integer = true;
    def.integer = std::move(integer).value();
    if (def.min_width && def.integer.mandatory_digits < *def.min_width) {
      def.integer.mandatory_digits = static_cast<int>(*def.min_width);
    }
    if (def.component == U'Y') {
      if (def.max_width) {
        def.year_digits = *def.max_width;
        def.integer.mandatory_digits = static_cast<int>(*def.max_width);
      } else {
        int digits = def.integer.mandatory_digits + def.integer.optional_digits;
        if (digits >= 2) {
          def.year_digits = digits;
        }
      }
    }
  }
  if (def.component == U'Z' || def.component == U'z') {
    auto integer = AnalyseIntegerPicture(def.presentation1);
    if (!integer.ok()) {
      return std::move(integer).error();
    }
    def.has_integer = true;
    def.integer = std::move(integer).value();
  }
  return def;
}

// ---- Components of a time -------------------------------------------------------------------

double StartOfFirstWeek(double year, double month0) {
  // ISO 8601: week 1 is the week (Monday to Sunday) holding the first Thursday; XPath applies the
  // same rule to months.
  double first = JsDateUtc(year, month0);
  if (std::isnan(first)) {
    return kNaN;
  }
  int weekday = BreakDown(static_cast<int64_t>(first)).weekday;
  if (weekday == 0) {
    weekday = 7;
  }
  return weekday > 4 ? first + (8 - weekday) * static_cast<double>(kMillisPerDay)
                     : first - (weekday - 1) * static_cast<double>(kMillisPerDay);
}

double WeeksBetween(double start, double end) {
  return (end - start) / (static_cast<double>(kMillisPerDay) * 7) + 1;
}

// The numeric value of a component of `millis` (P: 0 for am, 1 for pm).
double Fragment(int64_t millis, char32_t component) {
  UtcFields f = BreakDown(millis);
  auto year = static_cast<double>(f.year);
  double month0 = f.month - 1;
  switch (component) {
    case U'Y':
      return year;
    case U'M':
      return f.month;
    case U'D':
      return f.day;
    case U'd': {
      double today = JsDateUtc(year, month0, f.day);
      double first = JsDateUtc(year, 0);
      return (today - first) / kMillisPerDay + 1;
    }
    case U'F':
      return f.weekday == 0 ? 7 : f.weekday;
    case U'W': {
      double start = StartOfFirstWeek(year, 0);
      double today = JsDateUtc(year, month0, f.day);
      double week = WeeksBetween(start, today);
      if (week > 52) {
        if (today >= StartOfFirstWeek(year + 1, 0)) {
          week = 1;
        }
      } else if (week < 1) {
        week = WeeksBetween(StartOfFirstWeek(year - 1, 0), today);
      }
      return std::floor(week);
    }
    case U'w': {
      double start = StartOfFirstWeek(year, month0);
      double today = JsDateUtc(year, month0, f.day);
      double week = WeeksBetween(start, today);
      if (week > 4) {
        double next_year = month0 == 11 ? year + 1 : year;
        double next_month = month0 == 11 ? 0 : month0 + 1;
        if (today >= StartOfFirstWeek(next_year, next_month)) {
          week = 1;
        }
      } else if (week < 1) {
        double previous_year = month0 == 0 ? year - 1 : year;
        double previous_month = month0 == 0 ? 11 : month0 - 1;
        week = WeeksBetween(StartOfFirstWeek(previous_year, previous_month), today);
      }
      return std::floor(week);
    }
    case U'X': {
      auto now = static_cast<double>(millis);
      if (now < StartOfFirstWeek(year, 0)) {
        return year - 1;
      }
      if (now >= StartOfFirstWeek(year + 1, 0)) {
        return year + 1;
      }
      return year;
    }
    case U'x': {
      auto now = static_cast<double>(millis);
      double next_year = month0 == 11 ? year + 1 : year;
      double next_month = month0 == 11 ? 0 : month0 + 1;
      if (now < StartOfFirstWeek(year, month0)) {
        return month0 == 0 ? 12 : month0;
      }
      if (now >= StartOfFirstWeek(next_year, next_month)) {
        return next_month + 1;
      }
      return month0 + 1;
    }
    case U'H':
      return f.hour;
    case U'h':
      return f.hour % 12 == 0 ? 12 : f.hour % 12;
    case U'P':
      return f.hour >= 12 ? 1 : 0;
    case U'm':
      return f.minute;
    case U's':
      return f.second;
    case U'f':
      return f.millisecond;
    default:
      return kNaN;
  }
}

JResult<std::string> FormatInt(double value, const IntegerPicture& picture) {
  return FormatIntegerWith(Number::FromInt(static_cast<int64_t>(value)), picture);
}

JResult<std::string> FormatZone(const DateTimeMarker& marker, int offset_minutes) {
  int hours = offset_minutes / 60;  // both parts carry the sign: -05:30 is -5 and -30
  int minutes = offset_minutes % 60;
  int offset = hours * 100 + minutes;
  std::string text;
  if (marker.integer.regular) {
    ERPHUB_ASSIGN_OR_RETURN(text, FormatInt(offset, marker.integer));
  } else {
    int digits = marker.integer.mandatory_digits;
    if (digits == 1 || digits == 2) {
      ERPHUB_ASSIGN_OR_RETURN(text, FormatInt(hours, marker.integer));
      if (minutes != 0) {
        int magnitude = minutes < 0 ? -minutes : minutes;
        text += (magnitude < 10 ? ":0" : ":") + std::to_string(magnitude);
      }
    } else if (digits == 3 || digits == 4) {
      ERPHUB_ASSIGN_OR_RETURN(text, FormatInt(offset, marker.integer));
    } else {
      return ErrorWithValue("D3134",
                            "The timezone integer format specifier cannot have more than four "
                            "digits",
                            Value::Int(digits));
    }
  }
  if (offset_minutes >= 0) {
    text.insert(0, "+");
  }
  if (marker.component == U'z') {
    text.insert(0, "GMT");
  }
  if (offset_minutes == 0 && marker.presentation2 == U't') {
    text = "Z";
  }
  return text;
}

JResult<std::string> FormatMarker(int64_t millis, const DateTimeMarker& marker,
                                  int offset_minutes) {
  char32_t c = marker.component;
  if (c == U'Z' || c == U'z') {
    return FormatZone(marker, offset_minutes);
  }
  if (c == U'C' || c == U'E') {
    return std::string("ISO");
  }
  double value = Fragment(millis, c);
  if (c == U'P') {
    std::string text = value == 1 ? "pm" : "am";
    return marker.has_names && marker.names == LetterCase::kUpper ? AsciiUpper(text) : text;
  }
  if (c == U'Y' && marker.year_digits != -1) {
    value = std::fmod(value, std::pow(10.0, static_cast<double>(marker.year_digits)));
  }
  if (marker.has_names) {
    std::string name;
    if (c == U'M' || c == U'x') {
      name = kMonths[static_cast<size_t>(value) - 1];
    } else if (c == U'F') {
      name = kDays[static_cast<size_t>(value)];
    } else {
      return NamesNotAllowed(c);
    }
    if (marker.names == LetterCase::kUpper) {
      name = AsciiUpper(name);
    } else if (marker.names == LetterCase::kLower) {
      name = AsciiLower(name);
    }
    if (marker.max_width && static_cast<int64_t>(name.size()) > *marker.max_width) {
      name.resize(static_cast<size_t>(std::max<int64_t>(*marker.max_width, 0)));
    }
    return name;
  }
  return FormatInt(value, marker.integer);
}

// ---- Parsing --------------------------------------------------------------------------------

struct Pcre2CodeDeleter {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct Pcre2MatchDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};

std::string EscapeLiteral(std::u32string_view literal) {
  std::string out;
  for (char32_t c : literal) {
    if (IsOneOf(c, U".*+?^${}()|[]\\")) {
      out.push_back('\\');
    }
    AppendUtf8(out, c);
  }
  return out;
}

// The reference's alternation of number words, in its order.
const std::string& WordsPattern() {
  static const std::string* const pattern = [] {
    auto* out = new std::string("(?:");
    for (const std::string& w : NumberWords()) {
      *out += w + "|";
    }
    *out += "and|[\\-, ])+";
    return out;
  }();
  return *pattern;
}

JResult<std::string> IntegerRegex(const IntegerPicture& p) {
  bool upper = p.letter_case == LetterCase::kUpper;
  switch (p.style) {
    case IntegerStyle::kLetters:
      return std::string(upper ? "[A-Z]+" : "[a-z]+");
    case IntegerStyle::kRoman:
      return std::string(upper ? "[MDCLXVI]+" : "[mdclxvi]+");
    case IntegerStyle::kWords:
      return WordsPattern();
    case IntegerStyle::kDecimal: {
      std::string regex = "[0-9]";
      regex += p.parse_width > 0 ? "{" + std::to_string(p.parse_width) + "}" : "+";
      if (p.ordinal) {
        regex += "(?:th|st|nd|rd)";
      }
      return regex;
    }
    case IntegerStyle::kSequence:
      break;
  }
  return ErrorWithValue("D3130",
                        "Formatting an integer as a sequence starting with \"" + ToUtf8(p.token) +
                            "\" is not supported by this implementation",
                        Value::Str(ToUtf8(p.token)));
}

// The offset of a matched zone ("+05:30", "-0500", "GMT+1") in minutes.
double ParseZone(std::u32string value, const DateTimeMarker& marker) {
  if (marker.component == U'z') {
    value = value.substr(3);
  }
  std::u32string_view v(value);
  double hours = 0;
  double minutes = 0;
  if (marker.integer.regular) {
    size_t at = v.find(marker.integer.separators[0].character);
    hours = JsParseInt(v.substr(0, at));
    minutes = JsParseInt(v.substr(at + 1));
  } else if (v.size() - 1 <= 2) {
    hours = JsParseInt(v);
  } else {
    hours = JsParseInt(v.substr(0, 3));
    minutes = JsParseInt(v.substr(3));
  }
  // The sign of the hours applies to the minutes too.
  bool negative = !v.empty() && v[0] == U'-';
  return hours * 60 + (negative ? -minutes : minutes);
}

struct PartMatcher {
  std::string regex;
  const DateTimeMarker* marker = nullptr;  // null for literals
  std::map<std::u32string, double> names;  // lower case, for name components
};

JResult<PartMatcher> MatcherFor(const DateTimePicturePart& part) {
  PartMatcher m;
  if (part.is_literal) {
    m.regex = EscapeLiteral(part.literal);
    return m;
  }
  const DateTimeMarker& marker = part.marker;
  m.marker = &marker;
  if (marker.component == U'Z' || marker.component == U'z') {
    m.regex = marker.component == U'z' ? "GMT" : "";
    m.regex += "[-+][0-9]+";
    if (marker.integer.regular) {
      AppendUtf8(m.regex, marker.integer.separators[0].character);
      m.regex += "[0-9]+";
    }
    return m;
  }
  if (marker.has_integer) {
    ERPHUB_ASSIGN_OR_RETURN(m.regex, IntegerRegex(marker.integer));
    return m;
  }
  m.regex = "[a-zA-Z]+";
  // Names are matched regardless of case: the reference's pattern ignores case but its lookup
  // does not, so "march" by [Mn] (which formats as "march") would not read back.
  auto add = [&](std::string_view name, double value) {
    std::u32string key = ToCodePoints(AsciiLower(name));
    if (marker.max_width && *marker.max_width > 0) {
      key = key.substr(0, static_cast<size_t>(*marker.max_width));
    }
    m.names[key] = value;
  };
  if (marker.component == U'M' || marker.component == U'x') {
    for (size_t i = 0; i < kMonths.size(); ++i) {
      add(kMonths[i], static_cast<double>(i + 1));
    }
  } else if (marker.component == U'F') {
    for (size_t i = 1; i < kDays.size(); ++i) {
      add(kDays[i], static_cast<double>(i));
    }
  } else if (marker.component == U'P') {
    m.names = {{U"am", 0}, {U"pm", 1}};
  } else {
    return NamesNotAllowed(marker.component);
  }
  return m;
}

// Components found in the text: present (even with no value, like an unknown month name) and
// their values.
struct Components {
  std::map<char32_t, std::optional<double>> values;

  std::optional<double> Get(char32_t c) const {
    auto it = values.find(c);
    return it == values.end() ? std::nullopt : it->second;
  }
  // JavaScript truthiness of the value: given, not zero, not NaN.
  bool Truthy(char32_t c) const {
    std::optional<double> v = Get(c);
    return v && *v != 0 && !std::isnan(*v);
  }
};

int Mask(const Components& c, std::u32string_view order) {
  int mask = 0;
  for (char32_t part : order) {
    mask = (mask << 1) | (c.Truthy(part) ? 1 : 0);
  }
  return mask;
}

bool IsType(int type, int mask) { return (~type & mask) == 0 && (type & mask) != 0; }

JResult<std::optional<double>> Assemble(Components& c, int64_t now_millis) {
  // Which set of components names the date and the time (see the reference's table):
  //        Y X M x W w d D       P H h m s f
  // dateA  1 0 1 0 0 0 0 1 timeA 0 1 0 1 1 1
  // dateB  1 0 0 0 0 0 1 0 timeB 1 0 1 1 1 1
  // dateC  0 1 0 1 0 1 0 0
  // dateD  0 1 0 0 1 0 0 0
  int date_mask = Mask(c, U"YXMxWwdD");
  bool date_a = IsType(0b10100001, date_mask);
  bool date_b = !date_a && IsType(0b10000010, date_mask);
  bool date_c = IsType(0b01010100, date_mask);
  bool date_d = !date_c && IsType(0b01001000, date_mask);
  int time_mask = Mask(c, U"PHhmsf");
  bool time_a = IsType(0b010111, time_mask);
  bool time_b = !time_a && IsType(0b101111, time_mask);

  std::u32string order = date_b ? U"YD" : date_c ? U"XxwF" : date_d ? U"XWF" : U"YMD";
  order += time_b ? U"Phmsf" : U"Hmsf";
  // Before the first given component, take the value from now; after the last, the start of the
  // range; a gap between given components is an error.
  bool started = false;
  bool ended = false;
  for (char32_t part : order) {
    if (!c.Get(part)) {
      if (started) {
        c.values[part] = IsOneOf(part, U"MDd") ? 1 : 0;
        ended = true;
      } else {
        // The reference's am/pm from now is a string, which never counts as pm.
        c.values[part] = part == U'P' ? -1 : Fragment(now_millis, part);
      }
    } else {
      started = true;
      if (ended) {
        return Error("D3136",
                     "The date/time picture string is missing specifiers required to "
                     "parse the timestamp");
      }
    }
  }
  auto value = [&](char32_t part) { return c.Get(part).value_or(kNaN); };
  double month0 = value(U'M') > 0 ? value(U'M') - 1 : 0;
  double day = value(U'D');
  if (date_b) {
    double first = JsDateUtc(value(U'Y'), 0);
    double derived = first + (value(U'd') - 1) * static_cast<double>(kMillisPerDay);
    if (std::isnan(derived) || std::fabs(derived) > kMaxTimeMillis) {
      month0 = kNaN;
      day = kNaN;
    } else {
      UtcFields f = BreakDown(static_cast<int64_t>(derived));
      month0 = f.month - 1;
      day = f.day;
    }
  }
  if (date_c || date_d) {
    return Error("D3136",
                 "The date/time picture string is missing specifiers required to parse "
                 "the timestamp");
  }
  double hour = value(U'H');
  if (time_b) {
    hour = value(U'h') == 12 ? 0 : value(U'h');
    if (value(U'P') == 1) {
      hour += 12;
    }
  }
  double millis = JsDateUtc(value(U'Y'), month0, day, hour, value(U'm'), value(U's'), value(U'f'));
  double zone = c.Truthy(U'Z') ? value(U'Z') : c.Truthy(U'z') ? value(U'z') : 0;
  if (zone != 0) {
    millis -= zone * 60 * 1000;
  }
  return std::optional<double>(millis);
}

}  // namespace

JResult<DateTimePicture> AnalyseDateTimePicture(std::u32string_view picture) {
  DateTimePicture result;
  auto add_literal = [&](size_t start, size_t end) {
    if (end <= start) {
      return;
    }
    std::u32string literal(picture.substr(start, end - start));
    // A doubled "]]" is one "]".
    for (size_t at = literal.find(U"]]"); at != std::u32string::npos;
         at = literal.find(U"]]", at + 1)) {
      literal.erase(at, 1);
    }
    DateTimePicturePart part;
    part.is_literal = true;
    part.literal = std::move(literal);
    result.parts.push_back(std::move(part));
  };
  size_t start = 0;
  size_t pos = 0;
  while (pos < picture.size()) {
    if (picture[pos] == U'[') {
      if (pos + 1 < picture.size() && picture[pos + 1] == U'[') {
        add_literal(start, pos);
        DateTimePicturePart part;
        part.is_literal = true;
        part.literal = U"[";
        result.parts.push_back(std::move(part));
        pos += 2;
        start = pos;
        continue;
      }
      add_literal(start, pos);
      start = pos;
      pos = picture.find(U']', start);
      if (pos == std::u32string_view::npos) {
        return Error("D3135", "No matching closing bracket ']' in date/time picture string");
      }
      auto marker = AnalyseMarker(picture.substr(start + 1, pos - start - 1));
      if (!marker.ok()) {
        return std::move(marker).error();
      }
      if (marker->has_integer && marker->component != U'Z' && marker->component != U'z' &&
          !result.parts.empty()) {
        // Two integers with nothing between them: the first must be read by its exact width.
        DateTimePicturePart& previous = result.parts.back();
        if (!previous.is_literal && previous.marker.has_integer) {
          previous.marker.integer.parse_width = previous.marker.integer.mandatory_digits;
        }
      }
      DateTimePicturePart part;
      part.marker = std::move(marker).value();
      result.parts.push_back(std::move(part));
      start = pos + 1;
    }
    ++pos;
  }
  add_literal(start, pos);
  return result;
}

const DateTimePicture& Iso8601Picture() {
  static const DateTimePicture* const picture = new DateTimePicture(
      AnalyseDateTimePicture(U"[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]").value());
  return *picture;
}

std::optional<int> ParseTimezoneOffset(std::string_view text) {
  if (text == "Z" || text == "z") {
    return 0;
  }
  size_t i = 0;
  int sign = 1;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    sign = text[i] == '-' ? -1 : 1;
    ++i;
  }
  auto digit_at = [&](size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
  if (!digit_at(i) || !digit_at(i + 1)) {
    return std::nullopt;
  }
  int hours = (text[i] - '0') * 10 + (text[i + 1] - '0');
  i += 2;
  int minutes = 0;
  if (i < text.size()) {
    if (text[i] == ':') {
      ++i;
    }
    if (!digit_at(i) || !digit_at(i + 1) || i + 2 != text.size()) {
      return std::nullopt;
    }
    minutes = (text[i] - '0') * 10 + (text[i + 1] - '0');
  }
  if (hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  return sign * (hours * 60 + minutes);
}

JResult<std::string> FormatDateTime(double millis, const DateTimePicture& picture,
                                    int offset_minutes) {
  double shifted = millis + static_cast<double>(offset_minutes) * 60000;
  if (!std::isfinite(shifted) || std::fabs(shifted) > kMaxTimeMillis) {
    return ErrorWithValue(
        "D1001", "Number out of range for a date: " + Number::FromDouble(millis).ToString(),
        Value::Double(millis));
  }
  auto local = static_cast<int64_t>(std::trunc(shifted));
  std::string out;
  for (const DateTimePicturePart& part : picture.parts) {
    if (part.is_literal) {
      out += ToUtf8(part.literal);
      continue;
    }
    ERPHUB_ASSIGN_OR_RETURN(std::string text, FormatMarker(local, part.marker, offset_minutes));
    out += text;
  }
  return out;
}

JResult<std::optional<double>> ParseDateTime(std::string_view text, std::u32string_view picture,
                                             int64_t now_millis) {
  ERPHUB_ASSIGN_OR_RETURN(DateTimePicture spec, AnalyseDateTimePicture(picture));
  std::vector<PartMatcher> matchers;
  std::string regex = "^";
  for (const DateTimePicturePart& part : spec.parts) {
    ERPHUB_ASSIGN_OR_RETURN(PartMatcher m, MatcherFor(part));
    regex += "(" + m.regex + ")";
    matchers.push_back(std::move(m));
  }
  regex += "$";

  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  std::unique_ptr<pcre2_code, Pcre2CodeDeleter> code(
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(),
                    PCRE2_UTF | PCRE2_CASELESS | PCRE2_DOLLAR_ENDONLY | PCRE2_MATCH_INVALID_UTF,
                    &error_code, &error_offset, nullptr));
  if (!code) {
    // Only a separator character of a time-zone picture can break the pattern.
    return std::optional<double>();
  }
  std::unique_ptr<pcre2_match_data, Pcre2MatchDeleter> match(
      pcre2_match_data_create_from_pattern(code.get(), nullptr));
  int rc = pcre2_match(code.get(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                       match.get(), nullptr);
  if (rc < 0) {
    return std::optional<double>();
  }
  PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match.get());
  Components components;
  for (size_t i = 0; i < matchers.size(); ++i) {
    const PartMatcher& m = matchers[i];
    if (m.marker == nullptr) {
      continue;
    }
    std::u32string captured = ToCodePoints(
        text.substr(ovector[2 * (i + 1)], ovector[2 * (i + 1) + 1] - ovector[2 * (i + 1)]));
    const DateTimeMarker& marker = *m.marker;
    std::optional<double> value;
    if (marker.component == U'Z' || marker.component == U'z') {
      value = ParseZone(captured, marker);
    } else if (marker.has_integer) {
      ERPHUB_ASSIGN_OR_RETURN(double parsed, ParseIntegerWith(captured, marker.integer));
      value = parsed;
    } else if (auto it = m.names.find(AsciiLower(captured)); it != m.names.end()) {
      value = it->second;
    }
    components.values[marker.component] = value;
  }
  if (components.values.empty()) {
    return std::optional<double>();
  }
  return Assemble(components, now_millis);
}

std::optional<double> ParseIso8601(std::string_view text) {
  size_t i = 0;
  auto digits = [&](size_t count) -> std::optional<int> {
    if (i + count > text.size()) {
      return std::nullopt;
    }
    int value = 0;
    for (size_t k = 0; k < count; ++k) {
      char c = text[i + k];
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      value = value * 10 + (c - '0');
    }
    i += count;
    return value;
  };
  auto accept = [&](char c) {
    if (i < text.size() && text[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  std::optional<int> year = digits(4);
  if (!year) {
    return std::nullopt;
  }
  int month = 1;
  int day = 1;
  if (accept('-')) {
    std::optional<int> m = digits(2);
    if (!m) {
      return std::nullopt;
    }
    month = *m;
    if (accept('-')) {
      std::optional<int> d = digits(2);
      if (!d) {
        return std::nullopt;
      }
      day = *d;
    }
  }
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  if (accept('T')) {
    std::optional<int> h = digits(2);
    std::optional<int> m = h && accept(':') ? digits(2) : std::nullopt;
    std::optional<int> s = m && accept(':') ? digits(2) : std::nullopt;
    if (!s) {
      return std::nullopt;
    }
    hour = *h;
    minute = *m;
    second = *s;
    if (accept('.')) {
      // Milliseconds are the first three fraction digits; further digits are ignored.
      size_t first = i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        if (i - first < 3) {
          millis = millis * 10 + (text[i] - '0');
        }
        ++i;
      }
      if (i == first) {
        return std::nullopt;
      }
      for (size_t k = i - first; k < 3; ++k) {
        millis *= 10;
      }
    }
  }
  int offset = 0;
  if (i < text.size()) {
    std::optional<int> zone = ParseTimezoneOffset(text.substr(i));
    if (!zone || text[i] == 'z' || (text[i] != 'Z' && text[i] != '+' && text[i] != '-')) {
      return std::nullopt;
    }
    offset = *zone;
  }
  // JavaScript accepts days 1-31 in any month (rolling over) and 24:00:00 as the next midnight.
  bool time_ok = (hour < 24 && minute < 60 && second < 60) ||
                 (hour == 24 && minute == 0 && second == 0 && millis == 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || !time_ok) {
    return std::nullopt;
  }
  double result = MakeUtcMillis(*year, month - 1, day, hour, minute, second, millis);
  if (std::isnan(result)) {
    return std::nullopt;
  }
  return result - static_cast<double>(offset) * 60000;
}

}  // namespace erphub::jsonata
