#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
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

struct OpsRoutesOptions {
  // Rendered on GET /metrics; borrowed, must outlive the server. nullptr: no /metrics route.
  const MetricsRegistry* metrics = nullptr;
  std::vector<ReadinessCheck> checks;
};

// Adds the operations routes to the shared listener (before it starts):
//   GET /health   200 {"status":"ok"} while the process serves requests.
//   GET /ready    200 when every check passes, else 503; the body names each check:
//                 {"status":"ready","checks":{"listener":{"ok":true},"store":{"ok":true}}}
//                 (a failing check has "ok":false and "error").
//   GET /metrics  the registry in the Prometheus text format.
Status AddOpsRoutes(net::HttpServer& server, OpsRoutesOptions options);

}  // namespace erphub::ops
