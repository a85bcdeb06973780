#include "ops/ops_routes.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/thread_name.h"
#include "core/value.h"
#include "net/problem.h"
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

net::HttpResponse ShuttingDown() {
  return net::RetryLaterResponse("erphub is shutting down", std::chrono::seconds(5));
}

}  // namespace

struct OpsRoutes::Readiness {
  std::vector<ReadinessCheck> checks;
  std::vector<ReadinessDetail> details;

  std::mutex mu;
  std::condition_variable cv;
  std::vector<net::Responder> waiting;
  bool stopped = false;
  std::thread thread;

  void Enqueue(net::Responder responder) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!stopped) {
        waiting.push_back(std::move(responder));
        cv.notify_one();
        return;
      }
    }
    responder.Respond(ShuttingDown());
  }

  void Run() {
    while (true) {
      std::vector<net::Responder> round;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stopped || !waiting.empty(); });
        if (stopped) {
          return;
        }
        round.swap(waiting);
      }
      const net::HttpResponse response = Ready(checks, details);
      for (const net::Responder& responder : round) {
        responder.Respond(response);
      }
    }
  }
};

OpsRoutes::OpsRoutes(OpsRoutesOptions options)
    : metrics_(options.metrics), readiness_(std::make_shared<Readiness>()) {
  readiness_->checks = std::move(options.checks);
  readiness_->details = std::move(options.details);
}

OpsRoutes::~OpsRoutes() { Stop(); }

Status OpsRoutes::AddRoutes(net::HttpServer& server) {
  ERPHUB_TRY(server.AddSyncRoute("GET", "/health", Health));
  std::shared_ptr<Readiness> readiness = readiness_;
  ERPHUB_TRY(server.AddRoute("GET", "/ready", [readiness](net::HttpRequest, net::Responder r) {
    readiness->Enqueue(std::move(r));
  }));
  if (metrics_ != nullptr) {
    const MetricsRegistry* metrics = metrics_;
    ERPHUB_TRY(server.AddSyncRoute("GET", "/metrics", [metrics](const net::HttpRequest&) {
      return net::HttpResponse::WithBody(200, metrics->RenderPrometheus(),
                                         std::string(kPrometheusContentType));
    }));
  }
  std::lock_guard<std::mutex> lock(readiness_->mu);
  if (!readiness_->thread.joinable() && !readiness_->stopped) {
    readiness_->thread = NamedThread("ready-checks", [readiness] { readiness->Run(); });
  }
  return Status::Ok();
}

void OpsRoutes::Stop() {
  std::vector<net::Responder> left;
  {
    std::lock_guard<std::mutex> lock(readiness_->mu);
    readiness_->stopped = true;
    left.swap(readiness_->waiting);
  }
  readiness_->cv.notify_all();
  if (readiness_->thread.joinable()) {
    readiness_->thread.join();
  }
  for (const net::Responder& responder : left) {
    responder.Respond(ShuttingDown());
  }
}

}  // namespace erphub::ops
