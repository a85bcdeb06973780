// End to end: examples/order-to-cash/erphub.yaml as shipped, run by the real `erphub run` against
// the test run's trytond. Signed Shopify orders become processed sales, signed Stripe payments pay
// their invoices, Stripe's other events are filtered, and stock levels reach the shop's
// inventory endpoint (an erphub-receiver).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "integration/hub_harness.h"
#include "systems/tryton/client.h"
#include "systems/tryton/test_server.h"

namespace erphub::integration {
namespace {

using tryton::testing::GetTestServer;
using tryton::testing::UniqueSuffix;

constexpr char kStripeSecret[] = "whsec_erphubTestSigningSecret9f2c4e6a8b0d1f3e5c7a";
constexpr char kInventoryPath[] = "/admin/api/2024-07/inventory_levels/set.json";

// Stripe-Signature: t=<unix seconds>,v1=hex(HMAC-SHA256(secret, t "." body)).
std::string StripeSignature(const std::string& body, int64_t t) {
  std::string signed_text = std::to_string(t) + "." + body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kStripeSecret, static_cast<int>(sizeof(kStripeSecret) - 1),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), digest,
       &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return "t=" + std::to_string(t) + ",v1=" + hex;
}

Value Clause(std::string_view field, std::string_view op, Value operand) {
  return Value::MakeArray({Value::Str(field), Value::Str(op), std::move(operand)});
}

class OrderToCashTest : public HubTest {
 protected:
  void SetUp() override {
    ERPHUB_REQUIRE_TRYTON();
    HubTest::SetUp();
    tryton_ = std::make_unique<tryton::Client>(GetTestServer().Options());
    StartReceiver();
    const auto& server = GetTestServer();
    StartHub(Source("examples/order-to-cash/erphub.yaml"),
             {{"TRYTON_URL", server.url},
              {"TRYTON_DB", server.database},
              {"TRYTON_USER", server.user},
              {"TRYTON_PASSWORD", server.password},
              {"STRIPE_WEBHOOK_SECRET", kStripeSecret},
              {"SHOP_INVENTORY_URL", ReceiverUrl() + kInventoryPath}});
  }

  // A sample order with an id and order number of this run's own.
  Value UniqueOrder(const std::string& path) {
    Value order = *ParseJson(ReadFile(Source(path)));
    std::string suffix = UniqueSuffix();
    int64_t id = std::stoll(suffix.substr(0, suffix.find('-'))) % 1000000000000;
    order.Set("id", Value::Int(id));
    order.Set("order_number", Value::Int(id));
    return order;
  }

  // A Stripe event like Stripe's own sample, about `order`'s payment, signed now.
  net::HttpResponse PostStripe(const std::string& type, const Value& order) {
    Value event =
        *ParseJson(ReadFile(Source("tests/data/webhooks/payloads/stripe/" + type + ".json")));
    std::string number = ToJson(order.Get("order_number"));
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    Number cents = *Number::Parse(order.Get("total_price").as_string()) * Number::FromInt(100);
    Value object = event.Get("data").Get("object");
    object.Set("id", Value::Str((type == "charge.refunded" ? "ch_" : "pi_") + number));
    object.Set("amount", Value::Num(cents));
    if (type == "payment_intent.succeeded") {
      object.Set("amount_received", Value::Num(cents));
    }
    Value metadata = object.Get("metadata");
    metadata.Set("shop_order", Value::Str(number));
    object.Set("metadata", metadata);
    Value data = event.Get("data");
    data.Set("object", object);
    event.Set("data", data);
    event.Set("id", Value::Str("evt_" + type + "_" + number));
    event.Set("created", Value::Int(now));
    std::string body = ToJson(event, JsonWriteOptions{.indent = 2});

    net::ClientRequest request;
    request.method = "POST";
    request.url = HubUrl("/webhooks/stripe");
    request.headers.Add("Content-Type", "application/json; charset=utf-8");
    request.headers.Add("Stripe-Signature", StripeSignature(body, now));
    request.body = body;
    Result<net::HttpResponse> response = client_->Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : net::HttpResponse::Empty(0);
  }

  Value SaleOf(const Value& order) {
    auto sales = tryton_->SearchRead(
        "sale.sale",
        Value::MakeArray({Clause("reference", "=", Value::Str(ToJson(order.Get("order_number"))))}),
        {"state", "total_amount", "invoices"});
    EXPECT_TRUE(sales.ok()) << sales.error().ToString();
    EXPECT_TRUE(sales.ok() && sales->size() == 1) << ToJson(order.Get("order_number"));
    return sales.ok() && sales->size() == 1 ? (*sales)[0] : Value();
  }

  Value InvoiceOf(const Value& sale) {
    const Value& ids = sale.Get("invoices");
    EXPECT_TRUE(ids.is_array() && ids.size() == 1) << ToJson(sale);
    if (!ids.is_array() || ids.size() != 1) {
      return Value();
    }
    auto invoices = tryton_->Read("account.invoice", {*ids[0].as_number().ToInt64()},
                                  {"state", "total_amount", "amount_to_pay"});
    EXPECT_TRUE(invoices.ok() && invoices->size() == 1);
    return invoices.ok() && invoices->size() == 1 ? (*invoices)[0] : Value();
  }

  // Puts `quantity` of the product with code `sku` into warehouse WH (a confirmed inventory).
  void Stock(const std::string& sku, int quantity) {
    auto products = tryton_->Search("product.product",
                                    Value::MakeArray({Clause("code", "=", Value::Str(sku))}));
    ASSERT_TRUE(products.ok() && products->size() == 1) << sku;
    auto warehouses = tryton_->SearchRead("stock.location",
                                          Value::MakeArray({Clause("code", "=", Value::Str("WH"))}),
                                          {"storage_location"});
    ASSERT_TRUE(warehouses.ok() && warehouses->size() == 1);
    Value line = Value::MakeObject();
    line.Set("product", Value::Int((*products)[0]));
    line.Set("quantity", Value::Int(quantity));
    Value inventory = Value::MakeObject();
    inventory.Set("location", (*warehouses)[0].Get("storage_location"));
    inventory.Set(
        "lines",
        Value::MakeArray({Value::MakeArray({Value::Str("create"), Value::MakeArray({line})})}));
    auto created = tryton_->Create("stock.inventory", {inventory});
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    Status confirmed = tryton_->Button("stock.inventory", "confirm", *created);
    ASSERT_TRUE(confirmed.ok()) << confirmed.ToString();
  }

  std::unique_ptr<tryton::Client> tryton_;
};

constexpr char kSales[] = R"(erphub_delivered_total{flow="shop-orders",output="tryton"})";
constexpr char kPayments[] = R"(erphub_delivered_total{flow="payments",output="tryton"})";
constexpr char kFiltered[] = R"(erphub_filtered_total{flow="payments"})";

TEST_F(OrderToCashTest, OrdersBecomeSalesAndPaymentsPayTheirInvoicesToTheCent) {
  // A new customer, the same customer again, and awkward prices (10 x 0.10, 19.99, 3 x 33.33).
  std::vector<Value> orders = {
      UniqueOrder("examples/shop-orders-to-http/samples/order-1042-new-customer.json"),
      UniqueOrder("examples/shop-orders-to-http/samples/order-1043-returning-customer.json"),
      UniqueOrder("examples/order-to-cash/samples/order-1046-new-customer-awkward-prices.json")};
  for (const Value& order : orders) {
    std::string number = ToJson(order.Get("order_number"));
    ASSERT_EQ(PostOrder(ToJson(order), "webhook-" + number).status, 202) << HubLog();
  }
  // The first and the last are paid by card; the second is not paid yet. Stripe announces the
  // payment intent before it succeeds: that event is not a payment.
  for (const Value* paid : {&orders[0], &orders[2]}) {
    ASSERT_EQ(PostStripe("payment_intent.succeeded", *paid).status, 202) << HubLog();
  }
  ASSERT_EQ(PostStripe("charge.refunded", orders[1]).status, 202) << HubLog();

  ASSERT_TRUE(WaitForMetric(kSales, 3, std::chrono::seconds(120))) << HubLog();
  ASSERT_TRUE(WaitForMetric(kPayments, 2, std::chrono::seconds(120))) << HubLog();
  ASSERT_TRUE(WaitForMetric(kFiltered, 1)) << HubLog();

  for (size_t i = 0; i < orders.size(); ++i) {
    const Value& order = orders[i];
    SCOPED_TRACE(ToJson(order.Get("order_number")));
    Number total = *Number::Parse(order.Get("total_price").as_string());
    Value sale = SaleOf(order);
    ASSERT_TRUE(sale.is_object());
    EXPECT_EQ(sale.Get("state").as_string(), "processing");
    EXPECT_EQ(sale.Get("total_amount").as_number(), total) << ToJson(sale);
    Value invoice = InvoiceOf(sale);
    ASSERT_TRUE(invoice.is_object());
    EXPECT_EQ(invoice.Get("total_amount").as_number(), total) << ToJson(invoice);
    if (i == 1) {
      EXPECT_NE(invoice.Get("state").as_string(), "paid") << ToJson(invoice);
    } else {
      EXPECT_EQ(invoice.Get("state").as_string(), "paid") << ToJson(invoice);
    }
  }

  // Filtered, not dead-lettered: done, with the reason in its lineage.
  EXPECT_EQ(Metric(R"(erphub_dead_lettered_total{flow="payments",output="@steps"})").value_or(0),
            0);
  ASSERT_EQ(RunErphub("dlq list --json --store " + StoreUrl()), 0) << err_;
  EXPECT_EQ(ParseJson(out_)->size(), 0u) << out_;
  ASSERT_EQ(RunErphub("trace " + ToJson(orders[1].Get("order_number")) +
                      " --flow payments --store " + StoreUrl()),
            0)
      << err_;
  EXPECT_NE(out_.find("succeeded-payments"), std::string::npos) << out_;
  EXPECT_NE(out_.find("filtered"), std::string::npos) << out_;
}

TEST_F(OrderToCashTest, StockLevelsReachTheShopsInventoryEndpoint) {
  Value order = UniqueOrder("examples/shop-orders-to-http/samples/order-1042-new-customer.json");
  ASSERT_EQ(PostOrder(ToJson(order), "webhook-stock").status, 202) << HubLog();
  ASSERT_TRUE(WaitForMetric(kSales, 1, std::chrono::seconds(120))) << HubLog();

  // The warehouse counts 40 blue mugs (the shop's inventory item 47112345678901).
  Stock("MUG-BLU-350", 40);
  const std::string mugs = "47112345678901";
  auto mug_levels = [&] {
    std::vector<Value> levels;
    for (const Value& request : Received()) {
      if (ToJson(request.Get("json").Get("inventory_item_id")) == mugs) {
        levels.push_back(request);
      }
    }
    return levels;
  };
  ASSERT_TRUE(WaitUntil([&] { return !mug_levels().empty(); }, std::chrono::seconds(60)))
      << HubLog();
  Value level = mug_levels().back();
  EXPECT_EQ(level.Get("method").as_string(), "POST");
  EXPECT_EQ(level.Get("path").as_string(), kInventoryPath);
  const Value& body = level.Get("json");
  ASSERT_TRUE(body.is_object()) << ToJson(level);
  EXPECT_EQ(body.as_object().size(), 3u) << ToJson(body);
  EXPECT_EQ(ToJson(body.Get("location_id")), "65544149101");
  // What can be sold: the 40 counted minus what open orders will take (this run's and earlier
  // runs' against the same database), in whole units.
  ASSERT_TRUE(body.Get("available").is_number()) << ToJson(body);
  EXPECT_LE(*body.Get("available").as_number().ToInt64(), 40) << ToJson(body);
  // Stock of products the shop does not sell (earlier tests') is filtered, never sent.
  for (const Value& request : Received()) {
    EXPECT_TRUE(request.Get("json").Get("inventory_item_id").is_number()) << ToJson(request);
  }
  EXPECT_EQ(Metric(R"(erphub_dead_lettered_total{flow="stock",output="http"})").value_or(0), 0);
}

}  // namespace
}  // namespace erphub::integration
