#include <gtest/gtest.h>

#include "core/json.h"
#include "mapping/fake_call_context.h"

namespace erphub::jsonata {
namespace {

using testing::CallBuiltin;
using testing::FakeCallContext;
using testing::Json;

class NumericFunctionsTest : public ::testing::Test {
 protected:
  std::string Call(std::string_view name, std::vector<Value> args) {
    JResult<Value> result = CallBuiltin(ctx_, name, std::move(args));
    if (!result.ok()) {
      return "error " + std::string(result.error().code());
    }
    last_ = *result;
    return result->is_undefined() ? "undefined" : ToJson(*result);
  }
  static Value S(std::string_view s) { return Value::Str(s); }
  static Value D(std::string_view text) { return Value::Num(*Number::Parse(text)); }
  static Value I(int64_t i) { return Value::Int(i); }

  FakeCallContext ctx_;
  Value last_;
};

TEST_F(NumericFunctionsTest, NumberCastsStringsAndBooleans) {
  EXPECT_EQ(Call("number", {S("-0.05")}), "-0.05");
  EXPECT_EQ(Call("number", {S("1.0e-2")}), "0.01");
  EXPECT_EQ(Call("number", {S("0123")}), "123");
  EXPECT_EQ(Call("number", {S("-007")}), "-7");
  EXPECT_EQ(Call("number", {S("000.00123000")}), "0.00123");
  EXPECT_EQ(Call("number", {S("0x12")}), "18");
  EXPECT_EQ(Call("number", {S("0B101")}), "5");
  EXPECT_EQ(Call("number", {S("0O12")}), "10");
  EXPECT_EQ(Call("number", {Value::Bool(true)}), "1");
  EXPECT_EQ(Call("number", {Value::Bool(false)}), "0");
  EXPECT_EQ(Call("number", {Value()}), "undefined");
}

TEST_F(NumericFunctionsTest, NumberRejectsOtherText) {
  for (const char* text : {"10e500", "Hello world", "1/2", "1234 hello", "", "[1]", "+5", "1.",
                           ".5", "0x", "0x1g", "-0x12", "1e"}) {
    EXPECT_EQ(Call("number", {S(text)}), "error D3030") << text;
  }
}

TEST_F(NumericFunctionsTest, NumberOfExactTextStaysExact) {
  EXPECT_EQ(Call("number", {S("18.90")}), "18.9");
  EXPECT_TRUE(last_.as_number().is_exact());
}

TEST_F(NumericFunctionsTest, AbsFloorCeil) {
  EXPECT_EQ(Call("abs", {D("-3.7")}), "3.7");
  EXPECT_EQ(Call("floor", {D("-3.7")}), "-4");
  EXPECT_EQ(Call("ceil", {D("-3.7")}), "-3");
  EXPECT_EQ(Call("ceil", {D("3.7")}), "4");
  EXPECT_EQ(Call("abs", {Value()}), "undefined");
}

TEST_F(NumericFunctionsTest, RoundHalfEven) {
  EXPECT_EQ(Call("round", {D("2.5")}), "2");
  EXPECT_EQ(Call("round", {D("3.5")}), "4");
  EXPECT_EQ(Call("round", {D("-0.5")}), "0");
  EXPECT_EQ(Call("round", {D("-7.5")}), "-8");
  EXPECT_EQ(Call("round", {D("4.525"), I(2)}), "4.52");
  EXPECT_EQ(Call("round", {D("4.515"), I(2)}), "4.52");
  EXPECT_EQ(Call("round", {I(12450), I(-2)}), "12400");
  EXPECT_EQ(Call("round", {D("6.022e-23"), I(24)}), "6e-23");
  EXPECT_TRUE(last_.as_number().is_exact());
}

TEST_F(NumericFunctionsTest, Power) {
  EXPECT_EQ(Call("power", {I(4), I(2)}), "16");
  EXPECT_EQ(Call("power", {I(4), D("0.5")}), "2");
  EXPECT_EQ(Call("power", {I(10), I(-2)}), "0.01");
  EXPECT_EQ(Call("power", {I(-2), I(3)}), "-8");
  EXPECT_EQ(Call("power", {D("1.1"), I(2)}), "1.21");
  EXPECT_TRUE(last_.as_number().is_exact());
  EXPECT_EQ(Call("power", {I(-2), Value::Double(1.0 / 3)}), "error D3061");
  EXPECT_EQ(Call("power", {I(100), I(1000)}), "error D3061");
  EXPECT_EQ(Call("power", {I(0), I(-1)}), "error D3061");
}

TEST_F(NumericFunctionsTest, Sqrt) {
  EXPECT_EQ(Call("sqrt", {I(4)}), "2");
  EXPECT_EQ(Call("sqrt", {I(2)}), "1.4142135623730951");
  EXPECT_EQ(Call("sqrt", {I(-2)}), "error D3060");
}

TEST_F(NumericFunctionsTest, RandomIsInUnitInterval) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(CallBuiltin(ctx_, "random", {}).ok());
    double r = CallBuiltin(ctx_, "random", {})->as_number().ToDouble();
    EXPECT_GE(r, 0.0);
    EXPECT_LT(r, 1.0);
  }
}

TEST_F(NumericFunctionsTest, SumIsExactForExactNumbers) {
  EXPECT_EQ(Call("sum", {Json("[0.1, 0.2]")}), "0.3");
  EXPECT_EQ(Call("sum", {Json("[68.9, 21.67]")}), "90.57");
  EXPECT_EQ(Call("sum", {Json("[]")}), "0");
  EXPECT_EQ(Call("sum", {Value()}), "undefined");
}

TEST_F(NumericFunctionsTest, MaxMinAverage) {
  EXPECT_EQ(Call("max", {Json("[-1, -5, 3.5]")}), "3.5");
  EXPECT_EQ(Call("min", {Json("[-1, -5, 3.5]")}), "-5");
  EXPECT_EQ(Call("max", {Json("[]")}), "undefined");
  EXPECT_EQ(Call("min", {Value()}), "undefined");
  EXPECT_EQ(Call("average", {Json("[1, 2, 4]")}), Number::FromDouble(7.0 / 3).ToString());
  EXPECT_EQ(Call("average", {Json("[1.5, 2.5]")}), "2");
  EXPECT_EQ(Call("average", {Json("[]")}), "undefined");
}

}  // namespace
}  // namespace erphub::jsonata
