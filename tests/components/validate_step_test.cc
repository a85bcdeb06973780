#include "components/steps/validate_step.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "component_harness.h"
#include "core/json.h"

namespace erphub::components {
namespace {

using testing::Build;
using testing::ReadFile;
using testing::TestMessage;

const std::string kSource = ERPHUB_SOURCE_DIR;
const ComponentEnv kEnv{.base_dir = kSource + "/tests/data/components", .clock = nullptr};

Value Load(const std::string& name) {
  auto value = ParseJson(ReadFile(kSource + "/tests/data/components/" + name));
  EXPECT_TRUE(value.ok()) << name;
  return value.ok() ? *value : Value();
}

std::unique_ptr<Step> CanonicalValidator() {
  auto step = Build<Step>(ComponentKind::kStep,
                          "validate: {schema: ../../../schemas/canonical/sales_order.json}", kEnv);
  EXPECT_TRUE(step.ok()) << step.error().ToString();
  return step.ok() ? std::move(*step) : nullptr;
}

TEST(ValidateStepTest, GoodOrderPassesUnchanged) {
  std::unique_ptr<Step> step = CanonicalValidator();
  ASSERT_NE(step, nullptr);
  Value order = Load("sales_order_good.json");
  auto result = step->Process(TestMessage(order), order);
  ASSERT_TRUE(result.ok()) << result.error().error;
  EXPECT_TRUE(DeepEqual(*result, order));
}

TEST(ValidateStepTest, BadOrderFailsPermanentlyWithThePointerOfEachField) {
  std::unique_ptr<Step> step = CanonicalValidator();
  ASSERT_NE(step, nullptr);
  Value order = Load("sales_order_bad.json");
  auto result = step->Process(TestMessage(order), order);
  ASSERT_FALSE(result.ok());
  const Failure& failure = result.error();
  EXPECT_FALSE(failure.transient);
  EXPECT_EQ(failure.error, "the payload does not match sales_order.json: 5 problems");
  std::vector<std::string> pointers;
  for (const std::string& detail : failure.details) {
    pointers.push_back(detail.substr(0, detail.find(':')));
  }
  std::sort(pointers.begin(), pointers.end());
  EXPECT_EQ(pointers, (std::vector<std::string>{"/channel", "/currency", "/lines/0/quantity",
                                                "/lines/1/sku", "/totals/gross"}))
      << ::testing::PrintToString(failure.details);
  // Values are not echoed back into messages that get logged.
  for (const std::string& detail : failure.details) {
    EXPECT_EQ(detail.find("eur"), std::string::npos) << detail;
  }
}

TEST(ValidateStepTest, MissingSchemaIsAConfigErrorNamingTheFileAndPlace) {
  auto step = Build<Step>(ComponentKind::kStep, "validate: {schema: nowhere.json}", kEnv);
  ASSERT_FALSE(step.ok());
  std::string message(step.error().message());
  EXPECT_NE(message.find("test.yaml:1:20: flows.test.component.schema:"), std::string::npos)
      << message;
  EXPECT_NE(message.find("nowhere.json"), std::string::npos) << message;
}

TEST(ValidateStepTest, BrokenSchemaIsAConfigErrorNamingTheKeyword) {
  auto step = Build<Step>(ComponentKind::kStep, "validate: {schema: broken.schema.json}", kEnv);
  ASSERT_FALSE(step.ok());
  std::string message(step.error().message());
  EXPECT_NE(message.find("broken.schema.json"), std::string::npos) << message;
  EXPECT_NE(message.find("unevaluatedProperties"), std::string::npos) << message;
}

}  // namespace
}  // namespace erphub::components
