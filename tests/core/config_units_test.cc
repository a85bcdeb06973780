#include "core/config_units.h"

#include <gtest/gtest.h>

namespace erphub {
namespace {

using std::chrono::milliseconds;

TEST(ParseDurationTest, ReadsUnitsAndCompounds) {
  EXPECT_EQ(*ParseDuration("30s"), milliseconds(30'000));
  EXPECT_EQ(*ParseDuration("5m"), milliseconds(300'000));
  EXPECT_EQ(*ParseDuration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(*ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*ParseDuration("1.5s"), milliseconds(1'500));
  EXPECT_EQ(*ParseDuration("2d"), milliseconds(172'800'000));
  EXPECT_EQ(*ParseDuration("0"), milliseconds(0));
}

TEST(ParseDurationTest, RejectsWhatIsNotADuration) {
  for (const char* text : {"", "30", "s", "5 m", "-1s", "1.5ms", "3w", "1h-", ".s", "1.s"}) {
    EXPECT_FALSE(ParseDuration(text).ok()) << text;
  }
  EXPECT_FALSE(ParseDuration("99999999999999999999d").ok());
}

TEST(FormatDurationTest, WritesTheShortestReadableForm) {
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(5'400'000)), "1h30m");
  EXPECT_EQ(FormatDuration(milliseconds(1'500)), "1s500ms");
  EXPECT_EQ(*ParseDuration(FormatDuration(milliseconds(90'061'001))), milliseconds(90'061'001));
}

TEST(ParseByteSizeTest, DecimalAndBinaryUnits) {
  EXPECT_EQ(*ParseByteSize("100"), 100u);
  EXPECT_EQ(*ParseByteSize("1MB"), 1'000'000u);
  EXPECT_EQ(*ParseByteSize("1mb"), 1'000'000u);
  EXPECT_EQ(*ParseByteSize("512KiB"), 524'288u);
  EXPECT_EQ(*ParseByteSize("1.5MB"), 1'500'000u);
  EXPECT_EQ(*ParseByteSize("2 GiB"), uint64_t{2} << 30);
  EXPECT_FALSE(ParseByteSize("1.5B").ok());
  EXPECT_FALSE(ParseByteSize("MB").ok());
  EXPECT_FALSE(ParseByteSize("1XB").ok());
  EXPECT_FALSE(ParseByteSize("-1MB").ok());
}

TEST(FormatByteSizeTest, UsesTheLargestExactUnit) {
  EXPECT_EQ(FormatByteSize(1'000'000), "1MB");
  EXPECT_EQ(FormatByteSize(1 << 20), "1MiB");
  EXPECT_EQ(FormatByteSize(1'500'000), "1500KB");
  EXPECT_EQ(FormatByteSize(17), "17B");
}

}  // namespace
}  // namespace erphub
