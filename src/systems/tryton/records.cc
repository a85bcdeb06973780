#include "systems/tryton/records.h"

#include <utility>

#include "core/json.h"
#include "systems/tryton/values.h"

namespace erphub::tryton {

std::string_view Text(const Value& record, std::string_view key) {
  const Value& value = record.Get(key);
  return value.is_string() ? value.as_string() : std::string_view();
}

Value Clause(std::string_view field, std::string_view op, Value operand) {
  return Value::MakeArray({Value::Str(field), Value::Str(op), std::move(operand)});
}

Value Domain(std::initializer_list<Value> clauses) { return Value::MakeArray(Array(clauses)); }

Value CreateCommand(Array records) {
  return Value::MakeArray(
      {Value::MakeArray({Value::Str("create"), Value::MakeArray(std::move(records))})});
}

Value AddCommand(const std::vector<int64_t>& ids) {
  return Value::MakeArray({Value::MakeArray({Value::Str("add"), IdsValue(ids)})});
}

std::optional<int64_t> IdValue(const Value& value) {
  return value.is_number() ? value.as_number().ToInt64() : std::nullopt;
}

Value IdsValue(const std::vector<int64_t>& ids) {
  Value list = Value::MakeArray();
  for (int64_t id : ids) {
    list.push_back(Value::Int(id));
  }
  return list;
}

Result<Number> AmountNumber(const Value& value, std::string_view what) {
  std::optional<Number> number;
  if (value.is_string()) {
    number = Number::Parse(value.as_string());
  } else if (value.is_number()) {
    number = value.as_number();
  }
  if (!number.has_value() || !number->is_exact()) {
    return InvalidArgumentError(std::string(what) + ": " +
                                (value.is_undefined() ? "missing" : ToJson(value)) +
                                " is not an exact decimal amount");
  }
  return *number;
}

Result<Value> AmountValue(const Value& value, std::string_view what) {
  if (value.is_string()) {
    auto decimal = DecimalFromText(value.as_string());
    if (decimal.ok()) {
      return decimal;
    }
  }
  ERPHUB_ASSIGN_OR_RETURN(Number number, AmountNumber(value, what));
  return DecimalValue(number);
}

}  // namespace erphub::tryton
