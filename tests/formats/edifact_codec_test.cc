#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "edifact_test_support.h"
#include "formats/codec.h"

namespace erphub::formats {
namespace {

TEST(EdifactCodecTest, DispatchesToTheEdifactCodec) {
  std::string bytes =
      edifact::testing::ReadBytes(edifact::testing::RepoCorpusDir() / "ORDERS_erphub_d96a.edi");
  auto document = ParseDocument(Format::kEdifact, bytes, CodecOptions{});
  ASSERT_TRUE(document.ok()) << document.status().ToString();
  auto rendered = RenderDocument(Format::kEdifact, *document, CodecOptions{});
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  EXPECT_EQ(*rendered, bytes);
}

TEST(EdifactCodecTest, LenientFaultsAreReportedWithTheirPlace) {
  std::string bytes = edifact::testing::ReadBytes(edifact::testing::RepoCorpusDir() /
                                                  "ORDERS_erphub_malformed-unt-count.edi");
  EXPECT_FALSE(ParseDocument(Format::kEdifact, bytes, CodecOptions{}).ok());
  std::vector<Status> reported;
  CodecOptions options;
  options.lenient = true;
  options.report = [&reported](const Status& status) { reported.push_back(status); };
  ASSERT_TRUE(ParseDocument(Format::kEdifact, bytes, options).ok());
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].ToString(),
            "segment 21 (UNT), element 1, at byte 489: UNT01 is '19' but the message has 20 "
            "segments");
}

}  // namespace
}  // namespace erphub::formats
