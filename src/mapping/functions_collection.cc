#include "mapping/function.h"

namespace erphub::jsonata {

std::span<const BuiltinFunction> CollectionFunctions() { return {}; }

}  // namespace erphub::jsonata
