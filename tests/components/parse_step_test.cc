#include "components/steps/parse_step.h"

#include <gtest/gtest.h>

#include <string>

#include "component_harness.h"
#include "core/json.h"

namespace erphub::components {
namespace {

using testing::Build;
using testing::TestMessage;

std::unique_ptr<Step> MakeParse(const std::string& fields) {
  auto step = Build<Step>(ComponentKind::kStep, "parse: {" + fields + "}");
  EXPECT_TRUE(step.ok()) << step.error().ToString();
  return step.ok() ? std::move(*step) : nullptr;
}

Result<Value, Failure> Apply(const Step& step, const Value& payload) {
  return step.Process(TestMessage(payload), payload);
}

TEST(ParseStepTest, CsvTextPayloadBecomesRows) {
  auto step = MakeParse("format: csv, delimiter: ';', columns: [{name: qty, type: integer}]");
  ASSERT_NE(step, nullptr);
  auto result = Apply(*step, Value::Str("sku;qty\nA;2\nB;3\n"));
  ASSERT_TRUE(result.ok()) << result.error().error;
  EXPECT_EQ(ToJson(*result), R"([{"sku":"A","qty":2},{"sku":"B","qty":3}])");
}

TEST(ParseStepTest, FieldIsReplacedByItsDocumentAndTheRestStays) {
  auto step = MakeParse("format: xml, field: body");
  ASSERT_NE(step, nullptr);
  Value payload = *ParseJson(R"({"id": 7, "body": "<a x=\"1\"><b>t</b></a>"})");
  auto result = Apply(*step, payload);
  ASSERT_TRUE(result.ok()) << result.error().error;
  EXPECT_EQ(ToJson(*result), R"({"id":7,"body":{"a":{"@x":"1","b":"t"}}})");
}

TEST(ParseStepTest, RenderedDocumentIsReadBack) {
  auto step = MakeParse("format: csv");
  ASSERT_NE(step, nullptr);
  Value payload = *ParseJson(R"({"content": "a,b\n1,2\n", "format": "csv"})");
  auto result = Apply(*step, payload);
  ASSERT_TRUE(result.ok()) << result.error().error;
  EXPECT_EQ(ToJson(*result), R"([{"a":"1","b":"2"}])");
}

TEST(ParseStepTest, MalformedDocumentGoesToQuarantineWithItsPlace) {
  auto step = MakeParse("format: csv");
  ASSERT_NE(step, nullptr);
  auto result = Apply(*step, Value::Str("a,b\n1,2\n3\n"));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().quarantine);
  EXPECT_FALSE(result.error().transient);
  EXPECT_NE(result.error().error.find("line 3"), std::string::npos) << result.error().error;
}

TEST(ParseStepTest, LenientCsvLeavesBadRowsOut) {
  auto step = MakeParse("format: csv, lenient: true");
  ASSERT_NE(step, nullptr);
  auto result = Apply(*step, Value::Str("a,b\n1,2\n\"3\"x,4\n5,6\n"));
  ASSERT_TRUE(result.ok()) << result.error().error;
  EXPECT_EQ(ToJson(*result), R"([{"a":"1","b":"2"},{"a":"5","b":"6"}])");
}

TEST(ParseStepTest, PayloadThatIsNotTextIsBadData) {
  auto step = MakeParse("format: xml, field: body");
  ASSERT_NE(step, nullptr);
  auto result = Apply(*step, *ParseJson(R"({"body": 5})"));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().quarantine);
  EXPECT_EQ(result.error().error, "parse: expected text in field body, found a number");
}

TEST(ParseStepTest, FormatIsRequiredAndDelimiterIsOneCharacter) {
  EXPECT_FALSE(Build<Step>(ComponentKind::kStep, "parse: {field: x}").ok());
  auto wide = Build<Step>(ComponentKind::kStep, "parse: {format: csv, delimiter: ';;'}");
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.error().message().find("delimiter: must be one character"), std::string::npos)
      << wide.error().ToString();
}

}  // namespace
}  // namespace erphub::components
