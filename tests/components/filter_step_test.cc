#include "components/steps/filter_step.h"

#include <gtest/gtest.h>

#include <string>

#include "component_harness.h"
#include "core/json.h"
#include "json_literal.h"

namespace erphub::components {
namespace {

using testing::Build;
using testing::TestMessage;

using ::erphub::testing::Json;

std::unique_ptr<Step> Filter(const std::string& yaml) {
  auto step = Build<Step>(ComponentKind::kStep, yaml);
  EXPECT_TRUE(step.ok()) << step.error().ToString();
  return step.ok() ? std::move(*step) : nullptr;
}

TEST(FilterStepTest, AMessageTheConditionHoldsForPassesUnchanged) {
  auto step = Filter(R"(filter: {condition: 'type = "payment_intent.succeeded"'})");
  ASSERT_NE(step, nullptr);
  Value event = Json(R"({"type":"payment_intent.succeeded","data":{"amount":1}})");
  auto result = step->Process(TestMessage(event), event);
  ASSERT_TRUE(result.ok()) << result.error().error;
  EXPECT_EQ(ToJson(*result), ToJson(event));
}

TEST(FilterStepTest, AMessageItDoesNotHoldForIsFilteredNotFailed) {
  auto step = Filter(R"(filter: {condition: 'type = "payment_intent.succeeded"'})");
  ASSERT_NE(step, nullptr);
  Value event = Json(R"({"type":"charge.refunded"})");
  auto result = step->Process(TestMessage(event), event);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().filtered);
  EXPECT_FALSE(result.error().transient);
  EXPECT_FALSE(result.error().quarantine);
  // The lineage says which condition it was.
  EXPECT_NE(result.error().error.find("payment_intent.succeeded"), std::string::npos)
      << result.error().error;
}

TEST(FilterStepTest, TruthIsJsonatasBoolean) {
  auto step = Filter("filter: {condition: metadata.shop_order}");
  ASSERT_NE(step, nullptr);
  for (const char* filtered : {R"({})", R"({"metadata":{"shop_order":""}})",
                               R"({"metadata":{"shop_order":null}})", R"({"metadata":[]})"}) {
    Value payload = Json(filtered);
    auto result = step->Process(TestMessage(payload), payload);
    ASSERT_FALSE(result.ok()) << filtered;
    EXPECT_TRUE(result.error().filtered) << filtered;
  }
  Value payload = Json(R"({"metadata":{"shop_order":"1042"}})");
  EXPECT_TRUE(step->Process(TestMessage(payload), payload).ok());
}

TEST(FilterStepTest, TheConditionSeesTheMessage) {
  auto step = Filter(R"(filter: {condition: '$message.flow = "payments"'})");
  ASSERT_NE(step, nullptr);
  Value payload = Json("{}");
  EXPECT_TRUE(step->Process(TestMessage(payload, "payments"), payload).ok());
  auto other = step->Process(TestMessage(payload, "orders"), payload);
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(other.error().filtered);
}

TEST(FilterStepTest, AnEvaluationErrorFailsPermanently) {
  auto step = Filter(R"(filter: {condition: 'amount + "x" > 1'})");
  ASSERT_NE(step, nullptr);
  Value payload = Json(R"({"amount":1})");
  auto result = step->Process(TestMessage(payload), payload);
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(result.error().filtered);
  EXPECT_FALSE(result.error().transient);
  EXPECT_NE(result.error().error.find("filter condition failed"), std::string::npos)
      << result.error().error;
}

TEST(FilterStepTest, AConditionThatDoesNotCompileIsAConfigProblem) {
  auto step = Build<Step>(ComponentKind::kStep, "filter: {condition: 'type = '}");
  ASSERT_FALSE(step.ok());
  EXPECT_NE(step.error().ToString().find("condition"), std::string::npos)
      << step.error().ToString();
  EXPECT_FALSE(Build<Step>(ComponentKind::kStep, "filter: {}").ok());
}

}  // namespace
}  // namespace erphub::components
