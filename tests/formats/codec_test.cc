#include "formats/codec.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace erphub::formats {
namespace {

TEST(CodecTest, DispatchesEachFormat) {
  CodecOptions options;
  auto csv = ParseDocument(Format::kCsv, "a\n1\n", options);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(ToJson(*csv), R"([{"a":"1"}])");
  auto xml = ParseDocument(Format::kXml, "<a>1</a>", options);
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(ToJson(*xml), R"({"a":"1"})");
  auto ndjson = ParseDocument(Format::kNdjson, "{\"a\":1}\n\n[2]\n", options);
  ASSERT_TRUE(ndjson.ok());
  EXPECT_EQ(ToJson(*ndjson), R"([{"a":1},[2]])");
  auto rendered = RenderDocument(Format::kNdjson, *ndjson, options);
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(*rendered, "{\"a\":1}\n[2]\n");
  auto json = ParseDocument(Format::kJson, "{\"a\": [1]}", options);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(ToJson(*json), R"({"a":[1]})");
}

TEST(CodecTest, NdjsonErrorsNameTheLine) {
  auto parsed = ParseDocument(Format::kNdjson, "{}\n{\n", {});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().context().substr(0, 8), "line 2: ");
}

TEST(CodecTest, LenientCsvQuarantinesAndReports) {
  CodecOptions options;
  options.lenient = true;
  int reported = 0;
  options.report = [&](const Status&) { ++reported; };
  auto csv = ParseDocument(Format::kCsv, "a,b\n1\n\"2,3\n", options);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(ToJson(*csv), R"([{"a":"1"}])");
  EXPECT_EQ(reported, 1);
  EXPECT_FALSE(ParseDocument(Format::kCsv, "a,b\n1\n", {}).ok());
}

}  // namespace
}  // namespace erphub::formats
