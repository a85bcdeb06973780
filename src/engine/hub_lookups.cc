#include "engine/hub_lookups.h"

namespace erphub::engine {

const Value* HubLookups::ValueMap(std::string_view name) const {
  return value_maps_.is_object() ? value_maps_.as_object().Find(name) : nullptr;
}

Result<std::optional<std::string>> HubLookups::Xref(std::string_view system,
                                                    std::string_view entity,
                                                    std::string_view external_id) const {
  store::Store* store = store_.load();
  if (store == nullptr) {
    return UnavailableError("the store is not open yet");
  }
  return store->LookupXref(system, entity, external_id);
}

Status HubLookups::PutXref(std::string_view system, std::string_view entity,
                           std::string_view external_id, std::string_view system_id) const {
  store::Store* store = store_.load();
  if (store == nullptr) {
    return UnavailableError("the store is not open yet");
  }
  return store->PutXref(system, entity, external_id, system_id);
}

}  // namespace erphub::engine
