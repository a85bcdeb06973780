#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/value.h"
#include "ops/metrics.h"
#include "store/store.h"

namespace erphub::engine {

// This node among the hub nodes sharing the store. Each node records itself in the store now and
// then and reads who else did: a node seen within `expiry` (the lease time: by then a silent
// node's leases have lapsed and the others take over its work) is live, the others are gone.
// It coordinates nothing; it is what /ready and the erphub_nodes gauge show.
class Membership {
 public:
  Membership(store::Store& store, std::string node, const Clock& clock,
             std::chrono::milliseconds expiry, ops::MetricsRegistry& metrics);

  // Records this node as alive now and reads the others.
  Status Beat();
  // For /ready: {"live": ["node-a", ...], "gone": [{"name": ..., "last_seen": ...}, ...]}, as of
  // the last Beat.
  Value Report() const;

 private:
  store::Store& store_;
  const std::string node_;
  const Clock& clock_;
  const std::chrono::milliseconds expiry_;
  const Timestamp started_at_;
  ops::Gauge& live_;
  ops::Gauge& gone_;
  mutable std::mutex mu_;
  std::vector<store::NodeSeen> live_nodes_;  // guarded by mu_
  std::vector<store::NodeSeen> gone_nodes_;  // guarded by mu_
};

}  // namespace erphub::engine
