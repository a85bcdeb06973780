#include "systems/tryton/values.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "json_literal.h"

namespace erphub::tryton {
namespace {

using ::erphub::testing::Json;
TEST(TrytonValues, DecimalsDecodeToExactNumbersWhateverTheirScale) {
  auto decoded = Decode(Json(R"({"a":{"__class__":"Decimal","decimal":"10.0000"},
                                 "b":{"__class__":"Decimal","decimal":"0.10"},
                                 "c":{"__class__":"Decimal","decimal":"-33.33"}})"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_TRUE(decoded->Get("a").as_number().is_exact());
  EXPECT_EQ(decoded->Get("a").as_number(), Number::FromInt(10));
  EXPECT_EQ(decoded->Get("b").as_number(), Number::Exact(1, -1));
  EXPECT_EQ(decoded->Get("c").as_number(), Number::Exact(-3333, -2));
  // 0.1 + 0.2 stays 0.3 exactly once decoded.
  Number sum = decoded->Get("b").as_number() + Number::Exact(2, -1);
  EXPECT_EQ(sum.ToString(), "0.3");
}

TEST(TrytonValues, DatesAndTimesDecodeToIsoText) {
  auto decoded = Decode(Json(R"([{"__class__":"date","year":2026,"month":1,"day":5},
      {"__class__":"datetime","year":2026,"month":11,"day":26,"hour":16,"minute":3,
       "second":31,"microsecond":974612},
      {"__class__":"datetime","year":2026,"month":11,"day":26,"hour":0,"minute":0,"second":0,
       "microsecond":0},
      {"__class__":"time","hour":7,"minute":8,"second":9},
      {"__class__":"timedelta","seconds":3600.5},
      {"__class__":"bytes","base64":"aGk="}])"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ((*decoded)[0].as_string(), "2026-01-05");
  EXPECT_EQ((*decoded)[1].as_string(), "2026-11-26T16:03:31.974612Z");
  EXPECT_EQ((*decoded)[2].as_string(), "2026-11-26T00:00:00Z");
  EXPECT_EQ((*decoded)[3].as_string(), "07:08:09");
  EXPECT_EQ((*decoded)[4].as_number(), Number::Exact(36005, -1));
  EXPECT_EQ((*decoded)[5].as_string(), "aGk=");
}

TEST(TrytonValues, NestedRecordsAndPlainValuesPassThrough) {
  auto decoded = Decode(Json(R"({"id":4,"name":"ACME","lines":[1,2],"party.":{"id":4,
      "total":{"__class__":"Decimal","decimal":"32.45"}},"note":null})"));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(ToJson(*decoded),
            R"({"id":4,"name":"ACME","lines":[1,2],"party.":{"id":4,"total":32.45},"note":null})");
}

TEST(TrytonValues, MalformedTagsAreParseErrors) {
  EXPECT_EQ(Decode(Json(R"({"__class__":"Decimal","decimal":"abc"})")).error().code(),
            StatusCode::kParse);
  EXPECT_EQ(Decode(Json(R"({"__class__":"date","year":2026,"month":13,"day":1})")).error().code(),
            StatusCode::kParse);
  EXPECT_EQ(Decode(Json(R"({"__class__":"frozenset"})")).error().code(), StatusCode::kParse);
}

TEST(TrytonValues, DecimalsAreSentDigitForDigit) {
  auto price = DecimalFromText("19.90");
  ASSERT_TRUE(price.ok());
  EXPECT_EQ(ToJson(*price), R"({"__class__":"Decimal","decimal":"19.90"})");
  EXPECT_EQ(ToJson(DecimalValue(Number::Exact(3333, -2) * Number::FromInt(3))),
            R"({"__class__":"Decimal","decimal":"99.99"})");
  EXPECT_FALSE(DecimalFromText("1e5").ok());
  EXPECT_FALSE(DecimalFromText("").ok());
  EXPECT_FALSE(DecimalFromText("12.3.4").ok());
  EXPECT_FALSE(DecimalFromText("-").ok());
}

TEST(TrytonValues, DatesComeFromTheLocalDateOfADateTime) {
  auto date = DateFromIso("2026-03-31T23:30:00-05:00");
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(ToJson(*date), R"({"__class__":"date","year":2026,"month":3,"day":31})");
  EXPECT_TRUE(DateFromIso("2026-03-31").ok());
  EXPECT_FALSE(DateFromIso("2026-3-31").ok());
  EXPECT_FALSE(DateFromIso("2026-03-31 10:00").ok());
  EXPECT_FALSE(DateFromIso("2026-00-10").ok());
}

}  // namespace
}  // namespace erphub::tryton
