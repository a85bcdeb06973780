#include "core/clock.h"

#include <gtest/gtest.h>

#include "core/random.h"

namespace erphub {
namespace {

TEST(ClockTest, FormatsUtcWithMicroseconds) {
  EXPECT_EQ(FormatUtc(FromUnixMicros(0)), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatUtc(FromUnixMicros(1714557600123456)), "2024-05-01T10:00:00.123456Z");
  EXPECT_EQ(FormatUtc(FromUnixMicros(951782400000001)), "2000-02-29T00:00:00.000001Z");
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock;
  EXPECT_EQ(FormatUtc(clock.Now()), "2024-01-01T00:00:00.000000Z");
  Timestamp start = clock.Now();
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(std::chrono::seconds(90));
  EXPECT_EQ(clock.Now() - start, std::chrono::seconds(90));
  clock.Set(FromUnixMicros(5));
  EXPECT_EQ(ToUnixMicros(clock.Now()), 5);
}

TEST(ClockTest, SystemClockIsRecent) {
  // After 2024-01-01, before 2100.
  int64_t now = ToUnixMicros(SystemClock::Default().Now());
  EXPECT_GT(now, 1704067200000000);
  EXPECT_LT(now, 4102444800000000);
}

TEST(RandomTest, SeededIsReproducible) {
  SeededRandom a(42);
  SeededRandom b(42);
  SeededRandom c(43);
  uint64_t first = a.NextU64();
  EXPECT_EQ(first, b.NextU64());
  EXPECT_NE(first, c.NextU64());
  EXPECT_NE(first, a.NextU64());
}

}  // namespace
}  // namespace erphub
