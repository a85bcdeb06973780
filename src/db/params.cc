#include "db/params.h"

#include "core/json.h"
#include "core/number.h"

namespace erphub::db {

std::optional<std::string> ParamText(const Value& value) {
  if (value.is_null() || value.is_undefined()) {
    return std::nullopt;
  }
  if (value.is_bool()) {
    return std::string(value.as_bool() ? "true" : "false");
  }
  if (value.is_number()) {
    return value.as_number().ToString();
  }
  if (value.is_string()) {
    return std::string(value.as_string());
  }
  return ToJson(value);
}

Value NumberOrText(std::string_view text) {
  std::optional<Number> number = Number::Parse(text);
  return number.has_value() && number->is_exact() ? Value::Num(*number) : Value::Str(text);
}

}  // namespace erphub::db
