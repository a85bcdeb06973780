#pragma once

#include <atomic>

#include "core/lookups.h"
#include "store/store.h"

namespace erphub::engine {

// The hub's Lookups: value maps from the config, cross-references from the store (bound once the
// store is open, before any message runs).
class HubLookups final : public Lookups {
 public:
  explicit HubLookups(Value value_maps) : value_maps_(std::move(value_maps)) {}

  void BindStore(store::Store* store) { store_.store(store); }

  const Value* ValueMap(std::string_view name) const override;
  Result<std::optional<std::string>> Xref(std::string_view system, std::string_view entity,
                                          std::string_view external_id) const override;
  Status PutXref(std::string_view system, std::string_view entity, std::string_view external_id,
                 std::string_view system_id) const override;

 private:
  const Value value_maps_;
  std::atomic<store::Store*> store_{nullptr};
};

}  // namespace erphub::engine
