#pragma once

#include <optional>
#include <string>

#include "core/config.h"
#include "core/diagnostic.h"
#include "core/result.h"
#include "core/value.h"
#include "mapping/jsonata.h"

namespace erphub::engine {

// A flow's business key: its `key` JSONata expression, compiled once, evaluated on each payload
// at intake. Messages of one flow with the same key are delivered in acceptance order. Immutable
// and safe to evaluate from many threads.
class BusinessKey {
 public:
  // Compiles flow.key; a compile error becomes a Diagnostic at the key's place in the file (the
  // column moved to the error's position within the expression where it is known). An empty
  // expression gives a key that is always empty (every message unordered).
  static Result<BusinessKey, Diagnostic> Compile(const FlowConfig& flow, const std::string& file);

  // The key of one payload: a string as it is, a number in its exact text, true or false.
  // kInvalidArgument when the expression fails, gives nothing, an empty string, an object, an
  // array or null.
  Result<std::string> Evaluate(const Value& payload) const;

  bool empty() const { return !expression_.has_value(); }

 private:
  BusinessKey() = default;
  std::optional<jsonata::Expression> expression_;
};

}  // namespace erphub::engine
