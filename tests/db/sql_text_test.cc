#include "db/sql_text.h"

#include <gtest/gtest.h>

namespace erphub::db {
namespace {

TEST(TimestampToIsoUtcTest, WritesUtcWithTheFractionKept) {
  EXPECT_EQ(TimestampToIsoUtc("2024-05-01 10:00:00"), "2024-05-01T10:00:00Z");
  EXPECT_EQ(TimestampToIsoUtc("2024-05-01 10:00:00.123456+00"), "2024-05-01T10:00:00.123456Z");
  EXPECT_EQ(TimestampToIsoUtc("2024-05-01T10:00:00.5Z"), "2024-05-01T10:00:00.5Z");
  EXPECT_EQ(TimestampToIsoUtc("2024-05-01 10:00:00.250000"), "2024-05-01T10:00:00.25Z");
  EXPECT_EQ(TimestampToIsoUtc("2024-05-01 10:00:00.000000"), "2024-05-01T10:00:00Z");
}

TEST(TimestampToIsoUtcTest, MovesOffsetsToUtcAcrossDayAndYearEnds) {
  EXPECT_EQ(TimestampToIsoUtc("2024-05-01 01:30:00+02"), "2024-04-30T23:30:00Z");
  EXPECT_EQ(TimestampToIsoUtc("2023-12-31 23:00:00-05:30"), "2024-01-01T04:30:00Z");
  EXPECT_EQ(TimestampToIsoUtc("2024-02-28 23:00:00-01:00"), "2024-02-29T00:00:00Z");
}

TEST(TimestampToIsoUtcTest, LeavesOtherTextAlone) {
  EXPECT_EQ(TimestampToIsoUtc("infinity"), "infinity");
  EXPECT_EQ(TimestampToIsoUtc("2024-05-01"), "2024-05-01");
  EXPECT_EQ(TimestampToIsoUtc("2024-05-01 10:00:00 BC"), "2024-05-01 10:00:00 BC");
}

TEST(RewriteParametersTest, ReplacesOnlyParametersOutsideQuotesAndComments) {
  int count = 0;
  std::string out = RewriteParameters(
      "SELECT '?', \"a?\", `b?` -- ?\n FROM t /* ? */ WHERE a = ? AND b = 'it''s?' AND c = ?",
      [](int index) { return "$" + std::to_string(index + 1); }, &count);
  EXPECT_EQ(out,
            "SELECT '?', \"a?\", `b?` -- ?\n FROM t /* ? */ WHERE a = $1 AND b = 'it''s?' AND c = "
            "$2");
  EXPECT_EQ(count, 2);
}

TEST(QuoteIdentifierTest, QuotesEachPartForTheDialect) {
  EXPECT_EQ(QuoteIdentifier(Dialect::kPostgres, "sales.order"), "\"sales\".\"order\"");
  EXPECT_EQ(QuoteIdentifier(Dialect::kMariadb, "we`ird"), "`we``ird`");
  EXPECT_EQ(QuoteIdentifier(Dialect::kSqlite, "a\"b"), "\"a\"\"b\"");
}

}  // namespace
}  // namespace erphub::db
