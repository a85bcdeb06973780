#pragma once

#include "core/lookups.h"
#include "mapping/jsonata.h"

namespace erphub::components {

// Answers a mapping's $valueMap and $xref from the hub's Lookups. One per evaluation: it notes
// whether a lookup failed for a passing reason (the store unavailable), so the step can retry.
class LookupHost final : public jsonata::Host {
 public:
  // `lookups` may be null: every lookup then fails as "not configured".
  explicit LookupHost(const Lookups* lookups) : lookups_(lookups) {}

  jsonata::JResult<Value> ValueMap(std::string_view table, const Value& key) const override;
  jsonata::JResult<Value> Xref(std::string_view system, std::string_view entity,
                               const Value& id) const override;

  // A lookup failed in a way a later attempt may not (kUnavailable and the like).
  bool transient_failure() const { return transient_failure_; }

 private:
  const Lookups* lookups_;
  mutable bool transient_failure_ = false;
};

}  // namespace erphub::components
