#include "db/pg_copy_text.h"

#include <gtest/gtest.h>

namespace erphub::db {
namespace {

TEST(PgCopyTextTest, SplitsFieldsAndUnescapes) {
  std::vector<std::optional<std::string>> fields;
  ASSERT_TRUE(ParseCopyTextRow("1\t\\N\ta\\tb\\nc\\\\d\t\\101\\x41\t\n", fields).ok());
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(*fields[0], "1");
  EXPECT_FALSE(fields[1].has_value());
  EXPECT_EQ(*fields[2], "a\tb\nc\\d");
  EXPECT_EQ(*fields[3], "AA");
  EXPECT_EQ(*fields[4], "");
  // The vector is reused: a shorter row shrinks it.
  ASSERT_TRUE(ParseCopyTextRow("x", fields).ok());
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(*fields[0], "x");
  EXPECT_FALSE(ParseCopyTextRow("bad\\", fields).ok());
}

}  // namespace
}  // namespace erphub::db
