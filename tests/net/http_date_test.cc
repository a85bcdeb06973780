#include "net/http_date.h"

#include <gtest/gtest.h>

namespace erphub::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

// 1994-11-06T08:49:37Z, the example date of RFC 9110.
const system_clock::time_point kExample = system_clock::time_point(seconds(784111777));

TEST(HttpDateTest, ParsesAllThreeForms) {
  for (const char* text : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                           "Sun Nov  6 08:49:37 1994", "  Sun, 06 Nov 1994 08:49:37 GMT "}) {
    Result<system_clock::time_point> parsed = ParseHttpDate(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, kExample) << text;
  }
}

TEST(HttpDateTest, RejectsMalformedDates) {
  for (const char* text : {"", "yesterday", "Sun, 06 Nov 1994 08:49:37",
                           "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 31 Feb 2024 08:49:37 GMT",
                           "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                           "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 9999 08:49:37 GMT"}) {
    Result<system_clock::time_point> parsed = ParseHttpDate(text);
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kParse);
    }
  }
}

TEST(HttpDateTest, FormatsImfFixdate) {
  EXPECT_EQ(FormatHttpDate(kExample + milliseconds(999)), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatHttpDate(system_clock::time_point(seconds(0))), "Thu, 01 Jan 1970 00:00:00 GMT");
  system_clock::time_point leap_day = system_clock::time_point(seconds(1709164800));
  EXPECT_EQ(FormatHttpDate(leap_day), "Thu, 29 Feb 2024 00:00:00 GMT");
  Result<system_clock::time_point> back = ParseHttpDate(FormatHttpDate(leap_day));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, leap_day);
}

TEST(RetryAfterTest, DeltaSeconds) {
  EXPECT_EQ(*ParseRetryAfter("120", kExample), seconds(120));
  EXPECT_EQ(*ParseRetryAfter(" 0 ", kExample), seconds(0));
  EXPECT_EQ(*ParseRetryAfter("99999999999999999999", kExample), kMaxRetryAfter);
}

TEST(RetryAfterTest, HttpDateCountsFromNow) {
  Result<milliseconds> delay = ParseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", kExample);
  ASSERT_TRUE(delay.ok());
  EXPECT_EQ(*delay, seconds(30));
  EXPECT_EQ(*ParseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", kExample + milliseconds(250)),
            milliseconds(29750));
  EXPECT_EQ(*ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", kExample), milliseconds(0));
}

TEST(RetryAfterTest, RejectsOtherValues) {
  for (const char* text : {"", "-5", "1.5", "soon", "12 s"}) {
    Result<milliseconds> delay = ParseRetryAfter(text, kExample);
    EXPECT_FALSE(delay.ok()) << text;
    if (!delay.ok()) {
      EXPECT_EQ(delay.status().code(), StatusCode::kParse);
    }
  }
}

}  // namespace
}  // namespace erphub::net
