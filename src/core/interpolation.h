#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace erphub {

// Looks up an environment variable; nullopt when it is not set. Injected so that tests and
// embedders decide what the environment is.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv).
EnvLookup ProcessEnv();

// Why interpolation failed, and the byte offset of the offending "${" in the text, so that the
// caller can point at it. The message names the variable but never contains a value or default.
struct InterpolationError {
  size_t offset = 0;
  std::string message;
};

// Replaces ${VAR} and ${VAR:-default} in `text`. `:-` uses the default when VAR is unset or
// empty; "$${" stands for a literal "${". Variable names are letters, digits and '_', not
// starting with a digit. Fails on an unset variable without default and on malformed syntax.
Result<std::string, InterpolationError> Interpolate(std::string_view text, const EnvLookup& env);

// True when `text` contains a ${...} reference (or a "$${" escape) that Interpolate would change.
bool HasInterpolation(std::string_view text);

}  // namespace erphub
