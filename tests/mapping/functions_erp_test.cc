#include <gtest/gtest.h>

#include <string>

#include "mapping/clock_call_context.h"

namespace erphub::jsonata {
namespace {

Value S(std::string_view text) { return Value::Str(text); }

class ErpDateFunctionsTest : public ::testing::Test {
 protected:
  std::string Call(std::string_view name, std::initializer_list<Value> args) {
    auto result = CallBuiltin(ErpFunctions(), name, args, ctx_);
    if (!result.ok()) {
      return "error " + std::string(result.error().code());
    }
    if (result->is_undefined()) {
      return "undefined";
    }
    return std::string(result->as_string());
  }
  std::string Parse(std::string_view text, std::string_view format) {
    return Call("parseDate", {S(text), S(format)});
  }
  std::string Format(const Value& value, std::string_view format) {
    return Call("formatDate", {value, S(format)});
  }

  FakeCallContext ctx_;
};

TEST_F(ErpDateFunctionsTest, ParseDateReadsCommonFormats) {
  EXPECT_EQ(Parse("20240315", "YYYYMMDD"), "2024-03-15");
  EXPECT_EQ(Parse("20240315", "CCYYMMDD"), "2024-03-15");
  EXPECT_EQ(Parse("240315", "YYMMDD"), "2024-03-15");
  EXPECT_EQ(Parse("991231", "YYMMDD"), "1999-12-31");
  EXPECT_EQ(Parse("2024-03-15", "YYYY-MM-DD"), "2024-03-15");
  EXPECT_EQ(Parse("15.03.2024", "DD.MM.YYYY"), "2024-03-15");
  EXPECT_EQ(Parse("5.3.2024", "DD.MM.YYYY"), "2024-03-05");
  EXPECT_EQ(Parse("03/15/2024", "MM/DD/YYYY"), "2024-03-15");
  EXPECT_EQ(Parse("1430", "HHMM"), "14:30:00");
  EXPECT_EQ(Parse("143005", "HHMMSS"), "14:30:05");
  EXPECT_EQ(Parse("", "YYYYMMDD"), "error D3911");
  EXPECT_EQ(Call("parseDate", {Value(), S("YYYYMMDD")}), "undefined");
}

TEST_F(ErpDateFunctionsTest, ParseDateTimestamps) {
  EXPECT_EQ(Parse("202403151430", "CCYYMMDDHHMM"), "2024-03-15T14:30:00Z");
  EXPECT_EQ(Parse("15.03.2024 09:05", "DD.MM.YYYY HH:MM"), "2024-03-15T09:05:00Z");
  EXPECT_EQ(Parse("2024-03-15T14:30:00+01:00", "YYYY-MM-DDTHH:MM:SSZ"),
            "2024-03-15T14:30:00+01:00");
  EXPECT_EQ(Parse("2024-03-15T14:30:00-0530", "YYYY-MM-DDTHH:MM:SSZ"), "2024-03-15T14:30:00-05:30");
  EXPECT_EQ(Parse("2024-03-15T14:30:00Z", "YYYY-MM-DDTHH:MM:SSZ"), "2024-03-15T14:30:00Z");
}

TEST_F(ErpDateFunctionsTest, ParseDateRejectsBadDates) {
  EXPECT_EQ(Parse("20240230", "YYYYMMDD"), "error D3911");
  EXPECT_EQ(Parse("20230229", "YYYYMMDD"), "error D3911");
  EXPECT_EQ(Parse("20240229", "YYYYMMDD"), "2024-02-29");
  EXPECT_EQ(Parse("20241315", "YYYYMMDD"), "error D3911");
  EXPECT_EQ(Parse("2460", "HHMM"), "error D3911");
  EXPECT_EQ(Parse("2024031", "YYYYMMDD"), "error D3911");
  EXPECT_EQ(Parse("2024-03-15", "YYYYMMDD"), "error D3911");
  EXPECT_EQ(Parse("15/03/2024", "DD.MM.YYYY"), "error D3911");
  EXPECT_EQ(Parse("20240315", "YYYYMMDDQ"), "error D3910");
  EXPECT_EQ(Parse("2024-03", "YYYY-MM"), "2024-03");
}

TEST_F(ErpDateFunctionsTest, FormatDateFromMillisIsUtc) {
  const Value millis = Value::Int(1710513000000);  // 2024-03-15T14:30:00Z
  EXPECT_EQ(Format(millis, "YYYYMMDD"), "20240315");
  EXPECT_EQ(Format(millis, "YYMMDD"), "240315");
  EXPECT_EQ(Format(millis, "HHMM"), "1430");
  EXPECT_EQ(Format(millis, "HHMMSS"), "143000");
  EXPECT_EQ(Format(millis, "DD.MM.YYYY"), "15.03.2024");
  EXPECT_EQ(Format(millis, "MM/DD/YYYY"), "03/15/2024");
  EXPECT_EQ(Format(millis, "YYYY-MM-DDTHH:MM:SSZ"), "2024-03-15T14:30:00Z");
  EXPECT_EQ(Format(Value(), "YYYYMMDD"), "undefined");
}

TEST_F(ErpDateFunctionsTest, FormatDateKeepsTheOffsetOfTimestamps) {
  // 23:30 in New York is already the next day in UTC; the local date is what the sender meant.
  EXPECT_EQ(Format(S("2024-03-15T23:30:00-05:00"), "YYYYMMDD"), "20240315");
  EXPECT_EQ(Format(S("2024-03-15T23:30:00-05:00"), "CCYYMMDDHHMM"), "202403152330");
  EXPECT_EQ(Format(S("2024-03-15T23:30:00.250+0100"), "DD.MM.YYYY HH:MM:SS Z"),
            "15.03.2024 23:30:00 +01:00");
  EXPECT_EQ(Format(S("2024-03-15"), "DD.MM.YYYY"), "15.03.2024");
  EXPECT_EQ(Format(S("2024-03-15 08:00"), "HHMM"), "0800");
  EXPECT_EQ(Format(S("14:30"), "HHMM"), "1430");
}

TEST_F(ErpDateFunctionsTest, FormatDateErrors) {
  EXPECT_EQ(Format(S("15.03.2024"), "YYYYMMDD"), "error D3912");
  EXPECT_EQ(Format(S("2024-02-30"), "YYYYMMDD"), "error D3912");
  EXPECT_EQ(Format(S("2024-03-15"), "HHMM"), "error D3911");
  EXPECT_EQ(Format(S("14:30"), "YYYYMMDD"), "error D3911");
  EXPECT_EQ(Format(S("2024-03-15"), "yyyymmdd"), "error D3910");
}

}  // namespace
}  // namespace erphub::jsonata
