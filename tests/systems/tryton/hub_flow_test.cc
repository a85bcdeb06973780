// End to end: signed Shopify webhooks into the real `erphub run`, mapped by the example's JSONata
// to canonical sales orders, delivered by the `tryton` output into a real trytond.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>

#include "core/json.h"
#include "integration/hub_harness.h"
#include "systems/tryton/client.h"
#include "systems/tryton/test_server.h"

namespace erphub::integration {
namespace {

using tryton::testing::GetTestServer;
using tryton::testing::UniqueSuffix;

class TrytonHubTest : public HubTest {
 protected:
  void SetUp() override {
    ERPHUB_REQUIRE_TRYTON();
    HubTest::SetUp();
    client_tryton_ = std::make_unique<tryton::Client>(GetTestServer().Options());
  }

  // `options`: the tryton output's options, in YAML flow style without the braces.
  std::string Config(const std::string& options = "total_mismatch: dead_letter") {
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
                         example +
                         R"(/shopify-order.schema.json}
      - map: {file: )" + example +
                         R"(/shopify-to-sales-order.jsonata}
    to:
      - tryton:
          url: ${TRYTON_URL}
          database: ${TRYTON_DB}
          user: ${TRYTON_USER}
          password: ${TRYTON_PASSWORD}
          operation: create_sales_order
          options: {)" + options +
                         R"(}
        circuit_breaker: {failures: 5, cool_down: 1s}
    retry: {initial: 20ms, max_delay: 200ms, max_attempts: 1000, max_age: 1h}
)";
    WriteFile("erphub.yaml", config);
    return Dir("erphub.yaml");
  }

  void Start(const std::string& config) {
    const auto& server = GetTestServer();
    StartHub(config, {{"TRYTON_URL", server.url},
                      {"TRYTON_DB", server.database},
                      {"TRYTON_USER", server.user},
                      {"TRYTON_PASSWORD", server.password}});
  }

  // A sample Shopify order made unique to this run (its id and order number).
  std::string UniqueOrder(const std::string& sample, std::string* order_number) {
    Value order = *ParseJson(Sample(sample));
    std::string suffix = UniqueSuffix();
    int64_t id = std::stoll(suffix.substr(0, suffix.find('-'))) % 1000000000000;
    order.Set("id", Value::Int(id));
    *order_number = std::to_string(id);
    order.Set("order_number", Value::Int(id));
    return ToJson(order);
  }

  std::vector<Value> Sales(const std::string& reference) {
    Value domain = *ParseJson(R"([["reference","=",")" + reference + R"("]])");
    auto sales = client_tryton_->SearchRead("sale.sale", domain, {"state", "total_amount"});
    EXPECT_TRUE(sales.ok()) << sales.error().ToString();
    return sales.ok() ? *sales : std::vector<Value>{};
  }

  std::unique_ptr<tryton::Client> client_tryton_;
};

constexpr char kDelivered[] = R"(erphub_delivered_total{flow="shop-orders",output="tryton"})";
constexpr char kDead[] = R"(erphub_dead_lettered_total{flow="shop-orders",output="tryton"})";

TEST_F(TrytonHubTest, AShopOrderBecomesOneProcessedSaleEvenWhenSentTwice) {
  Start(Config());
  std::string number;
  std::string body = UniqueOrder("order-1042-new-customer.json", &number);
  ASSERT_EQ(PostOrder(body, "webhook-" + number).status, 202);
  ASSERT_TRUE(WaitForMetric(kDelivered, 1, std::chrono::seconds(60))) << HubLog();
  // The shop sends the same order again under a new webhook id: a new message, no new sale.
  ASSERT_EQ(PostOrder(body, "webhook-again-" + number).status, 202);
  ASSERT_TRUE(WaitForMetric(kDelivered, 2, std::chrono::seconds(60))) << HubLog();

  std::vector<Value> sales = Sales(number);
  ASSERT_EQ(sales.size(), 1u);
  EXPECT_EQ(sales[0].Get("state").as_string(), "processing");
  // The shop's total_price, to the cent.
  EXPECT_EQ(sales[0].Get("total_amount").as_number(), *Number::Parse("99.96"));
  EXPECT_EQ(Metric(kDead), 0);
}

TEST_F(TrytonHubTest, AnOrderTrytonCannotTakeIsDeadLetteredWithTheReason) {
  Start(Config("missing_tax: refuse"));
  std::string number;
  Value order = *ParseJson(UniqueOrder("order-1042-new-customer.json", &number));
  // A tax rate Tryton has no tax for: refused before anything is written.
  Value items = order.Get("line_items");
  Value line = items[0];
  Value tax = line.Get("tax_lines")[0];
  tax.Set("rate", Value::Num(*Number::Parse("0.23")));
  Value taxes = Value::MakeArray({tax});
  line.Set("tax_lines", taxes);
  items.mutable_array()[0] = line;
  order.Set("line_items", items);
  ASSERT_EQ(PostOrder(ToJson(order), "webhook-" + number).status, 202);
  ASSERT_TRUE(WaitForMetric(kDead, 1, std::chrono::seconds(60))) << HubLog();
  EXPECT_EQ(Metric(kDelivered).value_or(0), 0);

  ASSERT_EQ(RunErphub("dlq list --json --store " + StoreUrl()), 0) << err_;
  auto list = ParseJson(out_);
  ASSERT_TRUE(list.ok() && list->size() == 1) << out_;
  EXPECT_NE((*list)[0].Get("error").as_string().find("rate 0.23"), std::string::npos) << out_;
  EXPECT_TRUE(Sales(number).empty());
}

TEST_F(TrytonHubTest, ATotalTrytonComputesDifferentlyIsDeadLettered) {
  Start(Config());
  std::string number;
  Value order = *ParseJson(UniqueOrder("order-1042-new-customer.json", &number));
  order.Set("total_price", Value::Str("99.97"));  // one cent more than the lines make
  ASSERT_EQ(PostOrder(ToJson(order), "webhook-" + number).status, 202);
  ASSERT_TRUE(WaitForMetric(kDead, 1, std::chrono::seconds(60))) << HubLog();
  ASSERT_EQ(RunErphub("dlq list --json --store " + StoreUrl()), 0) << err_;
  auto list = ParseJson(out_);
  ASSERT_TRUE(list.ok() && list->size() == 1) << out_;
  EXPECT_NE((*list)[0].Get("error").as_string().find("Tryton computes a total of 99.96"),
            std::string::npos)
      << out_;
  std::vector<Value> sales = Sales(number);
  ASSERT_EQ(sales.size(), 1u);
  EXPECT_EQ(sales[0].Get("state").as_string(), "draft");
}

TEST_F(TrytonHubTest, ATotalTrytonComputesDifferentlyCanGoOnWithAnAlert) {
  Start(Config("total_mismatch: alert"));
  std::string number;
  Value order = *ParseJson(UniqueOrder("order-1042-new-customer.json", &number));
  order.Set("total_price", Value::Str("99.97"));
  ASSERT_EQ(PostOrder(ToJson(order), "webhook-" + number).status, 202);
  ASSERT_TRUE(WaitForMetric(kDelivered, 1, std::chrono::seconds(60))) << HubLog();
  // The warning is counted and logged just after the delivery.
  constexpr const char* kWarnings =
      R"(erphub_delivery_warnings_total{flow="shop-orders",output="tryton"})";
  EXPECT_TRUE(
      WaitUntil([&] { return Metric(kWarnings).value_or(0) >= 1; }, std::chrono::seconds(10)));
  EXPECT_EQ(Metric(kWarnings), 1);
  EXPECT_TRUE(WaitUntil([&] { return HubLog().find("delivery.warning") != std::string::npos; },
                        std::chrono::seconds(10)))
      << HubLog();
  std::vector<Value> sales = Sales(number);
  ASSERT_EQ(sales.size(), 1u);
  EXPECT_EQ(sales[0].Get("state").as_string(), "processing");
  ASSERT_EQ(RunErphub("trace " + number + " --store " + StoreUrl()), 0) << err_;
  EXPECT_NE(out_.find("WARNING: Tryton computes a"), std::string::npos) << out_;
}

TEST_F(TrytonHubTest, EveryExampleOrderGetsTheShopsTotalToTheCent) {
  Start(Config());
  // New and returning customers, discounts, taxed shipping, business customers.
  const char* samples[] = {"order-1042-new-customer.json", "order-1043-returning-customer.json",
                           "order-1044-new-business-customer.json",
                           "order-1045-returning-business-customer.json"};
  std::vector<std::pair<std::string, Number>> expected;
  for (const char* sample : samples) {
    std::string number;
    std::string body = UniqueOrder(sample, &number);
    expected.emplace_back(number, *Number::Parse(ParseJson(body)->Get("total_price").as_string()));
    ASSERT_EQ(PostOrder(body, "webhook-" + number).status, 202);
  }
  ASSERT_TRUE(WaitForMetric(kDelivered, std::size(samples), std::chrono::seconds(180))) << HubLog();
  for (const auto& [number, total] : expected) {
    std::vector<Value> sales = Sales(number);
    ASSERT_EQ(sales.size(), 1u) << number;
    EXPECT_EQ(sales[0].Get("total_amount").as_number(), total)
        << number << ": " << ToJson(sales[0]) << " expected " << total.ToString();
  }
}

// Runs scripts/tryton.sh `command` for a private server in `data_dir` on `port`; its KEY=VALUE
// lines are written to `env_file`.
int PrivateTryton(const std::string& command, const std::string& data_dir, uint16_t port,
                  const std::string& env_file) {
  std::string line = "TRYTON_DATA_DIR='" + data_dir + "' TRYTON_PORT=" + std::to_string(port) +
                     " TRYTON_CACHE_DIR='" + Source("build/tryton-cache") + "' '" +
                     Source("scripts/tryton.sh") + "' " + command + " >'" + env_file + "' 2>>'" +
                     data_dir + ".log'";
  return std::system(line.c_str());
}

TEST_F(TrytonHubTest, OrdersWaitWhileTrytonIsDownAndArriveAfterItsRestart) {
  // A server of its own, since this one is stopped halfway.
  uint16_t port = FreePort();
  std::string data_dir = Dir("tryton");
  ASSERT_EQ(PrivateTryton("start", data_dir, port, Dir("tryton.env")), 0)
      << ReadFile(data_dir + ".log");
  struct StopAtEnd {
    std::function<void()> stop;
    ~StopAtEnd() { stop(); }
  } stop_at_end{[&] { PrivateTryton("stop", data_dir, port, Dir("stop.out")); }};
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  const auto& server = GetTestServer();
  StartHub(Config(), {{"TRYTON_URL", url},
                      {"TRYTON_DB", server.database},
                      {"TRYTON_USER", server.user},
                      {"TRYTON_PASSWORD", server.password}});
  std::string first;
  ASSERT_EQ(PostOrder(UniqueOrder("order-1042-new-customer.json", &first), "w1").status, 202);
  ASSERT_TRUE(WaitForMetric(kDelivered, 1, std::chrono::seconds(60))) << HubLog();

  ASSERT_EQ(PrivateTryton("stop", data_dir, port, Dir("stop.out")), 0);
  std::string second;
  ASSERT_EQ(PostOrder(UniqueOrder("order-1043-returning-customer.json", &second), "w2").status,
            202);
  // Refused connections are transient: the delivery is retried, not dead-lettered.
  ASSERT_TRUE(WaitUntil(
      [&] {
        return Metric(R"(erphub_failed_attempts_total{flow="shop-orders",output="tryton"})")
                   .value_or(0) >= 2;
      },
      std::chrono::seconds(30)))
      << HubLog();
  EXPECT_EQ(Metric(kDead).value_or(0), 0);

  ASSERT_EQ(PrivateTryton("start", data_dir, port, Dir("tryton.env")), 0)
      << ReadFile(data_dir + ".log");
  ASSERT_TRUE(WaitForMetric(kDelivered, 2, std::chrono::seconds(60))) << HubLog();
  tryton::ClientOptions options = server.Options();
  options.url = url;
  tryton::Client client(options);
  auto sales = client.SearchRead(
      "sale.sale", *ParseJson(R"([["reference","=",")" + second + R"("]])"), {"state"});
  ASSERT_TRUE(sales.ok()) << sales.error().ToString();
  ASSERT_EQ(sales->size(), 1u);
  EXPECT_EQ((*sales)[0].Get("state").as_string(), "processing");
}

}  // namespace
}  // namespace erphub::integration
