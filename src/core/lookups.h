#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"

namespace erphub {

// What the hub offers components at run time besides the message: the config's value maps and
// the store's cross-references (JSONata's $valueMap and $xref; outputs record new links).
// Thread-safe.
class Lookups {
 public:
  virtual ~Lookups() = default;
  // The value map `name` of the config (an object of key -> value), or nullptr if there is none.
  virtual const Value* ValueMap(std::string_view name) const = 0;
  // The id `system` uses for the `entity` known as `external_id`; nullopt when not linked.
  virtual Result<std::optional<std::string>> Xref(std::string_view system, std::string_view entity,
                                                  std::string_view external_id) const = 0;
  // Links `external_id` to the id `system` gave the record (an output that created or found it),
  // durably. The default has nowhere to keep it: kUnimplemented.
  virtual Status PutXref(std::string_view system, std::string_view entity,
                         std::string_view external_id, std::string_view system_id) const {
    (void)system, (void)entity, (void)external_id, (void)system_id;
    return Status(StatusCode::kUnimplemented, "cross-references cannot be recorded here");
  }
};

}  // namespace erphub
