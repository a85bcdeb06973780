#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/error.h"
#include "mapping/picture_integer.h"

namespace erphub::jsonata {

// XPath 3.1 date/time picture strings ("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]",
// "[FNn], [D1o] [MNn] [Y]") as the JSONata reference implementation formats and parses them.
// All times are UTC milliseconds since the epoch; a time-zone offset only shifts what is shown.

struct DateTimeMarker {
  char32_t component = 0;  // Y M D d F W w X x H h P m s f Z z C E
  std::u32string presentation1;
  char32_t presentation2 = 0;  // 'a', 't', 'c', 'o' or 0
  bool has_names = false;      // month or day names ("N", "n", "Nn")
  LetterCase names = LetterCase::kLower;
  bool has_integer = false;
  IntegerPicture integer;
  std::optional<int64_t> min_width;
  std::optional<int64_t> max_width;
  int64_t year_digits = -1;  // Y: keep the last n digits (-1: all)
};

struct DateTimePicturePart {
  bool is_literal = false;
  std::u32string literal;
  DateTimeMarker marker;
};

struct DateTimePicture {
  std::vector<DateTimePicturePart> parts;
};

// Errors: D3135 (no closing ']'), D3132 (unknown component), D3131 (mixed digit families).
JResult<DateTimePicture> AnalyseDateTimePicture(std::u32string_view picture);

// The default picture of $fromMillis: ISO 8601 with milliseconds and offset ("Z" for UTC).
const DateTimePicture& Iso8601Picture();

// A time-zone offset in minutes east of UTC from "+hhmm", "-hh:mm", "+hh", "hhmm" or "Z";
// nullopt for anything else.
std::optional<int> ParseTimezoneOffset(std::string_view text);

// Formats `millis` (UTC) as seen at `offset_minutes`. Errors: D3133 (names for a component that
// has none), D3134 (time-zone picture of more than four digits), D3130, D1001 (outside the
// range of dates, +-8.64e15 ms).
JResult<std::string> FormatDateTime(double millis, const DateTimePicture& picture,
                                    int offset_minutes);

// Parses `text` by a picture. nullopt when the text does not match the picture or the picture
// has no components; NaN when the matched values do not make a time. Components left out are
// taken from `now_millis` when more significant than those given, otherwise from the start of
// their range. Errors: those of AnalyseDateTimePicture, D3133, D3130, and D3136 when the given
// components leave a gap or describe a week date.
JResult<std::optional<double>> ParseDateTime(std::string_view text, std::u32string_view picture,
                                             int64_t now_millis);

// An ISO 8601 timestamp as $toMillis reads it without a picture: "2018", "2018-10",
// "2018-10-21", optionally "T13:05:00" with fraction, then "Z" or "+hh:mm"/"+hhmm". A timestamp
// without offset is UTC. nullopt when the text is not such a timestamp.
std::optional<double> ParseIso8601(std::string_view text);

}  // namespace erphub::jsonata
