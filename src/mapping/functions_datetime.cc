// $now, $millis, $fromMillis and $toMillis.

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/civil_time.h"
#include "mapping/code_points.h"
#include "mapping/function.h"
#include "mapping/picture_datetime.h"

namespace erphub::jsonata {
namespace {

Error AtCall(const CallContext& ctx, Error error) {
  return std::move(error).AtPosition(ctx.position());
}

Error WithValue(const CallContext& ctx, std::string code, std::string message, Value value) {
  Error::Info info;
  info.code = std::move(code);
  info.message = std::move(message);
  info.value = std::move(value);
  info.position = ctx.position();
  return Error(std::move(info));
}

// Formats `millis` by an optional picture (default ISO 8601) in an optional time zone
// (default UTC), as $fromMillis and $now do.
// Analysing a picture costs more than formatting with it, and a mapping formats with the same
// few pictures again and again: the last few analysed are kept per thread. The pointer is valid
// until the next call.
JResult<const DateTimePicture*> AnalysedPicture(std::string_view text) {
  struct Entry {
    std::string text;
    DateTimePicture picture;
  };
  constexpr size_t kKept = 8;
  thread_local std::vector<Entry> kept;
  for (const Entry& entry : kept) {
    if (entry.text == text) {
      return &entry.picture;
    }
  }
  ERPHUB_ASSIGN_OR_RETURN(DateTimePicture picture, AnalyseDateTimePicture(ToCodePoints(text)));
  if (kept.size() >= kKept) {
    kept.erase(kept.begin());
  }
  kept.push_back(Entry{std::string(text), std::move(picture)});
  return &kept.back().picture;
}

// The default picture in UTC, written directly for years 1 to 9999 (the common case): the same
// text as formatting with Iso8601Picture(), without walking its parts.
std::optional<Value> FormatIsoUtc(double millis) {
  if (!std::isfinite(millis) || std::fabs(millis) > kMaxTimeMillis) {
    return std::nullopt;
  }
  UtcFields f = BreakDown(static_cast<int64_t>(std::trunc(millis)));
  if (f.year < 1 || f.year > 9999) {
    return std::nullopt;
  }
  char text[24];
  auto put = [&text](size_t at, int64_t value, size_t digits) {
    for (size_t i = digits; i > 0; i--) {
      text[at + i - 1] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, f.year, 4);
  text[4] = '-';
  put(5, f.month, 2);
  text[7] = '-';
  put(8, f.day, 2);
  text[10] = 'T';
  put(11, f.hour, 2);
  text[13] = ':';
  put(14, f.minute, 2);
  text[16] = ':';
  put(17, f.second, 2);
  text[19] = '.';
  put(20, f.millisecond, 3);
  text[23] = 'Z';
  return Value::Str(std::string_view(text, sizeof(text)));
}

JResult<Value> FormatMillis(CallContext& ctx, double millis, const Value& picture,
                            const Value& timezone) {
  if (picture.is_undefined() && timezone.is_undefined()) {
    if (std::optional<Value> iso = FormatIsoUtc(millis)) {
      return std::move(*iso);
    }
  }
  int offset = 0;
  if (timezone.is_string()) {
    std::optional<int> parsed = ParseTimezoneOffset(timezone.as_string());
    if (!parsed) {
      // The reference reads only "+hhmm" and garbles anything else; this says so instead.
      return WithValue(ctx, "D3111",
                       "The timezone must be written as +hhmm, -hh:mm or Z. Given \"" +
                           std::string(timezone.as_string()) + "\"",
                       timezone);
    }
    offset = *parsed;
  }
  JResult<std::string> text = std::string();
  if (picture.is_string()) {
    auto analysed = AnalysedPicture(picture.as_string());
    if (!analysed.ok()) {
      return AtCall(ctx, std::move(analysed).error());
    }
    text = FormatDateTime(millis, **analysed, offset);
  } else {
    text = FormatDateTime(millis, Iso8601Picture(), offset);
  }
  if (!text.ok()) {
    return AtCall(ctx, std::move(text).error());
  }
  return Value::Str(std::move(text).value());
}

const Value& Arg(std::span<const Value> args, size_t i) {
  static const Value kUndefined;
  return i < args.size() ? args[i] : kUndefined;
}

JResult<Value> Now(CallContext& ctx, std::span<const Value> args) {
  return FormatMillis(ctx, static_cast<double>(ctx.NowMillis()), Arg(args, 0), Arg(args, 1));
}

JResult<Value> Millis(CallContext& ctx, std::span<const Value>) {
  return Value::Int(ctx.NowMillis());
}

JResult<Value> FromMillis(CallContext& ctx, std::span<const Value> args) {
  if (Arg(args, 0).is_undefined()) {
    return Value();
  }
  return FormatMillis(ctx, args[0].as_number().ToDouble(), Arg(args, 1), Arg(args, 2));
}

JResult<Value> ToMillis(CallContext& ctx, std::span<const Value> args) {
  if (Arg(args, 0).is_undefined()) {
    return Value();
  }
  std::string_view text = args[0].as_string();
  const Value& picture = Arg(args, 1);
  if (!picture.is_string()) {
    std::optional<double> millis = ParseIso8601(text);
    if (!millis) {
      return WithValue(ctx, "D3110",
                       "The argument of the toMillis function must be an ISO 8601 formatted "
                       "timestamp. Given \"" +
                           std::string(text) + "\"",
                       args[0]);
    }
    return Value::Int(static_cast<int64_t>(*millis));
  }
  auto parsed = ParseDateTime(text, ToCodePoints(picture.as_string()), ctx.NowMillis());
  if (!parsed.ok()) {
    return AtCall(ctx, std::move(parsed).error());
  }
  if (!parsed->has_value()) {
    return Value();  // the text does not match the picture
  }
  double millis = **parsed;
  if (std::isnan(millis)) {
    // The reference answers NaN, which JSON cannot carry.
    return WithValue(ctx, "D3110",
                     "\"" + std::string(text) + "\" does not name a valid time by the picture \"" +
                         std::string(picture.as_string()) + "\"",
                     args[0]);
  }
  return Value::Int(static_cast<int64_t>(millis));
}

constexpr BuiltinFunction kDateTimeFunctions[] = {
    {"now", "<s?s?:s>", Now},
    {"millis", "<:n>", Millis},
    {"fromMillis", "<n-s?s?:s>", FromMillis},
    {"toMillis", "<s-s?:n>", ToMillis},
};

}  // namespace

std::span<const BuiltinFunction> DateTimeFunctions() { return kDateTimeFunctions; }

}  // namespace erphub::jsonata
