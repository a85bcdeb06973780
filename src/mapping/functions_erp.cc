#include "mapping/function.h"

namespace erphub::jsonata {

std::span<const BuiltinFunction> ErpFunctions() { return {}; }

}  // namespace erphub::jsonata
