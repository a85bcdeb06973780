#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "mapping/clock_call_context.h"

namespace erphub::jsonata {
namespace {

// 2023-11-14T22:13:20Z, the evaluation's "now".
constexpr int64_t kNow = 1700000000000;
// 2018-03-23T10:33:36.617Z, a Friday.
constexpr int64_t kFriday = 1521801216617;

Value S(std::string_view text) { return Value::Str(text); }

class DateTimeFunctionsTest : public ::testing::Test {
 protected:
  // The result as text (strings unquoted), "undefined", or "error <code>".
  std::string Call(std::string_view name, std::initializer_list<Value> args) {
    auto result = CallBuiltin(DateTimeFunctions(), name, args, ctx_);
    if (!result.ok()) {
      last_error_ = result.error();
      return "error " + std::string(result.error().code());
    }
    if (result->is_undefined()) {
      return "undefined";
    }
    return result->is_string() ? std::string(result->as_string()) : ToJson(*result);
  }
  std::string FromMillis(int64_t millis, std::string_view picture) {
    return Call("fromMillis", {Value::Int(millis), S(picture)});
  }
  std::string FromMillis(int64_t millis, const Value& picture, std::string_view zone) {
    return Call("fromMillis", {Value::Int(millis), picture, S(zone)});
  }
  std::string ToMillis(std::string_view text, std::string_view picture) {
    return Call("toMillis", {S(text), S(picture)});
  }

  FakeCallContext ctx_{kNow};
  std::optional<Error> last_error_;
};

TEST_F(DateTimeFunctionsTest, NowAndMillisUseTheEvaluationClock) {
  EXPECT_EQ(Call("millis", {}), "1700000000000");
  EXPECT_EQ(Call("now", {}), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(Call("now", {S("[Y0001]-[M01]-[D01]")}), "2023-11-14");
  EXPECT_EQ(Call("now", {Value(), S("+0100")}), "2023-11-14T23:13:20.000+01:00");
}

TEST_F(DateTimeFunctionsTest, FromMillisDefaultsToIso8601InUtc) {
  EXPECT_EQ(Call("fromMillis", {Value::Int(1)}), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(Call("fromMillis", {Value::Int(-1)}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(Call("fromMillis", {Value::Int(1509380732935)}), "2017-10-30T16:25:32.935Z");
  EXPECT_EQ(Call("fromMillis", {Value()}), "undefined");
  EXPECT_EQ(Call("fromMillis", {Value::Double(9e15)}), "error D1001");
}

TEST_F(DateTimeFunctionsTest, FromMillisPictures) {
  EXPECT_EQ(FromMillis(kFriday, "[Y0001]-[M01]-[D01]"), "2018-03-23");
  EXPECT_EQ(FromMillis(kFriday, "[[Year]]: [[[Y0001]]]"), "[Year]: [2018]");
  EXPECT_EQ(FromMillis(kFriday, "Year: <[Y9,999,*]>"), "Year: <2,018>");
  EXPECT_EQ(FromMillis(kFriday, "[D#1,2]/[M1,2]/[Y,2]"), "23/03/18");
  EXPECT_EQ(FromMillis(kFriday, "[Y]-[ M01]-[D 01]T[H01 ]:[ m   ]:[s].[f0  01][Z01:\n 01t]"),
            "2018-03-23T10:33:36.617Z");
  EXPECT_EQ(FromMillis(kFriday, "[FNn,3-3], [D1o] [MNn,3-3] [Y] [C]"), "Fri, 23rd Mar 2018 ISO");
  EXPECT_EQ(FromMillis(kFriday, "[FNn], the [Dwo] of [MNn] [Y] [E]"),
            "Friday, the twenty-third of March 2018 ISO");
  EXPECT_EQ(FromMillis(kFriday, "[D1] [M01] [YI]"), "23 03 MMXVIII");
  EXPECT_EQ(FromMillis(kFriday, "[h]:[m]:[s] [PN]"), "10:33:36 AM");
  EXPECT_EQ(FromMillis(1204405500000, "[F], [D]/[M]/[Y] [h]:[m]:[s] [P]"),
            "saturday, 1/3/2008 9:05:00 pm");
  EXPECT_EQ(FromMillis(1483185600000, "[d] days in [Y0001]"), "366 days in 2016");
}

TEST_F(DateTimeFunctionsTest, FromMillisWeekNumbers) {
  EXPECT_EQ(FromMillis(1451736000000, "Week: [W]"), "Week: 53");  // 2016-01-02
  EXPECT_EQ(FromMillis(1419854400000, "Week: [W]"), "Week: 1");   // 2014-12-29
  EXPECT_EQ(FromMillis(1483272000000, "Week: [w] of [xNn]"), "Week: 5 of December");
  // 2005-01-01 is Saturday of ISO week 53 of 2004.
  EXPECT_EQ(FromMillis(1104537600000, "[X0001]-W[W01]-[F1]"), "2004-W53-6");
  EXPECT_EQ(FromMillis(1230681600000, "[X0001]-W[W01]-[F1]"), "2009-W01-3");  // 2008-12-31
}

TEST_F(DateTimeFunctionsTest, FromMillisTimeZones) {
  const int64_t noon = 1531310400000;  // 2018-07-11T12:00:00Z
  EXPECT_EQ(FromMillis(noon, S("[H01]:[m][Z]"), "-0500"), "07:00-05:00");
  EXPECT_EQ(FromMillis(noon, S("[H01]:[m][Z0]"), "+0530"), "17:30+5:30");
  EXPECT_EQ(FromMillis(noon, S("[H01]:[m][z]"), "-0500"), "07:00GMT-05:00");
  EXPECT_EQ(FromMillis(noon, S("[H01]:[m][Z0101t]"), "+0100"), "13:00+0100");
  EXPECT_EQ(FromMillis(noon, S("[H01]:[m][Z01:01t]"), "0000"), "12:00Z");
  EXPECT_EQ(FromMillis(noon, Value(), "-0500"), "2018-07-11T07:00:00.000-05:00");
  // Written with a colon, and a negative offset with minutes, both read correctly.
  EXPECT_EQ(FromMillis(noon, Value(), "-05:00"), "2018-07-11T07:00:00.000-05:00");
  EXPECT_EQ(FromMillis(noon, Value(), "-03:30"), "2018-07-11T08:30:00.000-03:30");
  EXPECT_EQ(FromMillis(noon, Value(), "EST"), "error D3111");
}

TEST_F(DateTimeFunctionsTest, FromMillisPictureErrors) {
  EXPECT_EQ(FromMillis(kFriday, "[YN]-[M]-[D]"), "error D3133");
  EXPECT_EQ(FromMillis(kFriday, "[YN]-[M"), "error D3135");
  EXPECT_EQ(FromMillis(kFriday, "[Q]"), "error D3132");
  EXPECT_EQ(FromMillis(kFriday, "[Z010101t]"), "error D3134");
  EXPECT_EQ(last_error_->position(), 7);
}

TEST_F(DateTimeFunctionsTest, ToMillisReadsIso8601) {
  EXPECT_EQ(Call("toMillis", {S("2018-10-21T13:05:00Z")}), "1540127100000");
  EXPECT_EQ(Call("toMillis", {S("2018-10-21T13:05:00.123Z")}), "1540127100123");
  EXPECT_EQ(Call("toMillis", {S("2018-10-21T14:05:00+01:00")}), "1540127100000");
  EXPECT_EQ(Call("toMillis", {S("2018-10-21T14:05:00+0100")}), "1540127100000");
  EXPECT_EQ(Call("toMillis", {S("2018-10-21T08:05:00-05:00")}), "1540127100000");
  EXPECT_EQ(Call("toMillis", {S("2018-10-21")}), "1540080000000");
  EXPECT_EQ(Call("toMillis", {S("1970")}), "0");
  EXPECT_EQ(Call("toMillis", {Value()}), "undefined");
  EXPECT_EQ(Call("toMillis", {S("21/10/2018")}), "error D3110");
  EXPECT_EQ(Call("toMillis", {S("2018-13-01")}), "error D3110");
  EXPECT_TRUE(DeepEqual(last_error_->info().value, S("2018-13-01")));
}

TEST_F(DateTimeFunctionsTest, ToMillisWithPicture) {
  EXPECT_EQ(ToMillis("2018-10-21", "[Y]-[M]-[D]"), "1540080000000");
  EXPECT_EQ(ToMillis("20181021", "[Y0001][M01][D01]"), "1540080000000");
  EXPECT_EQ(ToMillis("21 October 2018", "[D1] [MNn] [Y0001]"), "1540080000000");
  EXPECT_EQ(ToMillis("Sunday, 21st October 2018 1:05 pm", "[FNn], [D1o] [MNn] [Y] [h]:[m] [P]"),
            "1540127100000");
  EXPECT_EQ(ToMillis("2018-10-21T14:05:00+01:00", "[Y]-[M]-[D]T[H]:[m]:[s][Z]"), "1540127100000");
  EXPECT_EQ(ToMillis("2018-10-21 08:05 GMT-05:00", "[Y]-[M]-[D] [H]:[m] [z]"), "1540127100000");
  EXPECT_EQ(ToMillis("the twenty-first of march, MMXVIII", "the [Dwo] of [Mn], [YI]"),
            "1521590400000");
  // Day of the year.
  EXPECT_EQ(ToMillis("2023-060", "[Y]-[d001]"), "1677628800000");
}

TEST_F(DateTimeFunctionsTest, ToMillisFillsMissingComponents) {
  // Leading components come from now (2023-11-14), trailing ones from the start of their range.
  EXPECT_EQ(ToMillis("09:30", "[H]:[m]"), "1699954200000");
  EXPECT_EQ(ToMillis("2023", "[Y]"), "1672531200000");
  // A gap between given components cannot be filled.
  EXPECT_EQ(ToMillis("2023-14", "[Y]-[D]"), "error D3136");
  EXPECT_EQ(ToMillis("2023-W05-1", "[X]-W[W01]-[F1]"), "error D3136");
}

TEST_F(DateTimeFunctionsTest, ToMillisWithoutMatchIsUndefined) {
  EXPECT_EQ(ToMillis("2018/10/21", "[Y]-[M]-[D]"), "undefined");
  EXPECT_EQ(ToMillis("Hello", "Hello"), "undefined");
}

TEST_F(DateTimeFunctionsTest, ToMillisAndFromMillisRoundTrip) {
  const char* picture = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";
  std::string millis = ToMillis("2024-02-29T23:59:59.999+05:30", picture);
  ASSERT_NE(millis.rfind("error", 0), 0u) << millis;
  EXPECT_EQ(FromMillis(std::stoll(millis), S(picture), "+05:30"), "2024-02-29T23:59:59.999+05:30");
}

}  // namespace
}  // namespace erphub::jsonata
