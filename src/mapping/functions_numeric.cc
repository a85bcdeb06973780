#include "mapping/function.h"

namespace erphub::jsonata {

std::span<const BuiltinFunction> NumericFunctions() { return {}; }

}  // namespace erphub::jsonata
