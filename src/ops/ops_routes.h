#pragma once

#include <functional>
#include <memory>
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
  // Ok when ready; otherwise the reason, shown in the /ready detail. Runs on the routes' own
  // thread, so it may wait (a round trip to the store).
  std::function<Status()> check;
};

// Facts shown in the /ready body beside the checks that do not decide readiness: e.g. the
// outputs' circuit breakers (a paused ERP does not stop the hub taking input).
struct ReadinessDetail {
  std::string name;
  // Runs with the checks.
  std::function<Value()> detail;
};

struct OpsRoutesOptions {
  // Rendered on GET /metrics; borrowed, must outlive the server. nullptr: no /metrics route.
  const MetricsRegistry* metrics = nullptr;
  std::vector<ReadinessCheck> checks;
  std::vector<ReadinessDetail> details;
};

// The operations routes on the shared listener:
//   GET /health   200 {"status":"ok"} while the process serves requests.
//   GET /ready    200 when every check passes, else 503; the body names each check:
//                 {"status":"ready","checks":{"listener":{"ok":true},"store":{"ok":true}}}
//                 (a failing check has "ok":false and "error"); each detail follows as a
//                 member of its own: "circuit_breakers":{...}.
//   GET /metrics  the registry in the Prometheus text format.
// /ready's checks run on a thread of the routes' own, one round at a time, and each round
// answers every request that came while the last one ran: a store that is slow to answer holds
// up the probes, never the listener's I/O threads and the webhooks they serve.
class OpsRoutes {
 public:
  explicit OpsRoutes(OpsRoutesOptions options);
  // Stop().
  ~OpsRoutes();
  OpsRoutes(const OpsRoutes&) = delete;
  OpsRoutes& operator=(const OpsRoutes&) = delete;

  // Adds the routes and starts the checks' thread; before the listener starts.
  Status AddRoutes(net::HttpServer& server);
  // Answers the /ready requests still waiting with 503 and joins the thread; later ones get 503
  // too. Call before what the checks use goes away. Idempotent.
  void Stop();

 private:
  struct Readiness;
  const MetricsRegistry* metrics_;
  std::shared_ptr<Readiness> readiness_;
};

}  // namespace erphub::ops
