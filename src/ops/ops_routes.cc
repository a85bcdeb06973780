#include "ops/ops_routes.h"

#include <memory>
#include <string>
#include <utility>

#include "core/json.h"
#include "core/value.h"
#include "ops/prometheus_text.h"

namespace erphub::ops {
namespace {

net::HttpResponse Health(const net::HttpRequest&) {
  return net::HttpResponse::Json(200, R"({"status":"ok"})");
}

net::HttpResponse Ready(const std::vector<ReadinessCheck>& checks,
                        const std::vector<ReadinessDetail>& details) {
  Object detail;
  // Answering at all means the listener is up.
  Object listener;
  listener.Append("ok", Value::Bool(true));
  detail.Append("listener", Value::MakeObject(std::move(listener)));
  bool ready = true;
  for (const ReadinessCheck& check : checks) {
    Status status = check.check ? check.check() : Status::Ok();
    Object item;
    item.Append("ok", Value::Bool(status.ok()));
    if (!status.ok()) {
      ready = false;
      item.Append("error", Value::Str(status.ToString()));
    }
    detail.Set(check.name, Value::MakeObject(std::move(item)));
  }
  Object body;
  body.Append("status", Value::Str(ready ? "ready" : "not ready"));
  body.Append("checks", Value::MakeObject(std::move(detail)));
  for (const ReadinessDetail& extra : details) {
    body.Set(extra.name, extra.detail ? extra.detail() : Value::Null());
  }
  return net::HttpResponse::Json(ready ? 200 : 503, ToJson(Value::MakeObject(std::move(body))));
}

}  // namespace

Status AddOpsRoutes(net::HttpServer& server, OpsRoutesOptions options) {
  ERPHUB_TRY(server.AddSyncRoute("GET", "/health", Health));
  auto checks = std::make_shared<const std::vector<ReadinessCheck>>(std::move(options.checks));
  auto details = std::make_shared<const std::vector<ReadinessDetail>>(std::move(options.details));
  ERPHUB_TRY(server.AddSyncRoute("GET", "/ready", [checks, details](const net::HttpRequest&) {
    return Ready(*checks, *details);
  }));
  if (options.metrics != nullptr) {
    const MetricsRegistry* metrics = options.metrics;
    ERPHUB_TRY(server.AddSyncRoute("GET", "/metrics", [metrics](const net::HttpRequest&) {
      return net::HttpResponse::WithBody(200, metrics->RenderPrometheus(),
                                         std::string(kPrometheusContentType));
    }));
  }
  return Status::Ok();
}

}  // namespace erphub::ops
