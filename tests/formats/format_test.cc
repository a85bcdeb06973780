#include "formats/format.h"

#include <gtest/gtest.h>

namespace erphub::formats {
namespace {

TEST(FormatTest, NamesRoundTrip) {
  for (auto format : {Format::kJson, Format::kNdjson, Format::kCsv, Format::kXml, Format::kX12,
                      Format::kEdifact}) {
    EXPECT_EQ(FormatFromName(FormatName(format)), format);
  }
}

TEST(FormatTest, UnknownNameIsRejected) {
  EXPECT_EQ(FormatFromName("XML"), std::nullopt);
  EXPECT_EQ(FormatFromName(""), std::nullopt);
}

TEST(FormatTest, InterchangesAreDetectedByTheirFirstSegment) {
  EXPECT_EQ(DetectInterchange("ISA*00*"), Format::kX12);
  EXPECT_EQ(DetectInterchange("\xEF\xBB\xBF\r\n  ISA*00*"), Format::kX12);
  EXPECT_EQ(DetectInterchange("\xC9\xE2\xC1\x5C\xF0\xF0"), Format::kX12);  // "ISA*00" in EBCDIC
  EXPECT_EQ(DetectInterchange("UNA:+.? '"), Format::kEdifact);
  EXPECT_EQ(DetectInterchange("\nUNB+UNOC:3"), Format::kEdifact);
  EXPECT_EQ(DetectInterchange("FSA*00*"), std::nullopt);
  EXPECT_EQ(DetectInterchange("id,qty\n"), std::nullopt);
  EXPECT_EQ(DetectInterchange(" \n"), std::nullopt);
  EXPECT_EQ(DetectInterchange(""), std::nullopt);
}

}  // namespace
}  // namespace erphub::formats
