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

}  // namespace
}  // namespace erphub::formats
