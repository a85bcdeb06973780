#include "systems/tryton/mappings.h"

namespace erphub::tryton {

RecordMappings::RecordMappings() {
  for (const char* name : {"customer", "product", "sales_order"}) {
    expressions_.emplace(name, jsonata::Expression::Compile(BuiltinMapping(name)));
  }
}

Result<Value> RecordMappings::Map(std::string_view name, const Value& record) const {
  auto expression = expressions_.find(name);
  if (expression == expressions_.end() || !expression->second.ok()) {
    // Built into the binary and covered by the tests: this is a build defect.
    return InternalError(
        "built-in mapping " + std::string(name) + ".jsonata: " +
        (expression == expressions_.end() ? "missing" : expression->second.error().ToString()));
  }
  auto mapped = expression->second->Evaluate(record);
  if (!mapped.ok()) {
    return InvalidArgumentError(std::string(mapped.error().message()),
                                std::string(name) + ".jsonata");
  }
  if (!mapped->is_object()) {
    return InvalidArgumentError(std::string(name) + ".jsonata gave no object");
  }
  return *std::move(mapped);
}

}  // namespace erphub::tryton
