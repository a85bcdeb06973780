#include "formats/csv/csv_types.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace erphub::formats::csv {
namespace {

Column Typed(std::string name, ColumnType type, std::string date_format = "%Y-%m-%d") {
  Column column;
  column.name = std::move(name);
  column.type = type;
  column.date_format = std::move(date_format);
  return column;
}

std::string Read(std::string_view text, const Column& column) {
  auto value = ReadTypedField(text, column);
  return value.ok() ? ToJson(*value) : "error: " + std::string(value.status().message());
}

TEST(CsvTypesTest, DecimalsAreExact) {
  Column decimal = Typed("d", ColumnType::kDecimal);
  EXPECT_EQ(Read("12.50", decimal), "12.5");
  EXPECT_EQ(Read("-0.001", decimal), "-0.001");
  EXPECT_EQ(Read("+7", decimal), "7");
  EXPECT_TRUE(ReadTypedField("0.1", decimal)->as_number().is_exact());
  EXPECT_EQ(Read("1e5", decimal), "error: '1e5' is not a decimal");
  EXPECT_EQ(Read("12,5", decimal), "error: '12,5' is not a decimal");
  EXPECT_EQ(Read(".", decimal), "error: '.' is not a decimal");
  EXPECT_EQ(Read("1.2345678901234567891", decimal),
            "error: '1.2345678901234567891' is not an exact decimal (too many digits)");
}

TEST(CsvTypesTest, Integers) {
  Column integer = Typed("i", ColumnType::kInteger);
  EXPECT_EQ(Read("-42", integer), "-42");
  EXPECT_EQ(Read("9223372036854775807", integer), "9223372036854775807");
  EXPECT_EQ(Read("9223372036854775808", integer),
            "error: '9223372036854775808' is not an integer (64-bit)");
  EXPECT_EQ(Read("1.0", integer), "error: '1.0' is not an integer (64-bit)");
}

TEST(CsvTypesTest, DatesInTheirFormat) {
  Column date = Typed("d", ColumnType::kDate, "%d/%m/%Y");
  EXPECT_EQ(Read("05/01/2025", date), "\"2025-01-05\"");
  EXPECT_EQ(Read("29/02/2023", date), "error: '29/02/2023' is not a date in the format '%d/%m/%Y'");
  EXPECT_EQ(Read("2025-01-05", date), "error: '2025-01-05' is not a date in the format '%d/%m/%Y'");
  Column stamp = Typed("t", ColumnType::kDate, "%Y%m%d %H:%M:%S");
  EXPECT_EQ(Read("20250105 23:59:07", stamp), "\"2025-01-05T23:59:07\"");
  EXPECT_EQ(Read("20250105 24:00:00", stamp).substr(0, 6), "error:");
  auto text = WriteTypedField(Value::Str("2025-01-05T23:59:07"), stamp);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "20250105 23:59:07");
}

TEST(CsvTypesTest, Booleans) {
  Column flag = Typed("b", ColumnType::kBoolean);
  EXPECT_EQ(Read("TRUE", flag), "true");
  EXPECT_EQ(Read("n", flag), "false");
  EXPECT_EQ(Read("0", flag), "false");
  EXPECT_EQ(Read("maybe", flag), "error: 'maybe' is not a boolean");
}

TEST(CsvTypesTest, EmptyTypedFieldIsNullButEmptyStringStaysAString) {
  EXPECT_EQ(Read("", Typed("d", ColumnType::kDecimal)), "null");
  EXPECT_EQ(Read("", Typed("s", ColumnType::kString)), "\"\"");
}

}  // namespace
}  // namespace erphub::formats::csv
