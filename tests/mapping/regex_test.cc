#include "mapping/regex.h"

#include <gtest/gtest.h>

#include "mapping/jsonata.h"

namespace erphub::jsonata {
namespace {

TEST(RegexTest, FindsMatchesWithGroupsAndOffsets) {
  auto re = Regex::Compile("(\\d+)-(x)?", "");
  ASSERT_TRUE(re.ok());
  std::string_view subject = "ab 12- 34-x";
  auto all = (*re)->SearchAll(subject);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].text(subject), "12-");
  EXPECT_EQ(all[0].start, 3u);
  EXPECT_EQ(all[0].group(subject, 0), "12");
  EXPECT_FALSE(all[0].groups[1].set);
  EXPECT_EQ(all[1].group(subject, 1), "x");
}

TEST(RegexTest, HonoursFlagsAndJavaScriptEndOfInput) {
  auto caseless = Regex::Compile("^abc$", "im");
  ASSERT_TRUE(caseless.ok());
  Regex::Match m;
  EXPECT_TRUE((*caseless)->Search("x\nABC\ny", 0, m));
  auto dollar = Regex::Compile("c$", "");
  ASSERT_TRUE(dollar.ok());
  EXPECT_FALSE((*dollar)->Search("abc\n", 0, m));
}

TEST(RegexTest, EmptyMatchesAdvanceByOneCodePoint) {
  auto re = Regex::Compile("x*", "");
  ASSERT_TRUE(re.ok());
  auto all = (*re)->SearchAll("\xC3\xA9x");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].start, 2u);
  EXPECT_EQ(all[1].end, 3u);
}

TEST(RegexTest, RegexLiteralsAreFunctionValuesHoldingTheRegex) {
  auto e = Expression::Compile("/a(b)/i");
  ASSERT_TRUE(e.ok());
  auto fn = e->Evaluate(Value());
  ASSERT_TRUE(fn.ok());
  const Regex* regex = AsRegex(*fn);
  ASSERT_NE(regex, nullptr);
  EXPECT_EQ(regex->pattern(), "a(b)");
  EXPECT_EQ(regex->flags(), "i");
  EXPECT_EQ(regex->group_count(), 1u);
  EXPECT_EQ(AsRegex(Value::Int(1)), nullptr);
}

TEST(RegexTest, ReportsInvalidPatterns) {
  auto re = Regex::Compile("(abc", "");
  ASSERT_FALSE(re.ok());
  EXPECT_EQ(re.error().code(), "S0303");
}

}  // namespace
}  // namespace erphub::jsonata
