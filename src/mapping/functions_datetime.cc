#include "mapping/function.h"

namespace erphub::jsonata {

std::span<const BuiltinFunction> DateTimeFunctions() { return {}; }

}  // namespace erphub::jsonata
