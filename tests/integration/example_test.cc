// The shop-orders example is what newcomers run first and what later checks use as written:
// its config must lint, and each sample order must pass its checks and map to a valid
// canonical sales order.

#include <filesystem>
#include <string>

#include "components/steps/json_schema.h"
#include "core/json.h"
#include "integration/hub_harness.h"
#include "mapping/jsonata.h"

namespace erphub::integration {
namespace {

namespace fs = std::filesystem;

using ExampleTest = HubTest;

TEST_F(ExampleTest, ConfigLints) {
  std::string config = Source("examples/shop-orders-to-http/erphub.yaml");
  ASSERT_EQ(RunErphub("lint " + config, "-u SHOP_WEBHOOK_SECRET -u ERP_URL"), 2)
      << "the secret and the ERP's URL come from the environment";
  EXPECT_NE(err_.find("SHOP_WEBHOOK_SECRET is not set"), std::string::npos) << err_;
  ASSERT_EQ(RunErphub("lint " + config, "SHOP_WEBHOOK_SECRET=s ERP_URL=http://127.0.0.1:9"), 0)
      << err_;
  EXPECT_NE(out_.find("ok: 1 flow (shop-orders), 3 steps, 1 output"), std::string::npos) << out_;
}

TEST_F(ExampleTest, SamplesMapToValidSalesOrders) {
  fs::path example = Source("examples/shop-orders-to-http");
  auto shopify = components::JsonSchema::CompileFile(example / "shopify-order.schema.json");
  ASSERT_TRUE(shopify.ok()) << shopify.status().ToString();
  auto canonical =
      components::JsonSchema::CompileFile(Source("schemas/canonical/sales_order.json"));
  ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
  auto mapping =
      jsonata::Expression::Compile(ReadFile((example / "shopify-to-sales-order.jsonata").string()));
  ASSERT_TRUE(mapping.ok());

  int samples = 0;
  for (const auto& entry : fs::directory_iterator(example / "samples")) {
    SCOPED_TRACE(entry.path().filename().string());
    Result<Value> order = ParseJson(ReadFile(entry.path().string()));
    ASSERT_TRUE(order.ok()) << order.status().ToString();
    for (const auto& failure : shopify->Validate(*order)) {
      ADD_FAILURE() << "Shopify order: " << failure.ToString();
    }
    auto sales_order = mapping->Evaluate(*order);
    ASSERT_TRUE(sales_order.ok());
    for (const auto& failure : canonical->Validate(*sales_order)) {
      ADD_FAILURE() << "sales order: " << failure.ToString();
    }
    EXPECT_EQ(sales_order->Get("external_id").as_string(),
              "shopify:" + order->Get("id").as_number().ToString());
    ++samples;
  }
  EXPECT_GE(samples, 4);
}

TEST_F(ExampleTest, SchemaRefusesOrdersTheMappingCannotUse) {
  auto shopify = components::JsonSchema::CompileFile(
      Source("examples/shop-orders-to-http/shopify-order.schema.json"));
  ASSERT_TRUE(shopify.ok()) << shopify.status().ToString();
  Result<Value> order = ParseJson(Sample("order-1045-returning-business-customer.json"));
  ASSERT_TRUE(order.ok());
  Value no_sku = *order;
  Value lines = no_sku.Get("line_items");
  Value line = lines[0];
  line.Set("sku", Value::Str(""));
  line.Set("price", Value::Double(9.99));
  lines.mutable_array()[0] = line;
  no_sku.Set("line_items", lines);
  std::vector<components::SchemaFailure> failures = shopify->Validate(no_sku);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].pointer, "/line_items/0/sku");
  EXPECT_EQ(failures[1].pointer, "/line_items/0/price");
}

}  // namespace
}  // namespace erphub::integration
