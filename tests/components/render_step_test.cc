#include "components/steps/render_step.h"

#include <gtest/gtest.h>

#include <string>

#include "component_harness.h"
#include "components/steps/parse_step.h"
#include "core/json.h"

namespace erphub::components {
namespace {

using testing::Build;
using testing::TestMessage;

std::unique_ptr<Step> MakeStep(const std::string& yaml) {
  auto step = Build<Step>(ComponentKind::kStep, yaml);
  EXPECT_TRUE(step.ok()) << step.error().ToString();
  return step.ok() ? std::move(*step) : nullptr;
}

Result<Value, Failure> Apply(const Step& step, const Value& payload) {
  return step.Process(TestMessage(payload), payload);
}

TEST(RenderStepTest, RowsBecomeARenderedCsvDocument) {
  auto step = MakeStep("render: {format: csv, delimiter: tab}");
  ASSERT_NE(step, nullptr);
  auto result = Apply(*step, *ParseJson(R"([{"sku":"A","qty":2},{"sku":"B\tC","qty":3}])"));
  ASSERT_TRUE(result.ok()) << result.error().error;
  EXPECT_EQ(ToJson(*result), R"({"content":"sku\tqty\nA\t2\n\"B\tC\"\t3\n","format":"csv"})");
}

TEST(RenderStepTest, XmlRoundTripsThroughParse) {
  auto render = MakeStep("render: {format: xml, indent: 0}");
  auto parse = MakeStep("parse: {format: xml}");
  ASSERT_NE(render, nullptr);
  ASSERT_NE(parse, nullptr);
  Value order = *ParseJson(R"({"Order":{"@id":"7","Line":[{"Sku":"A"},{"Sku":"B"}]}})");
  auto rendered = Apply(*render, order);
  ASSERT_TRUE(rendered.ok()) << rendered.error().error;
  EXPECT_EQ(rendered->Get("format").as_string(), "xml");
  EXPECT_NE(rendered->Get("content").as_string().find("<Order id=\"7\"><Line><Sku>A</Sku>"),
            std::string::npos)
      << rendered->Get("content").as_string();
  auto parsed = Apply(*parse, *rendered);
  ASSERT_TRUE(parsed.ok()) << parsed.error().error;
  EXPECT_EQ(ToJson(*parsed), ToJson(order));
}

TEST(RenderStepTest, PayloadWithoutTheShapeGoesToQuarantine) {
  auto step = MakeStep("render: {format: csv}");
  ASSERT_NE(step, nullptr);
  auto result = Apply(*step, *ParseJson(R"({"not": "rows"})"));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().quarantine);
  EXPECT_NE(result.error().error.find("render csv:"), std::string::npos) << result.error().error;
}

}  // namespace
}  // namespace erphub::components
