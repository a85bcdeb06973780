#include "mapping/function.h"

namespace erphub::jsonata {

std::span<const BuiltinFunction> StringFunctions() { return {}; }

}  // namespace erphub::jsonata
