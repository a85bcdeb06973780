#include "ops/ops_routes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>

#include "core/json.h"
#include "net/http_client.h"
#include "net/http_server.h"

namespace erphub::ops {
namespace {

class OpsRoutesTest : public ::testing::Test {
 protected:
  void Start(std::vector<ReadinessCheck> checks, std::vector<ReadinessDetail> details = {}) {
    OpsRoutesOptions options;
    options.metrics = &metrics_;
    options.checks = std::move(checks);
    options.details = std::move(details);
    server_ = std::make_unique<net::HttpServer>(server_options_);
    routes_ = std::make_unique<OpsRoutes>(std::move(options));
    ASSERT_TRUE(routes_->AddRoutes(*server_).ok());
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    if (server_ != nullptr) {
      server_->Stop(std::chrono::seconds(1));
    }
    routes_.reset();
  }

  // Through `client`, or the test's own.
  net::HttpResponse Get(const std::string& path, net::HttpClient* client = nullptr) {
    net::ClientRequest request;
    request.url = server_->base_url() + path;
    Result<net::HttpResponse> response = (client != nullptr ? *client : client_).Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : net::HttpResponse{};
  }

  MetricsRegistry metrics_;
  net::HttpServerOptions server_options_;
  std::unique_ptr<net::HttpServer> server_;
  net::HttpClient client_;
  std::unique_ptr<OpsRoutes> routes_;
};

TEST_F(OpsRoutesTest, HealthAnswersWhileTheProcessServes) {
  Start({});
  net::HttpResponse r = Get("/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok"})");
}

TEST_F(OpsRoutesTest, ReadyNamesEachCheck) {
  std::atomic<bool> store_up{true};
  Start({{"store", [&] { return store_up ? Status::Ok() : UnavailableError("disk I/O error"); }},
         {"intake", [] { return Status::Ok(); }}});
  net::HttpResponse ready = Get("/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ready","checks":{"listener":{"ok":true},"store":{"ok":true},)"
                        R"("intake":{"ok":true}}})");
  store_up = false;
  net::HttpResponse not_ready = Get("/ready");
  EXPECT_EQ(not_ready.status, 503);
  Result<Value> body = ParseJson(not_ready.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->Get("status").as_string(), "not ready");
  EXPECT_FALSE(body->Get("checks").Get("store").Get("ok").as_bool());
  EXPECT_EQ(body->Get("checks").Get("store").Get("error").as_string(), "disk I/O error");
}

TEST_F(OpsRoutesTest, ReadyShowsDetailsWithoutTheirDecidingReadiness) {
  std::atomic<int> calls{0};
  Start({{"store", [] { return Status::Ok(); }}}, {{"circuit_breakers", [&] {
                                                      ++calls;
                                                      Object circuits;
                                                      circuits.Append("orders/erp",
                                                                      Value::Str("open"));
                                                      return Value::MakeObject(std::move(circuits));
                                                    }}});
  net::HttpResponse ready = Get("/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body,
            R"({"status":"ready","checks":{"listener":{"ok":true},"store":{"ok":true}},)"
            R"("circuit_breakers":{"orders/erp":"open"}})");
  Get("/ready");
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(OpsRoutesTest, AReadinessCheckThatWaitsHoldsUpNoOtherRequest) {
  // One I/O thread: were the check run there, /health would wait for it.
  server_options_.io_threads = 1;
  std::mutex mu;
  std::condition_variable cv;
  bool store_answers = false;
  std::atomic<int> waiting{0};
  Start({{"store", [&] {
            std::unique_lock<std::mutex> lock(mu);
            ++waiting;
            cv.notify_all();
            cv.wait(lock, [&] { return store_answers; });
            return Status::Ok();
          }}});
  net::HttpClient probe_client;
  auto probe = std::async(std::launch::async, [&] { return Get("/ready", &probe_client); });
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return waiting > 0; }));
  }
  // The only I/O thread still serves while the check waits for the store.
  EXPECT_EQ(Get("/health").status, 200);
  EXPECT_EQ(probe.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  {
    std::lock_guard<std::mutex> lock(mu);
    store_answers = true;
  }
  cv.notify_all();
  EXPECT_EQ(probe.get().status, 200);
}

TEST_F(OpsRoutesTest, ReadyAfterStopIs503) {
  Start({{"store", [] { return Status::Ok(); }}});
  EXPECT_EQ(Get("/ready").status, 200);
  routes_->Stop();
  net::HttpResponse stopped = Get("/ready");
  EXPECT_EQ(stopped.status, 503);
  EXPECT_TRUE(stopped.headers.Has("Retry-After"));
}

TEST_F(OpsRoutesTest, MetricsInPrometheusText) {
  metrics_.Counters("erphub_accepted_total", "Accepted.").With({{"flow", "orders"}}).Inc(3);
  Start({});
  net::HttpResponse r = Get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.GetOr("Content-Type", ""), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("erphub_accepted_total{flow=\"orders\"} 3\n"), std::string::npos);
}

}  // namespace
}  // namespace erphub::ops
