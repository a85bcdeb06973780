#include "mapping/function.h"

namespace erphub::jsonata {

std::span<const BuiltinFunction> FormatFunctions() { return {}; }

}  // namespace erphub::jsonata
