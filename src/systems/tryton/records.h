#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/number.h"
#include "core/result.h"
#include "core/value.h"

// Small pieces for reading canonical records and writing Tryton's domains and commands.
namespace erphub::tryton {

// A string member of `record`, or "" when it is missing or not a string.
std::string_view Text(const Value& record, std::string_view key);

// A domain clause [field, operator, operand] and a domain of clauses.
Value Clause(std::string_view field, std::string_view op, Value operand);
Value Domain(std::initializer_list<Value> clauses);

// One2Many/Many2Many commands: [["create", [records]]] and [["add", [ids]]].
Value CreateCommand(Array records);
Value AddCommand(const std::vector<int64_t>& ids);

// A record id of a Tryton answer (a Many2One or "id"), if it is one.
std::optional<int64_t> IdValue(const Value& value);
// A list of ids as a Tryton value.
Value IdsValue(const std::vector<int64_t>& ids);

// An amount as canonical records carry it (decimal text, or an exact number after a mapping);
// kInvalidArgument naming `what` otherwise.
Result<Number> AmountNumber(const Value& value, std::string_view what);
// Tryton's Decimal for such an amount, keeping decimal text digit for digit.
Result<Value> AmountValue(const Value& value, std::string_view what);

}  // namespace erphub::tryton
