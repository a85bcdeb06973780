#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "mapping/clock_call_context.h"

namespace erphub::jsonata {
namespace {

Value N(std::string_view text) { return Value::Num(*Number::Parse(text)); }
Value S(std::string_view text) { return Value::Str(text); }

class FormatFunctionsTest : public ::testing::Test {
 protected:
  // The string result, or "error <code>".
  std::string Call(std::string_view name, std::initializer_list<Value> args) {
    auto result = CallBuiltin(FormatFunctions(), name, args, ctx_);
    if (!result.ok()) {
      last_error_ = result.error();
      return "error " + std::string(result.error().code());
    }
    if (result->is_undefined()) {
      return "undefined";
    }
    return result->is_string() ? std::string(result->as_string()) : ToJson(*result);
  }

  FakeCallContext ctx_;
  std::optional<Error> last_error_;
};

TEST_F(FormatFunctionsTest, FormatNumberUsesExactDigits) {
  Value sum = Value::Num(*Number::Parse("0.1") + *Number::Parse("0.2"));
  EXPECT_EQ(Call("formatNumber", {sum, S("0.00")}), "0.30");
  EXPECT_EQ(Call("formatNumber", {sum, S("0.00000000000000000")}), "0.30000000000000000");
  // 17 significant digits: a double would not hold the last one.
  EXPECT_EQ(Call("formatNumber", {N("12345678901234.565"), S("#,##0.00")}),
            "12,345,678,901,234.56");
  EXPECT_EQ(Call("formatNumber", {N("12345678901234.575"), S("#,##0.00")}),
            "12,345,678,901,234.58");
}

TEST_F(FormatFunctionsTest, FormatNumberRoundsHalfToEven) {
  EXPECT_EQ(Call("formatNumber", {N("0.125"), S("0.00")}), "0.12");
  EXPECT_EQ(Call("formatNumber", {N("0.135"), S("0.00")}), "0.14");
  EXPECT_EQ(Call("formatNumber", {N("2.5"), S("0")}), "2");
  EXPECT_EQ(Call("formatNumber", {N("-3.5"), S("0")}), "-4");
  EXPECT_EQ(Call("formatNumber", {N("0.1251"), S("0.00")}), "0.13");
}

TEST_F(FormatFunctionsTest, FormatNumberOfDoubleUsesItsShortestDecimal) {
  EXPECT_EQ(Call("formatNumber", {Value::Double(0.1 + 0.2), S("0.00")}), "0.30");
  EXPECT_EQ(Call("formatNumber", {Value::Double(1.0 / 3), S("#,##0.###")}), "0.333");
  EXPECT_EQ(Call("formatNumber", {Value::Double(2.0 / 3), S("0.0e0")}), "6.7e-1");
}

TEST_F(FormatFunctionsTest, FormatNumberPictures) {
  EXPECT_EQ(Call("formatNumber", {N("12345.6"), S("#,###.00")}), "12,345.60");
  EXPECT_EQ(Call("formatNumber", {N("1234.5678"), S("00.000e0")}), "12.346e2");
  EXPECT_EQ(Call("formatNumber", {N("0.234"), S("#.00e0")}), "0.23e0");
  EXPECT_EQ(Call("formatNumber", {N("0"), S("0e0")}), "0e0");
  EXPECT_EQ(Call("formatNumber", {N("-42"), S("0e0")}), "-4e1");
  EXPECT_EQ(Call("formatNumber", {N("0.14"), S("01%")}), "14%");
  EXPECT_EQ(Call("formatNumber", {N("0.4857"), S("###.###\u2030")}), "485.7\u2030");
  EXPECT_EQ(Call("formatNumber", {N("-6"), S("000")}), "-006");
  EXPECT_EQ(Call("formatNumber", {N("-87504.4812"), S("000,000.000###;###,###.000###")}),
            "87,504.4812");
  EXPECT_EQ(Call("formatNumber", {N("185.2812"), S("PREFIX##00.000###SUFFIX")}),
            "PREFIX185.2812SUFFIX");
  EXPECT_EQ(Call("formatNumber", {N("1E20"), S("#,######")}), "100,000000,000000,000000");
  EXPECT_EQ(Call("formatNumber", {N("123412345678.9"), S("9,9,99.99")}), "123412345,6,78.90");
  EXPECT_EQ(Call("formatNumber", {Value(), S("#0.00")}), "undefined");
}

TEST_F(FormatFunctionsTest, FormatNumberOptions) {
  auto options = ParseJson(R"({"decimal-separator": ",", "grouping-separator": "."})");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(Call("formatNumber", {N("1234567.891"), S("#.##0,00"), *options}), "1.234.567,89");
  auto zero = ParseJson(R"({"zero-digit": "\u245f"})");
  EXPECT_EQ(Call("formatNumber", {N("1234.5678"), S("①①.①①①e①"), *zero}), "①②.③④⑥e②");
  auto per_mille = ParseJson(R"({"per-mille": "pm"})");
  EXPECT_EQ(Call("formatNumber", {N("0.14"), S("###pm"), *per_mille}), "140pm");
  auto minus = ParseJson(R"({"minus-sign": "~", "exponent-separator": "E"})");
  EXPECT_EQ(Call("formatNumber", {N("-0.01"), S("0.0E0"), *minus}), "~1.0E~2");
}

TEST_F(FormatFunctionsTest, FormatNumberPictureErrorsFollowTheReferenceOrder) {
  EXPECT_EQ(Call("formatNumber", {N("20"), S("#;#;#")}), "error D3080");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("#.0.0")}), "error D3081");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("#0%%")}), "error D3082");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("#0\u2030\u2030")}), "error D3083");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("#0%\u2030")}), "error D3084");
  EXPECT_EQ(Call("formatNumber", {N("20"), S(".e0")}), "error D3085");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("0+.e0")}), "error D3086");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("0,.e0")}), "error D3087");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("0,")}), "error D3088");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("0,,0")}), "error D3089");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("0#.e0")}), "error D3090");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("#0.#0e0")}), "error D3091");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("#0.0e0%")}), "error D3092");
  EXPECT_EQ(Call("formatNumber", {N("20"), S("#0.0e0,0")}), "error D3093");
  // A picture without any active character is all passive characters in the active part.
  EXPECT_EQ(Call("formatNumber", {N("42"), S("%%")}), "error D3086");
  EXPECT_EQ(Call("formatNumber", {N("42"), S("---")}), "error D3086");
  EXPECT_EQ(last_error_->position(), 7);
}

TEST_F(FormatFunctionsTest, FormatBase) {
  EXPECT_EQ(Call("formatBase", {N("100")}), "100");
  EXPECT_EQ(Call("formatBase", {N("255"), N("16")}), "ff");
  EXPECT_EQ(Call("formatBase", {N("-100"), N("2")}), "-1100100");
  EXPECT_EQ(Call("formatBase", {N("99.5"), N("2.5")}), "1100100");
  EXPECT_EQ(Call("formatBase", {N("100"), N("36")}), "2s");
  EXPECT_EQ(Call("formatBase", {N("5890840712243076")}), "5890840712243076");
  EXPECT_EQ(Call("formatBase", {N("9223372036854775807"), N("16")}), "7fffffffffffffff");
  EXPECT_EQ(Call("formatBase", {N("0"), N("2")}), "0");
  EXPECT_EQ(Call("formatBase", {Value(), N("2")}), "undefined");
  EXPECT_EQ(Call("formatBase", {N("100"), N("1")}), "error D3100");
  EXPECT_TRUE(DeepEqual(last_error_->info().value, N("1")));
  EXPECT_EQ(Call("formatBase", {N("100"), N("37")}), "error D3100");
}

TEST_F(FormatFunctionsTest, FormatIntegerDecimalPictures) {
  EXPECT_EQ(Call("formatInteger", {N("123"), S("0000")}), "0123");
  EXPECT_EQ(Call("formatInteger", {N("-3"), S("0000")}), "-0003");
  EXPECT_EQ(Call("formatInteger", {N("12.6"), S("###0")}), "12");
  EXPECT_EQ(Call("formatInteger", {N("-12.5"), S("0")}), "-13");
  EXPECT_EQ(Call("formatInteger", {N("1234567890"), S("#,##0")}), "1,234,567,890");
  EXPECT_EQ(Call("formatInteger", {N("1234567890"), S("#:###,##0")}), "1234:567,890");
  EXPECT_EQ(Call("formatInteger", {N("12"), S("#:###,##0")}), "12");
  EXPECT_EQ(Call("formatInteger", {N("12340"), S("###\u0661")}), "\u0661\u0662\u0663\u0664\u0660");
  EXPECT_EQ(Call("formatInteger", {N("123"), S("000;o")}), "123rd");
  EXPECT_EQ(Call("formatInteger", {N("11"), S("0;o")}), "11th");
  EXPECT_EQ(Call("formatInteger", {N("22"), S("0;o")}), "22nd");
  EXPECT_EQ(Call("formatInteger", {N("12340"), S("##0\uff10")}), "error D3131");
  EXPECT_EQ(Call("formatInteger", {N("123456"), S("\u03b1")}), "error D3130");
  EXPECT_EQ(Call("formatInteger", {Value(), S("0")}), "undefined");
}

TEST_F(FormatFunctionsTest, FormatIntegerWordsNumeralsAndLetters) {
  EXPECT_EQ(Call("formatInteger", {N("555"), S("Ww")}), "Five Hundred and Fifty-Five");
  EXPECT_EQ(Call("formatInteger", {N("99"), S("W;o")}), "NINETY-NINTH");
  EXPECT_EQ(Call("formatInteger", {N("730"), S("w;o")}), "seven hundred and thirtieth");
  EXPECT_EQ(Call("formatInteger", {N("1000000000001"), S("w;o")}), "one trillion and first");
  EXPECT_EQ(Call("formatInteger", {N("1e+46"), S("w")}), "ten billion trillion trillion trillion");
  EXPECT_EQ(Call("formatInteger", {N("1984"), S("I")}), "MCMLXXXIV");
  EXPECT_EQ(Call("formatInteger", {N("0"), S("I")}), "");
  EXPECT_EQ(Call("formatInteger", {N("1e12"), S("I")}), "error D1001");
  EXPECT_EQ(Call("formatInteger", {N("27"), S("a")}), "aa");
  EXPECT_EQ(Call("formatInteger", {N("123456"), S("A")}), "FZPH");
}

TEST_F(FormatFunctionsTest, ParseIntegerInvertsFormatInteger) {
  EXPECT_EQ(Call("parseInteger", {S("0123"), S("0000")}), "123");
  EXPECT_EQ(Call("parseInteger", {S("12,345,678"), S("#,##0")}), "12345678");
  EXPECT_EQ(Call("parseInteger", {S("1234:567,890"), S("#:###,##0")}), "1234567890");
  EXPECT_EQ(Call("parseInteger", {S("28th"), S("#0;o")}), "28");
  EXPECT_EQ(Call("parseInteger", {S("\uff11\uff12\uff13\uff14\uff10"), S("###\uff10")}), "12340");
  EXPECT_EQ(Call("parseInteger", {S("MCMLXXXIV"), S("I")}), "1984");
  EXPECT_EQ(Call("parseInteger", {S("xcix"), S("i")}), "99");
  EXPECT_EQ(Call("parseInteger", {S(""), S("I")}), "0");
  EXPECT_EQ(Call("parseInteger", {S("Seven Hundred and Thirty-Third"), S("Ww;o")}), "733");
  EXPECT_EQ(Call("parseInteger", {S("three thousand, seven hundred and thirty"), S("w")}), "3730");
  EXPECT_EQ(Call("parseInteger", {S("ten billion trillion trillion trillion"), S("w")}), "1e+46");
  EXPECT_EQ(Call("parseInteger", {S("FZPH"), S("A")}), "123456");
  EXPECT_EQ(Call("parseInteger", {S("50"), S("#")}), "error D3130");
  EXPECT_EQ(Call("parseInteger", {Value(), S("0")}), "undefined");
}

TEST_F(FormatFunctionsTest, ParseIntegerRejectsTextThatIsNoNumber) {
  EXPECT_EQ(Call("parseInteger", {S("abc"), S("0")}), "error D3030");
  EXPECT_EQ(Call("parseInteger", {S("twelve apples"), S("w")}), "error D3030");
  EXPECT_EQ(Call("parseInteger", {S("MCMZ"), S("I")}), "error D3030");
}

}  // namespace
}  // namespace erphub::jsonata
