#include "components/steps/map_step.h"

#include <gtest/gtest.h>

#include <string>

#include "component_harness.h"
#include "components/steps/json_schema.h"
#include "core/json.h"

namespace erphub::components {
namespace {

using testing::Build;
using testing::ReadFile;
using testing::TempDir;
using testing::TestMessage;
using testing::WriteFile;

const std::string kSource = ERPHUB_SOURCE_DIR;

Value ShopifyOrder() {
  auto order =
      ParseJson(ReadFile(kSource + "/tests/data/webhooks/payloads/shopify/orders-create.json"));
  EXPECT_TRUE(order.ok());
  return order.ok() ? *order : Value();
}

TEST(MapStepTest, ShopifyOrderMapsToACanonicalSalesOrderThatValidates) {
  auto step = Build<Step>(
      ComponentKind::kStep, "map: {file: shopify-to-sales-order.jsonata}",
      ComponentEnv{.base_dir = kSource + "/examples/shop-orders-to-http", .clock = nullptr});
  ASSERT_TRUE(step.ok()) << step.error().ToString();
  Value order = ShopifyOrder();
  auto result = (*step)->Process(TestMessage(order), order);
  ASSERT_TRUE(result.ok()) << result.error().error;
  const Value& sales_order = *result;
  EXPECT_EQ(sales_order.Get("external_id").as_string(), "shopify:5849301229845");
  EXPECT_EQ(sales_order.Get("order_number").as_string(), "1042");
  EXPECT_EQ(sales_order.Get("note").as_string(), "Leave at the door, please");
  EXPECT_EQ(sales_order.Get("totals").Get("gross").as_string(), "99.96");
  EXPECT_EQ(sales_order.Get("totals").Get("tax").as_string(), "15.96");
  ASSERT_EQ(sales_order.Get("lines").size(), 2u);
  EXPECT_EQ(sales_order.Get("lines")[0].Get("line_total").as_string(), "24.00");
  EXPECT_EQ(sales_order.Get("lines")[1].Get("unit_price").as_string(), "60.00");

  auto schema = JsonSchema::CompileFile(kSource + "/schemas/canonical/sales_order.json");
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  std::vector<SchemaFailure> failures = schema->Validate(sales_order);
  for (const SchemaFailure& failure : failures) {
    ADD_FAILURE() << failure.ToString();
  }
  EXPECT_TRUE(DeepEqual(
      sales_order, *ParseJson(ReadFile(kSource + "/tests/data/components/sales_order_good.json"))));
}

TEST(MapStepTest, InlineExpressionSeesTheMessage) {
  auto step = Build<Step>(ComponentKind::kStep,
                          R"(map: {expression: '{"n": n * 2, "flow": $message.flow}'})");
  ASSERT_TRUE(step.ok()) << step.error().ToString();
  Value payload = *ParseJson(R"({"n": 21})");
  auto result = (*step)->Process(TestMessage(payload, "shop-orders"), payload);
  ASSERT_TRUE(result.ok()) << result.error().error;
  EXPECT_EQ(ToJson(*result), R"({"n":42,"flow":"shop-orders"})");
}

TEST(MapStepTest, UndefinedResultFailsPermanently) {
  auto step = Build<Step>(ComponentKind::kStep, "map: {expression: missing.field}");
  ASSERT_TRUE(step.ok());
  Value payload = *ParseJson(R"({"n": 1})");
  auto result = (*step)->Process(TestMessage(payload), payload);
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(result.error().transient);
  EXPECT_EQ(result.error().error, "mapping produced no value");
}

TEST(MapStepTest, EvaluationErrorFailsPermanentlyWithItsCode) {
  auto step = Build<Step>(ComponentKind::kStep, "map: {expression: 'n + \"x\"'}");
  ASSERT_TRUE(step.ok());
  Value payload = *ParseJson(R"({"n": 1})");
  auto result = (*step)->Process(TestMessage(payload), payload);
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(result.error().transient);
  EXPECT_NE(result.error().error.find("T2002"), std::string::npos) << result.error().error;
}

TEST(MapStepTest, EndlessLoopStopsAtTheTimeLimit) {
  auto step = Build<Step>(
      ComponentKind::kStep,
      R"(map: {expression: '($f := function($n) { $f($n + 1) }; $f(0))', time_limit: 50ms})");
  ASSERT_TRUE(step.ok()) << step.error().ToString();
  Value payload = *ParseJson("{}");
  auto started = std::chrono::steady_clock::now();
  auto result = (*step)->Process(TestMessage(payload), payload);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().error.find("U1001"), std::string::npos) << result.error().error;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(MapStepTest, DeepRecursionStopsAtTheDepthLimit) {
  auto step = Build<Step>(
      ComponentKind::kStep,
      R"(map: {expression: '($f := function($n) { 1 + $f($n + 1) }; $f(0))', max_depth: 200})");
  ASSERT_TRUE(step.ok()) << step.error().ToString();
  Value payload = *ParseJson("{}");
  auto result = (*step)->Process(TestMessage(payload), payload);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().error.find("U1001"), std::string::npos) << result.error().error;
}

TEST(MapStepTest, InlineCompileErrorNamesTheConfigPlaceAndTheColumn) {
  auto step = Build<Step>(ComponentKind::kStep, "map:\n  expression: 'order.(sku'\n");
  ASSERT_FALSE(step.ok());
  std::string message(step.error().message());
  EXPECT_EQ(message.rfind("test.yaml:2:15: flows.test.component.expression: S0", 0), 0u) << message;
  EXPECT_NE(message.find("of the expression"), std::string::npos) << message;
}

TEST(MapStepTest, FileCompileErrorNamesFileLineAndColumn) {
  TempDir dir;
  WriteFile(dir.path() / "bad.jsonata", "(\n  $a := 1;\n  $a + + ;\n)");
  auto step = Build<Step>(ComponentKind::kStep, "map: {file: bad.jsonata}",
                          ComponentEnv{.base_dir = dir.path().string(), .clock = nullptr});
  ASSERT_FALSE(step.ok());
  std::string message(step.error().message());
  std::string expected = (dir.path() / "bad.jsonata").string() + ":3:8: S0211";
  EXPECT_NE(message.find(expected), std::string::npos) << message;
  EXPECT_EQ(message.rfind("test.yaml:1:13: flows.test.component.file: ", 0), 0u) << message;
}

TEST(MapStepTest, MissingFileIsAConfigError) {
  auto step = Build<Step>(ComponentKind::kStep, "map: {file: nowhere.jsonata}");
  ASSERT_FALSE(step.ok());
  EXPECT_NE(step.error().message().find("cannot read nowhere.jsonata"), std::string::npos)
      << step.error().ToString();
}

}  // namespace
}  // namespace erphub::components

namespace erphub::components {
namespace {

// Lookups as the hub offers them: one value map, cross-references in memory, and a switch that
// makes the cross-reference store fail.
class FakeLookups final : public Lookups {
 public:
  FakeLookups() {
    Object uom;
    uom.Append("pcs", Value::Str("Unit"));
    uom.Append("10", Value::Str("ten"));
    Object maps;
    maps.Append("uom", Value::MakeObject(std::move(uom)));
    maps_ = Value::MakeObject(std::move(maps));
  }
  const Value* ValueMap(std::string_view name) const override {
    return maps_.as_object().Find(name);
  }
  Result<std::optional<std::string>> Xref(std::string_view system, std::string_view entity,
                                          std::string_view external_id) const override {
    if (store_down) return UnavailableError("database is locked");
    if (system == "tryton" && entity == "party" && external_id == "shopify:1") {
      return std::optional<std::string>("42");
    }
    return std::optional<std::string>();
  }
  bool store_down = false;

 private:
  Value maps_;
};

Result<Value, Failure> MapWith(const FakeLookups& lookups, const std::string& expression,
                               const Value& input) {
  auto step = testing::Build<Step>(ComponentKind::kStep, "map: {expression: '" + expression + "'}",
                                   ComponentEnv{.base_dir = ".", .lookups = &lookups});
  EXPECT_TRUE(step.ok()) << step.error().ToString();
  if (!step.ok()) return Failure{};
  return (*step)->Process(testing::TestMessage(input), input);
}

TEST(MapStepLookupsTest, ValueMapsComeFromTheConfig) {
  FakeLookups lookups;
  auto input = ParseJson(R"({"unit": "pcs", "n": 10, "other": "box"})");
  auto result = MapWith(lookups,
                        R"({"unit": $valueMap("uom", unit), "n": $valueMap("uom", n),)"
                        R"( "other": $valueMap("uom", other)})",
                        *input);
  ASSERT_TRUE(result.ok()) << result.error().error;
  EXPECT_EQ(ToJson(*result), R"({"unit":"Unit","n":"ten"})");
  auto missing = MapWith(lookups, R"($valueMap("colours", unit))", *input);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().error.find("D3800"), std::string::npos) << missing.error().error;
}

TEST(MapStepLookupsTest, XrefReadsTheStoresCrossReferences) {
  FakeLookups lookups;
  auto input = ParseJson(R"({"customer": "shopify:1", "other": "shopify:2"})");
  auto result = MapWith(lookups,
                        R"({"party": $xref("tryton", "party", customer),)"
                        R"( "new": $xref("tryton", "party", other)})",
                        *input);
  ASSERT_TRUE(result.ok()) << result.error().error;
  EXPECT_EQ(ToJson(*result), R"({"party":"42"})");

  // A store that cannot answer now makes the step fail transiently: it is retried.
  lookups.store_down = true;
  auto failed = MapWith(lookups, R"($xref("tryton", "party", customer))", *input);
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.error().transient);
  EXPECT_NE(failed.error().error.find("database is locked"), std::string::npos);
}

}  // namespace
}  // namespace erphub::components
