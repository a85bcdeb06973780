#include "core/number.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>

namespace erphub {
namespace {

Number P(std::string_view text) {
  std::optional<Number> n = Number::Parse(text);
  EXPECT_TRUE(n.has_value()) << text;
  return n.value_or(Number());
}

std::string JsString(double d) { return Number::FromDouble(d).ToString(); }

TEST(NumberTest, StaysSmall) { EXPECT_LE(sizeof(Number), 16u); }

TEST(NumberTest, ThousandDimesSumToExactlyOneHundred) {
  Number dime = P("0.10");
  Number sum;
  for (int i = 0; i < 1000; ++i) {
    sum = sum + dime;
  }
  EXPECT_TRUE(sum.is_exact());
  EXPECT_EQ(sum.coefficient(), 1);
  EXPECT_EQ(sum.exponent(), 2);
  EXPECT_EQ(sum.ToString(), "100");
  EXPECT_EQ(sum, Number::FromInt(100));
}

TEST(NumberTest, DecimalAdditionIsExact) {
  Number sum = P("0.1") + P("0.2");
  EXPECT_TRUE(sum.is_exact());
  EXPECT_EQ(sum, P("0.3"));
  EXPECT_EQ(sum.ToString(), "0.3");
  EXPECT_EQ((P("1.10") - P("0.1")).ToString(), "1");
  EXPECT_EQ((P("18.90") * P("3")).ToString(), "56.7");
  EXPECT_EQ((P("0.1") * P("0.1")).ToString(), "0.01");
  EXPECT_EQ((P("1e10") + P("0.000001")).ToString(), "10000000000.000001");
}

TEST(NumberTest, NormalizesTrailingZeros) {
  Number n = Number::Exact(18900, -3);
  EXPECT_EQ(n.coefficient(), 189);
  EXPECT_EQ(n.exponent(), -1);
  EXPECT_EQ(Number::Exact(0, 7).exponent(), 0);
  EXPECT_EQ(P("18.90").coefficient(), P("18.9").coefficient());
}

TEST(NumberTest, OverflowFallsBackToDouble) {
  Number max = Number::FromInt(std::numeric_limits<int64_t>::max());
  Number over = max + Number::FromInt(1);
  EXPECT_FALSE(over.is_exact());
  EXPECT_EQ(over.ToDouble(), 9223372036854775808.0);
  EXPECT_EQ(over.ToString(), "9223372036854776000");

  Number product = Number::FromInt(5000000000000000001) * Number::FromInt(3);
  EXPECT_FALSE(product.is_exact());
  EXPECT_EQ(product.ToDouble(), 15000000000000000003.0);

  // A wide result that normalizes back into range stays exact.
  Number wide = Number::FromInt(8000000000000000000) + Number::FromInt(2000000000000000000);
  EXPECT_TRUE(wide.is_exact());
  EXPECT_EQ(wide.ToString(), "10000000000000000000");

  // Alignment that would overflow: 1e30 + 0.01.
  Number far = P("1e30") + P("0.01");
  EXPECT_FALSE(far.is_exact());
  EXPECT_EQ(far.ToString(), "1e+30");
}

TEST(NumberTest, FormatsDoublesLikeJavaScript) {
  EXPECT_EQ(JsString(1e21), "1e+21");
  EXPECT_EQ(JsString(1e20 + 65536), "100000000000000070000");
  EXPECT_EQ(JsString(1.5e-7), "1.5e-7");
  EXPECT_EQ(JsString(1e-7), "1e-7");
  EXPECT_EQ(JsString(123.456), "123.456");
  EXPECT_EQ(JsString(0.000001), "0.000001");
  EXPECT_EQ(JsString(0.000001234), "0.000001234");
  EXPECT_EQ(JsString(5e-324), "5e-324");
  EXPECT_EQ(JsString(9.33262154439441e+155), "9.33262154439441e+155");
  EXPECT_EQ(JsString(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(JsString(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(JsString(2.0 / 3), "0.6666666666666666");
  EXPECT_EQ(JsString(DBL_MAX), "1.7976931348623157e+308");
  EXPECT_EQ(JsString(-1.5e300), "-1.5e+300");
  EXPECT_EQ(JsString(M_PI), "3.141592653589793");
  EXPECT_EQ(JsString(9007199254740992.0), "9007199254740992");
  EXPECT_EQ(JsString(1.2345678901234568e22), "1.2345678901234568e+22");
  EXPECT_EQ(JsString(-0.0), "0");
  EXPECT_EQ(JsString(0.5), "0.5");
  EXPECT_EQ(JsString(-123.25), "-123.25");
  EXPECT_EQ(JsString(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(JsString(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(JsString(std::nan("")), "NaN");
}

TEST(NumberTest, FormatsExactNumbersByTheSameNotation) {
  EXPECT_EQ(P("1e21").ToString(), "1e+21");
  EXPECT_EQ(P("1e20").ToString(), "100000000000000000000");
  EXPECT_EQ(P("1.5e-7").ToString(), "1.5e-7");
  EXPECT_EQ(P("0.000001").ToString(), "0.000001");
  EXPECT_EQ(P("-0.0000001").ToString(), "-1e-7");
  EXPECT_EQ(P("123456789012345678").ToString(), "123456789012345678");
  EXPECT_EQ(P("1.23456789012345678e30").ToString(), "1.23456789012345678e+30");
  EXPECT_EQ(P("-0").ToString(), "0");
  EXPECT_EQ(P("-12.50").ToString(), "-12.5");
  std::string out = "x=";
  P("4.35").AppendTo(out);
  EXPECT_EQ(out, "x=4.35");
}

TEST(NumberTest, ParseEdgeCases) {
  for (std::string_view bad : {"", "-", "+", "1.", ".5", "1e", "1e+", "abc", "1 ", " 1", "NaN",
                               "Infinity", "0x10", "1e400", "-1e400", "1.2.3", "--1", "1e5.5"}) {
    EXPECT_FALSE(Number::Parse(bad).has_value()) << bad;
  }
  EXPECT_EQ(P("+1").ToString(), "1");
  EXPECT_EQ(P("007").ToString(), "7");
  EXPECT_EQ(P("1E2").ToString(), "100");
  EXPECT_EQ(P("1e-400").ToString(), "0");
  EXPECT_TRUE(P("1.50000000000000000000000000").is_exact());
  EXPECT_EQ(P("1.50000000000000000000000000").coefficient(), 15);
  EXPECT_TRUE(P("0.000000000000000000000000123").is_exact());

  Number many = P("12345678901234567890123");
  EXPECT_FALSE(many.is_exact());
  EXPECT_EQ(many.ToDouble(), 12345678901234567890123.0);
  EXPECT_EQ(many.ToString(), "1.2345678901234568e+22");

  Number long_fraction = P("0.1000000000000000000000001");
  EXPECT_EQ(long_fraction.ToDouble(), 0.1);
  EXPECT_EQ(P("-123456789012345678901234567890e-40").ToDouble(),
            -123456789012345678901234567890e-40);
  EXPECT_EQ(P("5e-324").ToDouble(), 5e-324);
  EXPECT_EQ(P("5e-324").ToString(), "5e-324");
  EXPECT_EQ(P("1.7976931348623157e308").ToDouble(), DBL_MAX);
  EXPECT_EQ(P("2.2250738585072014e-308").ToDouble(), 2.2250738585072014e-308);
}

TEST(NumberTest, ToDoubleIsCorrectlyRounded) {
  EXPECT_EQ(P("0.1").ToDouble(), 0.1);
  EXPECT_EQ(P("123456789012345678").ToDouble(), 123456789012345678.0);
  EXPECT_EQ(P("9007199254740993").ToDouble(), 9007199254740992.0);
  EXPECT_EQ(P("1.23456789e-200").ToDouble(), 1.23456789e-200);
  EXPECT_EQ(P("8.98846567431158e307").ToDouble(), 8.98846567431158e307);
  EXPECT_EQ(P("3.14159265358979323").ToDouble(), 3.14159265358979323);
}

TEST(NumberTest, DivisionIsExactWhenTheQuotientTerminates) {
  Number quarter = Number::FromInt(1) / Number::FromInt(4);
  EXPECT_TRUE(quarter.is_exact());
  EXPECT_EQ(quarter.ToString(), "0.25");
  EXPECT_EQ((Number::FromInt(10) / Number::FromInt(5)).ToString(), "2");
  EXPECT_EQ((Number::FromInt(7) / Number::FromInt(-2)).ToString(), "-3.5");
  EXPECT_EQ((P("1.5") / P("0.03")).ToString(), "50");
  EXPECT_EQ((Number::FromInt(1) / Number::FromInt(1024)).ToString(), "0.0009765625");
  Number third = Number::FromInt(1) / Number::FromInt(3);
  EXPECT_FALSE(third.is_exact());
  EXPECT_EQ(third.ToString(), "0.3333333333333333");
  EXPECT_FALSE((Number::FromInt(1) / Number()).IsFinite());
  EXPECT_FALSE((Number() / Number()).IsFinite());
  EXPECT_EQ((Number() / Number::FromInt(7)).ToString(), "0");
}

TEST(NumberTest, ModuloFollowsTheDividend) {
  EXPECT_EQ((Number::FromInt(7) % Number::FromInt(3)).ToString(), "1");
  EXPECT_EQ((Number::FromInt(-7) % Number::FromInt(3)).ToString(), "-1");
  EXPECT_EQ((Number::FromInt(7) % Number::FromInt(-3)).ToString(), "1");
  EXPECT_EQ((P("7.5") % P("2")).ToString(), "1.5");
  EXPECT_EQ((P("5.5") % P("-2")).ToString(), "1.5");
  EXPECT_EQ((P("0.3") % P("0.1")).ToString(), "0");
  EXPECT_FALSE((Number::FromInt(1) % Number()).IsFinite());
  EXPECT_EQ((Number::FromDouble(5.5) % Number::FromDouble(2.0)).ToString(), "1.5");
}

TEST(NumberTest, ComparesExactlyAndAcrossRepresentations) {
  EXPECT_LT(Number::FromInt(99), Number::Exact(1, 2));
  EXPECT_LT(P("1.25"), P("1.5"));
  EXPECT_LT(P("-1.5"), P("-1.25"));
  EXPECT_LT(Number(), P("1e-300"));
  EXPECT_LT(P("-1e-300"), Number());
  EXPECT_LT(P("123456789012345678"), P("123456789012345679"));
  EXPECT_LT(P("1.23456789012345678"), P("1.23456789012345679"));
  EXPECT_LT(P("9.99"), P("10"));
  EXPECT_LT(P("-10"), P("-9.99"));
  EXPECT_EQ(Compare(P("2.50"), P("2.5")), 0);
  EXPECT_EQ(Number::FromDouble(0.1), P("0.1"));
  EXPECT_LT(P("0.1"), Number::FromDouble(0.1 + 0.2));
  EXPECT_LT(Number::FromDouble(1e300), Number::FromDouble(1e301));
  Number nan = Number::FromDouble(std::nan(""));
  EXPECT_EQ(Compare(nan, nan), 0);
  EXPECT_GT(Compare(nan, Number::FromDouble(std::numeric_limits<double>::infinity())), 0);
  EXPECT_LT(Compare(Number::FromInt(5), nan), 0);
}

TEST(NumberTest, RoundsHalfToEven) {
  EXPECT_EQ(P("2.5").RoundHalfEven(0).ToString(), "2");
  EXPECT_EQ(P("3.5").RoundHalfEven(0).ToString(), "4");
  EXPECT_EQ(P("-2.5").RoundHalfEven(0).ToString(), "-2");
  EXPECT_EQ(P("-0.5").RoundHalfEven(0).ToString(), "0");
  EXPECT_EQ(P("1.005").RoundHalfEven(2).ToString(), "1");
  EXPECT_EQ(P("2.675").RoundHalfEven(2).ToString(), "2.68");
  EXPECT_EQ(P("2.665").RoundHalfEven(2).ToString(), "2.66");
  EXPECT_EQ(P("2.6651").RoundHalfEven(2).ToString(), "2.67");
  EXPECT_EQ(P("123.456").RoundHalfEven(-1).ToString(), "120");
  EXPECT_EQ(P("125").RoundHalfEven(-1).ToString(), "120");
  EXPECT_EQ(P("135").RoundHalfEven(-1).ToString(), "140");
  EXPECT_EQ(P("12.3").RoundHalfEven(5).ToString(), "12.3");
  EXPECT_EQ(P("4.9e-30").RoundHalfEven(2).ToString(), "0");
  EXPECT_EQ(P("9223372036854775.807").RoundHalfEven(2).ToString(), "9223372036854775.81");
  EXPECT_TRUE(P("3.14159").RoundHalfEven(2).is_exact());
}

TEST(NumberTest, RoundsDoublesLikeTheReference) {
  EXPECT_EQ(Number::FromDouble(2.5).RoundHalfEven(0).ToString(), "2");
  EXPECT_EQ(Number::FromDouble(-2.5).RoundHalfEven(0).ToString(), "-2");
  EXPECT_EQ(Number::FromDouble(-1.5).RoundHalfEven(0).ToString(), "-2");
  EXPECT_EQ(Number::FromDouble(0.1 + 0.2).RoundHalfEven(2).ToString(), "0.3");
  EXPECT_EQ(Number::FromDouble(1.0 / 3).RoundHalfEven(5).ToString(), "0.33333");
  // The double 2.675 is below 2.675, but the reference shifts in decimal text.
  EXPECT_EQ(Number::FromDouble(2.675).RoundHalfEven(2).ToString(), "2.68");
  EXPECT_EQ(Number::FromDouble(1.005).RoundHalfEven(2).ToString(), "1");
  EXPECT_EQ(Number::FromDouble(-0.4).RoundHalfEven(0).ToString(), "0");
  EXPECT_EQ(Number::FromDouble(1e300).RoundHalfEven(2).ToString(), "1e+300");
  EXPECT_EQ(Number::FromDouble(12345.6789).RoundHalfEven(-2).ToString(), "12300");
  EXPECT_EQ(Number::FromDouble(1.5e-10).RoundHalfEven(10).ToString(), "2e-10");
}

TEST(NumberTest, FloorCeilAbs) {
  EXPECT_EQ(P("-1.5").Floor().ToString(), "-2");
  EXPECT_EQ(P("-1.5").Ceil().ToString(), "-1");
  EXPECT_EQ(P("1.5").Floor().ToString(), "1");
  EXPECT_EQ(P("1.5").Ceil().ToString(), "2");
  EXPECT_EQ(P("1e-20").Ceil().ToString(), "1");
  EXPECT_EQ(P("-1e-20").Floor().ToString(), "-1");
  EXPECT_EQ(P("1e-20").Floor().ToString(), "0");
  EXPECT_EQ(P("1e5").Floor().ToString(), "100000");
  EXPECT_EQ(P("-3.25").Abs().ToString(), "3.25");
  EXPECT_EQ(Number::FromDouble(-0.1 - 0.2).Abs().ToString(), "0.30000000000000004");
  EXPECT_TRUE(Number::FromDouble(2.7).Floor().is_exact());
}

TEST(NumberTest, IntegerQueries) {
  EXPECT_TRUE(P("1e20").IsInteger());
  EXPECT_FALSE(P("1.5").IsInteger());
  EXPECT_TRUE(Number::FromDouble(1e300).IsInteger());
  EXPECT_EQ(P("1e18").ToInt64(), 1000000000000000000);
  EXPECT_FALSE(P("1e19").ToInt64().has_value());
  EXPECT_FALSE(P("1.5").ToInt64().has_value());
  EXPECT_EQ(Number::FromDouble(std::ldexp(1.0, 60)).ToInt64(), int64_t{1} << 60);
  EXPECT_FALSE(Number::FromDouble(std::ldexp(1.0, 63)).ToInt64().has_value());
  EXPECT_TRUE(Number::FromDouble(3.0).is_exact());
  EXPECT_FALSE(Number::FromDouble(-0.0).is_exact());
  EXPECT_TRUE(P("-0.5").IsNegative());
  EXPECT_TRUE(Number().IsZero());
  EXPECT_FALSE(Number::FromDouble(std::numeric_limits<double>::infinity()).IsFinite());
  EXPECT_EQ((-P("2.5")).ToString(), "-2.5");
  EXPECT_EQ(Number::FromInt(std::numeric_limits<int64_t>::min()).ToDouble(),
            -9223372036854775808.0);
}

TEST(NumberTest, CompareAgreesWithExactSubtractionAndDoubles) {
  std::mt19937_64 rng(12345);
  auto random_number = [&] {
    int64_t coefficient = static_cast<int64_t>(rng() % 2000000000000000000) - 1000000000000000000;
    coefficient /= static_cast<int64_t>(1) << (rng() % 60);
    int32_t exponent = static_cast<int32_t>(rng() % 40) - 20;
    return Number::Exact(coefficient, exponent);
  };
  for (int i = 0; i < 20000; ++i) {
    Number a = random_number();
    Number b = rng() % 4 == 0 ? a + Number::Exact(1, static_cast<int32_t>(rng() % 30) - 25)
                              : random_number();
    int order = Compare(a, b);
    ASSERT_EQ(order, -Compare(b, a));
    Number difference = a - b;
    if (difference.is_exact()) {
      int sign = difference.IsZero() ? 0 : (difference.IsNegative() ? -1 : 1);
      ASSERT_EQ(order, sign) << a.ToString() << " vs " << b.ToString();
    }
    if (a.ToDouble() < b.ToDouble()) {
      ASSERT_LT(order, 0) << a.ToString() << " vs " << b.ToString();
    }
    // Text round trip keeps the value exactly.
    ASSERT_EQ(Compare(P(a.ToString()), a), 0) << a.ToString();
    ASSERT_EQ(P(a.ToString()).coefficient(), a.coefficient());
  }
}

}  // namespace
}  // namespace erphub
