#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/value.h"
#include "net/http_server.h"
#include "ops/metrics.h"

namespace erphub::ops {

// One thing /ready depends on: "store" (reachable), "intake" (open, not draining)...
struct ReadinessCheck {
  std::string name;
  // Ok when ready; otherwise the reason, shown in the /ready detail. Must be quick: it runs on
  // the listener's I/O thread.
  std::function<Status()> check;
};

// Facts shown in the /ready body beside the checks that do not decide readiness: e.g. the
// outputs' circuit breakers (a paused ERP does not stop the hub taking input).
struct ReadinessDetail {
  std::string name;
  // Runs on the listener's I/O thread, like a check: must be quick.
  std::function<Value()> detail;
};

struct OpsRoutesOptions {
  // Rendered on GET /metrics; borrowed, must outlive the server. nullptr: no /metrics route.
  const MetricsRegistry* metrics = nullptr;
  std::vector<ReadinessCheck> checks;
  std::vector<ReadinessDetail> details;
};

// Adds the operations routes to the shared listener (before it starts):
//   GET /health   200 {"status":"ok"} while the process serves requests.
//   GET /ready    200 when every check passes, else 503; the body names each check:
//                 {"status":"ready","checks":{"listener":{"ok":true},"store":{"ok":true}}}
//                 (a failing check has "ok":false and "error"); each detail follows as a
//                 member of its own: "circuit_breakers":{...}.
//   GET /metrics  the registry in the Prometheus text format.
Status AddOpsRoutes(net::HttpServer& server, OpsRoutesOptions options);

}  // namespace erphub::ops
