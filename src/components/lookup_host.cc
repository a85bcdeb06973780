#include "components/lookup_host.h"

#include <string>

#include "core/json.h"

namespace erphub::components {
namespace {

// Table keys are text; a number or boolean key is looked up by its JSON text ("10", "true").
std::string KeyText(const Value& key) {
  return key.is_string() ? std::string(key.as_string()) : ToJson(key);
}

}  // namespace

jsonata::JResult<Value> LookupHost::ValueMap(std::string_view table, const Value& key) const {
  const Value* map = lookups_ != nullptr ? lookups_->ValueMap(table) : nullptr;
  if (map == nullptr) {
    return Host::ValueMap(table, key);
  }
  if (key.is_undefined()) {
    return Value();
  }
  const Value* found = map->is_object() ? map->as_object().Find(KeyText(key)) : nullptr;
  return found != nullptr ? *found : Value();
}

jsonata::JResult<Value> LookupHost::Xref(std::string_view system, std::string_view entity,
                                         const Value& id) const {
  if (lookups_ == nullptr) {
    return Host::Xref(system, entity, id);
  }
  Result<std::optional<std::string>> found = lookups_->Xref(system, entity, KeyText(id));
  if (!found.ok()) {
    transient_failure_ = transient_failure_ || found.status().IsTransient();
    return jsonata::Error(
        "D3802", "$xref(): the cross-reference store failed: " + found.status().ToString());
  }
  return found->has_value() ? Value::Str(**found) : Value();
}

}  // namespace erphub::components
