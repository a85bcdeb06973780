// The ERP function library's date functions: $formatDate and $parseDate convert between ISO 8601
// and the fixed date formats of ERP exports and EDI (YYYYMMDD, CCYYMMDD, DD.MM.YYYY, ...).

#include <string>

#include "mapping/erp_dates.h"
#include "mapping/function.h"

namespace erphub::jsonata {
namespace {

// A required argument that evaluated to nothing: the signature lets undefined through (JSONata
// treats it as missing), but these functions cannot do without it.
Error MissingArgument(const CallContext& ctx, int number, std::string_view function,
                      std::string_view expected) {
  return ctx.MakeError(
      "T0410", "Argument " + std::to_string(number) + " of function $" + std::string(function) +
                   " does not match function signature: " + std::string(expected) + " is required");
}

Error AtCall(const CallContext& ctx, Error error) {
  return std::move(error).AtPosition(ctx.position());
}

// $formatDate(value, format): `value` is milliseconds since the epoch (shown in UTC) or an ISO
// 8601 date, time or timestamp, shown at its own offset.
JResult<Value> FormatDate(CallContext& ctx, std::span<const Value> args) {
  if (args[0].is_undefined()) {
    return Value();
  }
  if (args[1].is_undefined()) {
    return MissingArgument(ctx, 2, "formatDate", "a format string");
  }
  auto format = ParseErpDateFormat(args[1].as_string());
  if (!format.ok()) {
    return AtCall(ctx, std::move(format).error());
  }
  std::optional<LocalDateTime> value;
  if (args[0].is_number()) {
    value = FromUtcMillis(args[0].as_number().ToDouble());
    if (!value) {
      return ctx.MakeError("D3911", "$formatDate(): " + args[0].as_number().ToString() +
                                        " ms is outside the range of dates");
    }
  } else {
    value = ParseIsoLocal(args[0].as_string());
    if (!value) {
      return ctx.MakeError("D3912", "$formatDate(): \"" + std::string(args[0].as_string()) +
                                        "\" is not an ISO 8601 date, time or timestamp");
    }
  }
  auto text = FormatErpDate(*value, *format);
  if (!text.ok()) {
    return AtCall(ctx, std::move(text).error());
  }
  return Value::Str(std::move(text).value());
}

// $parseDate(text, format): the ISO 8601 date ("2024-03-15"), time ("14:30:00") or timestamp
// ("2024-03-15T14:30:00Z", or with the offset the text gives) that `text` holds.
JResult<Value> ParseDate(CallContext& ctx, std::span<const Value> args) {
  if (args[0].is_undefined()) {
    return Value();
  }
  if (args[1].is_undefined()) {
    return MissingArgument(ctx, 2, "parseDate", "a format string");
  }
  auto format = ParseErpDateFormat(args[1].as_string());
  if (!format.ok()) {
    return AtCall(ctx, std::move(format).error());
  }
  auto value = ParseErpDate(args[0].as_string(), *format);
  if (!value.ok()) {
    return AtCall(ctx, std::move(value).error());
  }
  auto iso = ToIso8601(*value);
  if (!iso.ok()) {
    return AtCall(ctx, std::move(iso).error());
  }
  return Value::Str(std::move(iso).value());
}

constexpr BuiltinFunction kErpFunctions[] = {
    {"formatDate", "<(ns)-s:s>", FormatDate},
    {"parseDate", "<s-s:s>", ParseDate},
};

}  // namespace

std::span<const BuiltinFunction> ErpFunctions() { return kErpFunctions; }

}  // namespace erphub::jsonata
