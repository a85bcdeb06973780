#include "engine/business_key.h"

#include <chrono>

#include "core/json.h"

namespace erphub::engine {
namespace {

// A key expression runs on the intake path: a runaway one must not stall a listener thread.
constexpr std::chrono::milliseconds kKeyTimeLimit{1000};

}  // namespace

Result<BusinessKey, Diagnostic> BusinessKey::Compile(const FlowConfig& flow,
                                                     const std::string& file) {
  BusinessKey key;
  if (flow.key.empty()) {
    return key;
  }
  jsonata::JResult<jsonata::Expression> compiled = jsonata::Expression::Compile(flow.key);
  if (!compiled.ok()) {
    const jsonata::Error& error = compiled.error();
    Diagnostic diagnostic{file, flow.key_place.line, flow.key_place.column, flow.path + ".key",
                          "does not compile: " + error.ToString()};
    // Positions count characters from 1 and point at or just after the offending token; on a
    // one-line expression that maps onto the file's column.
    if (diagnostic.column > 0 && error.position() > 0 && flow.key.find('\n') == std::string::npos) {
      diagnostic.column += static_cast<int>(error.position()) - 1;
    }
    return diagnostic;
  }
  key.expression_ = std::move(compiled).value();
  return key;
}

Result<std::string> BusinessKey::Evaluate(const Value& payload) const {
  if (!expression_) {
    return std::string();
  }
  jsonata::EvalOptions options;
  options.time_limit = kKeyTimeLimit;
  jsonata::JResult<Value> result = expression_->Evaluate(payload, options);
  if (!result.ok()) {
    return InvalidArgumentError("the key expression failed: " + result.error().ToString());
  }
  const Value& value = *result;
  if (value.is_string()) {
    if (value.as_string().empty()) {
      return InvalidArgumentError("the key expression gave an empty string");
    }
    return std::string(value.as_string());
  }
  if (value.is_number() || value.is_bool()) {
    return ToJson(value);
  }
  if (value.is_undefined()) {
    return InvalidArgumentError("the key expression gave no value (is the field missing?)");
  }
  return InvalidArgumentError("the key expression gave " + ToJson(value).substr(0, 80) +
                              ", not a string or number");
}

}  // namespace erphub::engine
