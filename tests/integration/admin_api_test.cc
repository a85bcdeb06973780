// The real `erphub run`: an output's circuit breaker opens on a failing target and shows in
// /ready and /metrics, and dead letters are handled over the admin API with its token.

#include <string>
#include <vector>

#include "core/json.h"
#include "integration/hub_harness.h"

namespace erphub::integration {
namespace {

constexpr char kToken[] = "adm-7f3c9e1b5d";

class AdminApiTest : public HubTest {
 protected:
  std::string Config() {
    WriteFile("erphub.yaml", R"(listen: ${ERPHUB_LISTEN}
admin:
  token: ${ERPHUB_ADMIN_TOKEN}
store:
  url: ${ERPHUB_STORE}
flows:
  shop-orders:
    from:
      webhook:
        path: /webhooks/shop/orders
        signature: {preset: shopify, secret: "${SHOP_WEBHOOK_SECRET}"}
    key: $string(id)
    to:
      - name: erp
        http: {url: "${ERP_URL}/sales-orders", timeout: 5s}
        circuit_breaker: {failures: 2, cool_down: 500ms}
    retry: {initial: 10ms, max_delay: 20ms, max_attempts: 100, max_age: 1h}
)");
    return Dir("erphub.yaml");
  }

  net::HttpResponse Admin(const std::string& method, const std::string& path,
                          const std::string& body = "", const std::string& token = kToken) {
    net::ClientRequest request;
    request.method = method;
    request.url = HubUrl(path);
    request.body = body;
    if (!token.empty()) {
      request.headers.Set("Authorization", "Bearer " + token);
    }
    Result<net::HttpResponse> response = client_->Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : net::HttpResponse::Empty(0);
  }

  Value CircuitOf(const net::HttpResponse& ready) {
    Result<Value> body = ParseJson(ready.body);
    return body.ok() ? body->Get("circuit_breakers").Get("shop-orders/erp") : Value();
  }
};

TEST_F(AdminApiTest, CircuitBreakerOpensOnAFailingTargetAndClosesAfterIt) {
  StartReceiver({"--fail-first", "3", "--status", "503"});
  StartHub(Config(), {{"ERPHUB_ADMIN_TOKEN", kToken}});
  ASSERT_EQ(PostOrder(R"({"id": 1})", "w-1").status, 202);
  const std::string state = R"(erphub_circuit_state{flow="shop-orders",output="erp"})";
  ASSERT_TRUE(WaitForMetric(R"(erphub_circuit_opened_total{flow="shop-orders",output="erp"})", 1));
  net::HttpResponse ready = Get("/ready");
  // An open breaker pauses the output, not the hub: still ready, and the detail says why.
  EXPECT_EQ(ready.status, 200) << ready.body;
  const std::string circuit = CircuitOf(ready).Get("state").is_string()
                                  ? std::string(CircuitOf(ready).Get("state").as_string())
                                  : "";
  EXPECT_TRUE(circuit == "open" || circuit == "half_open") << ready.body;
  // The probe after the cool-down fails (the third 503) and reopens; the next one delivers.
  ASSERT_TRUE(WaitForReceived(4));
  ASSERT_TRUE(WaitForMetric(R"(erphub_delivered_total{flow="shop-orders",output="erp"})", 1));
  // Each probe came a cool-down after the breaker opened: no attempt in between (retries alone
  // would come every 10-20 ms), and the claimer looked for the probe when it fell due.
  std::vector<Value> received = Received();
  ASSERT_EQ(received.size(), 4u);
  auto gap_ms = [&](size_t i) {
    return (*received[i].Get("at_us").as_number().ToInt64() -
            *received[i - 1].Get("at_us").as_number().ToInt64()) /
           1000;
  };
  EXPECT_GE(gap_ms(2), 500);
  EXPECT_GE(gap_ms(3), 500);
  EXPECT_LT(gap_ms(2) + gap_ms(3), 1900) << "the probes waited for the idle poll";
  EXPECT_EQ(Metric(state), 0);
  EXPECT_EQ(Metric(R"(erphub_circuit_opened_total{flow="shop-orders",output="erp"})"), 2);
  EXPECT_EQ(CircuitOf(Get("/ready")).Get("state").as_string(), "closed");
  EXPECT_NE(HubLog().find("\"event\":\"circuit.opened\""), std::string::npos);
}

TEST_F(AdminApiTest, DeadLettersAreListedAndReplayedOverHttpWithTheToken) {
  StartReceiver(
      {"--fail-first", "1", "--status", "422", "--fail-body", R"({"error": "unknown sku"})"});
  StartHub(Config(), {{"ERPHUB_ADMIN_TOKEN", kToken}});
  ASSERT_EQ(PostOrder(R"({"id": 7, "sku": "MUG"})", "w-7").status, 202);
  ASSERT_TRUE(WaitForMetric(R"(erphub_dead_lettered_total{flow="shop-orders",output="erp"})", 1));

  EXPECT_EQ(Admin("GET", "/api/v1/dead-letters", "", "").status, 401);
  net::HttpResponse list = Admin("GET", "/api/v1/dead-letters?flow=shop-orders");
  ASSERT_EQ(list.status, 200) << list.body;
  Result<Value> items = ParseJson(list.body);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->Get("items").size(), 1u) << list.body;
  const Value& entry = items->Get("items")[0];
  EXPECT_EQ(entry.Get("response_body").as_string(), R"({"error": "unknown sku"})");
  const std::string id = std::to_string(*entry.Get("id").as_number().ToInt64());

  // Fix the payload and replay in one request; the target then takes it.
  net::HttpResponse edited =
      Admin("PUT", "/api/v1/dead-letters/" + id + "/payload", R"({"id": 7, "sku": "MUG-BLU"})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  ASSERT_TRUE(WaitForMetric(R"(erphub_delivered_total{flow="shop-orders",output="erp"})", 1));
  std::vector<Value> received = Received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].Get("json").Get("sku").as_string(), "MUG-BLU");
  EXPECT_EQ(Admin("POST", "/api/v1/dead-letters/" + id + "/replay").status, 409);
}

TEST_F(AdminApiTest, WithoutATokenTheAdminApiIsOff) {
  StartReceiver();
  StartHub(Config(), {{"ERPHUB_ADMIN_TOKEN", ""}});
  net::HttpResponse off = Admin("GET", "/api/v1/dead-letters");
  EXPECT_EQ(off.status, 403);
  EXPECT_NE(off.body.find("admin.token"), std::string::npos) << off.body;
  EXPECT_EQ(Get("/no-such-path").status, 404);
}

}  // namespace
}  // namespace erphub::integration
