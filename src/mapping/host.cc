#include "mapping/jsonata.h"

namespace erphub::jsonata {

JResult<Value> Host::ValueMap(std::string_view table, const Value&) const {
  return Error("D3800",
               "$valueMap(): no value map named \"" + std::string(table) + "\" is configured");
}

JResult<Value> Host::Xref(std::string_view system, std::string_view entity, const Value&) const {
  return Error("D3801", "$xref(): no cross-reference store is bound (system \"" +
                            std::string(system) + "\", entity \"" + std::string(entity) + "\")");
}

}  // namespace erphub::jsonata
