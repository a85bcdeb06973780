// erphub end to end: the real `erphub run` with the shop-orders example, a real erphub-receiver
// standing in for the ERP, signed webhooks over HTTP, and the operator commands on the store.

#include <signal.h>

#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

#include "core/json.h"
#include "integration/hub_harness.h"
#include "mapping/jsonata.h"
#include "store/sqlite/sqlite_store.h"

namespace erphub::integration {
namespace {

constexpr char kExample[] = "examples/shop-orders-to-http/erphub.yaml";
constexpr char kNewCustomer[] = "order-1042-new-customer.json";

// The canonical sales order the example's mapping makes of a sample order, as compact JSON.
std::string CanonicalOf(const std::string& sample) {
  Result<Value> order = ParseJson(sample);
  EXPECT_TRUE(order.ok());
  auto expression = jsonata::Expression::Compile(
      ReadFile(Source("examples/shop-orders-to-http/shopify-to-sales-order.jsonata")));
  EXPECT_TRUE(expression.ok());
  auto mapped = expression->Evaluate(*order);
  EXPECT_TRUE(mapped.ok());
  return ToJson(*mapped);
}

std::string Compact(std::string_view json) {
  Result<Value> value = ParseJson(json);
  return value.ok() ? ToJson(*value) : "not JSON: " + std::string(json);
}

class EndToEndTest : public HubTest {
 protected:
  // The example's flow with short retry delays, so that retry tests take milliseconds.
  std::string ShortRetryConfig(const std::string& on_dead_letter = "continue") {
    std::string example = Source("examples/shop-orders-to-http");
    std::string config = R"(listen: ${ERPHUB_LISTEN}
store:
  url: ${ERPHUB_STORE}
flows:
  shop-orders:
    from:
      webhook:
        path: /webhooks/shop/orders
        signature: {preset: shopify, secret: "${SHOP_WEBHOOK_SECRET}"}
    key: $string(id)
    steps:
      - validate: {schema: )" +
                         example + R"(/shopify-order.schema.json}
      - map: {file: )" + example +
                         R"(/shopify-to-sales-order.jsonata}
      - validate: {schema: )" +
                         Source("schemas/canonical/sales_order.json") + R"(}
    to:
      - http: {url: "${ERP_URL}/sales-orders", timeout: 5s}
    retry: {initial: 20ms, max_delay: 100ms, max_attempts: 100, max_age: 1h}
    on_dead_letter: )" + on_dead_letter +
                         "\n";
    WriteFile("erphub.yaml", config);
    return Dir("erphub.yaml");
  }

  std::string AcceptedId(const net::HttpResponse& response) {
    Result<Value> body = ParseJson(response.body);
    return body.ok() && body->Get("id").is_string() ? std::string(body->Get("id").as_string()) : "";
  }

  std::unique_ptr<store::Store> OpenStore() {
    Result<std::unique_ptr<store::Store>> store = store::OpenSqliteStore(Dir("hub.db"));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }
};

TEST_F(EndToEndTest, SignedWebhookIsDeliveredOnceAsCanonicalSalesOrder) {
  StartReceiver();
  StartHub(Source(kExample));
  std::string order = Sample(kNewCustomer);
  net::HttpResponse response = PostOrder(order, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
  ASSERT_EQ(response.status, 202) << response.body;
  std::string id = AcceptedId(response);
  ASSERT_FALSE(id.empty()) << response.body;

  ASSERT_TRUE(WaitForReceived(1));
  ASSERT_TRUE(WaitForMetric(R"(erphub_delivered_total{flow="shop-orders",output="http"})", 1));
  std::vector<Value> received = Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].Get("method").as_string(), "POST");
  EXPECT_EQ(received[0].Get("path").as_string(), "/sales-orders");
  EXPECT_EQ(Compact(received[0].Get("body").as_string()), CanonicalOf(order));
  EXPECT_EQ(received[0].Get("json").Get("external_id").as_string(), "shopify:5849301229845");
  std::string key = RecordedHeader(received[0], "Idempotency-Key");
  EXPECT_EQ(key.size(), 53u) << key;
  EXPECT_NE(RecordedHeader(received[0], "Content-Type").find("application/json"),
            std::string::npos);

  EXPECT_EQ(Metric(R"(erphub_accepted_total{flow="shop-orders"})"), 1);
  EXPECT_EQ(Metric(R"(erphub_dead_lettered_total{flow="shop-orders",output="http"})"), 0);
  // The 202 waited for a commit to the disk (fsync: full), which the store timed.
  EXPECT_GE(Metric("erphub_store_commit_seconds_count").value_or(0), 1);
  EXPECT_EQ(ReceiverStats().Get("delivered").as_number().ToInt64(), 1);
  EXPECT_EQ(Get("/health").status, 200);

  // Its lineage, by message id and by the business key (the shop's order id).
  ASSERT_EQ(RunErphub("trace " + id + " --store " + StoreUrl()), 0) << err_;
  EXPECT_NE(out_.find("received"), std::string::npos) << out_;
  EXPECT_NE(out_.find("map"), std::string::npos) << out_;
  EXPECT_NE(out_.find("attempt"), std::string::npos) << out_;
  ASSERT_EQ(RunErphub("trace 5849301229845 --json --store " + StoreUrl()), 0) << err_;
  Result<Value> traces = ParseJson(out_);
  ASSERT_TRUE(traces.ok()) << out_;
  ASSERT_EQ(traces->size(), 1u);
  EXPECT_EQ((*traces)[0].Get("message").Get("id").as_string(), id);

  EXPECT_EQ(StopHub(), 0);
}

TEST_F(EndToEndTest, BadSignatureIsRefusedAndNothingIsStored) {
  StartReceiver();
  StartHub(Source(kExample));
  std::string order = Sample(kNewCustomer);
  net::HttpResponse response =
      PostOrder(order, "webhook-1", ShopifySignature("not-the-secret", order));
  EXPECT_EQ(response.status, 401) << response.body;
  response = PostOrder(order + " ", "webhook-2", ShopifySignature(kSecret, order));
  EXPECT_EQ(response.status, 401) << response.body;
  EXPECT_EQ(Metric(R"(erphub_accepted_total{flow="shop-orders"})"), 0);
  EXPECT_EQ(RunErphub("trace 5849301229845 --store " + StoreUrl()), 1);

  // A correctly signed order after them is the only delivery.
  ASSERT_EQ(PostOrder(order, "webhook-3").status, 202);
  ASSERT_TRUE(WaitForReceived(1));
  ASSERT_TRUE(WaitForMetric(R"(erphub_delivered_total{flow="shop-orders",output="http"})", 1));
  EXPECT_EQ(Received().size(), 1u);
}

TEST_F(EndToEndTest, MalformedJsonIsQuarantinedWithAProblemAnswer) {
  StartReceiver();
  StartHub(Source(kExample));
  std::string broken = R"({"id": 5849301229845, "line_items": [)";
  net::HttpResponse response = PostOrder(broken, "webhook-1");
  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_EQ(response.headers.GetOr("Content-Type", ""), "application/problem+json");
  Result<Value> problem = ParseJson(response.body);
  ASSERT_TRUE(problem.ok()) << response.body;
  EXPECT_EQ(problem->Get("status").as_number().ToInt64(), 400);

  std::unique_ptr<store::Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<std::vector<store::QuarantineEntry>> quarantine = store->ListQuarantine({});
  ASSERT_TRUE(quarantine.ok()) << quarantine.status().ToString();
  ASSERT_EQ(quarantine->size(), 1u);
  EXPECT_EQ((*quarantine)[0].raw, broken);
  EXPECT_EQ((*quarantine)[0].flow, "shop-orders");
  EXPECT_NE((*quarantine)[0].reason.find("JSON"), std::string::npos) << (*quarantine)[0].reason;
  EXPECT_EQ(Metric(R"(erphub_accepted_total{flow="shop-orders"})"), 0);
  EXPECT_EQ(Received().size(), 0u);
}

TEST_F(EndToEndTest, OversizeBodyIsRefusedWith413) {
  StartReceiver();
  StartHub(Source(kExample));
  std::string order = Sample(kNewCustomer);
  // The example's webhook takes at most 1 MB.
  std::string huge =
      order.substr(0, order.size() - 1) + R"(,"padding":")" + std::string(1'100'000, 'x') + "\"}";
  net::HttpResponse response = PostOrder(huge, "webhook-1");
  EXPECT_EQ(response.status, 413) << response.body.substr(0, 200);
  EXPECT_EQ(Metric(R"(erphub_accepted_total{flow="shop-orders"})"), 0);
  EXPECT_EQ(Received().size(), 0u);
}

TEST_F(EndToEndTest, RepeatedShopifyWebhookIdIsDeliveredOnce) {
  StartReceiver();
  StartHub(Source(kExample));
  std::string order = Sample(kNewCustomer);
  net::HttpResponse first = PostOrder(order, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
  net::HttpResponse second = PostOrder(order, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(AcceptedId(first), AcceptedId(second));

  // A different order after them: once it is delivered, the repeat had its chance to be.
  ASSERT_EQ(PostOrder(Sample("order-1043-returning-customer.json"), "webhook-2").status, 202);
  ASSERT_TRUE(WaitForMetric(R"(erphub_delivered_total{flow="shop-orders",output="http"})", 2));
  EXPECT_EQ(Received().size(), 2u);
  EXPECT_EQ(ReceiverStats().Get("duplicates").as_number().ToInt64(), 0);
  EXPECT_EQ(Metric(R"(erphub_duplicates_total{flow="shop-orders"})"), 1);
}

TEST_F(EndToEndTest, TargetUnavailableTwiceIsDeliveredOnTheThirdAttempt) {
  StartReceiver({"--fail-first", "2", "--status", "503"});
  StartHub(ShortRetryConfig());
  net::HttpResponse response = PostOrder(Sample(kNewCustomer), "webhook-1");
  ASSERT_EQ(response.status, 202);
  ASSERT_TRUE(WaitForMetric(R"(erphub_delivered_total{flow="shop-orders",output="http"})", 1));
  std::vector<Value> received = Received();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].Get("status").as_number().ToInt64(), 503);
  EXPECT_EQ(received[1].Get("status").as_number().ToInt64(), 503);
  EXPECT_EQ(received[2].Get("status").as_number().ToInt64(), 201);
  // Every attempt carries the same key, so the ERP can recognise a repeat.
  EXPECT_EQ(RecordedHeader(received[0], "Idempotency-Key"),
            RecordedHeader(received[2], "Idempotency-Key"));
  EXPECT_EQ(RecordedHeader(received[1], "Idempotency-Key"),
            RecordedHeader(received[2], "Idempotency-Key"));
  EXPECT_EQ(ReceiverStats().Get("delivered").as_number().ToInt64(), 1);
  EXPECT_EQ(Metric(R"(erphub_failed_attempts_total{flow="shop-orders",output="http"})"), 2);

  ASSERT_EQ(RunErphub("trace " + AcceptedId(response) + " --json --store " + StoreUrl()), 0);
  Result<Value> traces = ParseJson(out_);
  ASSERT_TRUE(traces.ok()) << out_;
  int attempts = 0;
  for (const Value& event : (*traces)[0].Get("lineage").as_array()) {
    if (event.Get("event").as_string() == "attempt" && event.Get("name").as_string() == "http") {
      ++attempts;
    }
  }
  EXPECT_EQ(attempts, 3) << out_;
}

TEST_F(EndToEndTest, RefusedOrderIsDeadLetteredThenReplayedWhenFixed) {
  StartReceiver({"--fail-first", "1", "--status", "422", "--fail-body",
                 R"({"error":"unknown item MUG-BLU-350"})"});
  StartHub(ShortRetryConfig());
  ASSERT_EQ(PostOrder(Sample(kNewCustomer), "webhook-1").status, 202);
  ASSERT_TRUE(WaitForMetric(R"(erphub_dead_lettered_total{flow="shop-orders",output="http"})", 1));
  EXPECT_EQ(Received().size(), 1u);  // at once: a 422 is not retried

  ASSERT_EQ(RunErphub("dlq list --json --config " + hub_config_ + " --store " + StoreUrl()), 2)
      << "--config and --store together";
  ASSERT_EQ(RunErphub("dlq list --json --store " + StoreUrl()), 0) << err_;
  Result<Value> list = ParseJson(out_);
  ASSERT_TRUE(list.ok()) << out_;
  ASSERT_EQ(list->size(), 1u);
  const Value& dead = (*list)[0];
  EXPECT_EQ(dead.Get("output").as_string(), "http");
  EXPECT_EQ(dead.Get("key").as_string(), "5849301229845");
  EXPECT_EQ(dead.Get("response_body").as_string(), R"({"error":"unknown item MUG-BLU-350"})");
  std::string dead_id = std::to_string(dead.Get("id").as_number().ToInt64().value_or(0));
  ASSERT_EQ(RunErphub("dlq show " + dead_id + " --store " + StoreUrl()), 0) << err_;
  EXPECT_NE(out_.find("unknown item MUG-BLU-350"), std::string::npos) << out_;

  // The receiver now takes it (the item exists): replay delivers it, with the same key.
  ASSERT_EQ(RunErphub("dlq replay " + dead_id + " --note 'item created' --store " + StoreUrl()), 0)
      << err_;
  ASSERT_TRUE(WaitForMetric(R"(erphub_delivered_total{flow="shop-orders",output="http"})", 1));
  std::vector<Value> received = Received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].Get("status").as_number().ToInt64(), 201);
  EXPECT_EQ(RecordedHeader(received[0], "Idempotency-Key"),
            RecordedHeader(received[1], "Idempotency-Key"));
  ASSERT_EQ(RunErphub("dlq list --store " + StoreUrl()), 0);
  EXPECT_EQ(out_, "no dead letters\n");
}

TEST_F(EndToEndTest, LintReportsEachProblemWithItsPlace) {
  std::string example = ReadFile(Source(kExample));
  // Misspell the signature preset and a retry field in a copy of the example.
  size_t preset = example.find("preset: shopify");
  ASSERT_NE(preset, std::string::npos);
  example.replace(preset, 15, "preset: shopfy");
  size_t retry = example.find("max_attempts: 10");
  ASSERT_NE(retry, std::string::npos);
  example.replace(retry, 16, "max_attempts: 0");
  WriteFile("broken.yaml", example);
  EXPECT_EQ(RunErphub("lint broken.yaml"), 2);
  EXPECT_NE(err_.find("broken.yaml:"), std::string::npos) << err_;
  EXPECT_NE(err_.find(": flows.shop-orders.from.signature.preset: \"shopfy\" is not one of"),
            std::string::npos)
      << err_;
  EXPECT_NE(err_.find(": flows.shop-orders.retry.max_attempts: 0 is below the minimum 1"),
            std::string::npos)
      << err_;
  // Each problem line starts with file:line:col.
  std::istringstream lines(err_);
  std::string line;
  int located = 0;
  while (std::getline(lines, line)) {
    int l = 0;
    int c = 0;
    if (std::sscanf(line.c_str(), "broken.yaml:%d:%d:", &l, &c) == 2 && l > 0 && c > 0) {
      ++located;
    }
  }
  EXPECT_GE(located, 2) << err_;
}

TEST_F(EndToEndTest, SigtermExitsCleanlyAndARestartResumes) {
  // The ERP is down: the accepted order waits in the store.
  StartReceiver({"--fail-first", "1000000", "--status", "503"});
  StartHub(ShortRetryConfig());
  net::HttpResponse response = PostOrder(Sample(kNewCustomer), "webhook-1");
  ASSERT_EQ(response.status, 202);
  ASSERT_TRUE(WaitForReceived(1));
  EXPECT_EQ(StopHub(), 0) << HubLog();
  EXPECT_EQ(ReceiverStats().Get("delivered").as_number().ToInt64(), 0);

  // The ERP is back; a new hub process on the same store finishes the work.
  ScriptReceiver(R"({"fail_next": 0})");
  StartHub(ShortRetryConfig());
  ASSERT_TRUE(WaitUntil([&] { return ReceiverStats().Get("delivered").as_number().ToInt64() == 1; },
                        kDeadline));
  EXPECT_EQ(Received().back().Get("json").Get("external_id").as_string(), "shopify:5849301229845");
  // The same message as before the restart.
  ASSERT_EQ(RunErphub("trace " + AcceptedId(response) + " --json --store " + StoreUrl()), 0);
  Result<Value> traces = ParseJson(out_);
  ASSERT_TRUE(traces.ok()) << out_;
  EXPECT_EQ((*traces)[0].Get("deliveries").as_array().back().Get("state").as_string(), "done");
  EXPECT_EQ(StopHub(), 0) << HubLog();
}

}  // namespace
}  // namespace erphub::integration
