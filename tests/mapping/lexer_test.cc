#include "mapping/lexer.h"

#include <gtest/gtest.h>

namespace erphub::jsonata {
namespace {

std::vector<Token> All(std::string_view text) {
  Lexer lexer(text);
  std::vector<Token> out;
  for (;;) {
    auto t = lexer.Next(false);
    EXPECT_TRUE(t.ok()) << text;
    if (!t.ok() || t->type == TokenType::kEnd) {
      break;
    }
    out.push_back(*t);
  }
  return out;
}

TEST(LexerTest, SplitsOperatorsNamesAndLiterals) {
  auto tokens = All("a.b[0] := $x ~> $f(\"s\", 1.5e2)");
  ASSERT_EQ(tokens.size(), 15u);
  EXPECT_EQ(tokens[0].type, TokenType::kName);
  EXPECT_EQ(tokens[1].text, ".");
  EXPECT_EQ(tokens[6].text, ":=");
  EXPECT_EQ(tokens[7].type, TokenType::kVariable);
  EXPECT_EQ(tokens[7].text, "x");
  EXPECT_EQ(tokens[8].text, "~>");
  EXPECT_EQ(tokens[11].type, TokenType::kString);
  EXPECT_EQ(tokens[13].type, TokenType::kNumber);
  EXPECT_EQ(tokens[13].value.as_number().ToDouble(), 150);
}

TEST(LexerTest, PositionsAreTheEndOfEachToken) {
  auto tokens = All("ab + cd");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].position, 2);
  EXPECT_EQ(tokens[1].position, 4);
  EXPECT_EQ(tokens[2].position, 7);
}

TEST(LexerTest, SkipsCommentsAndReadsBacktickNames) {
  auto tokens = All("/* note */ `a b` and true");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].type, TokenType::kName);
  EXPECT_EQ(tokens[0].text, "a b");
  EXPECT_EQ(tokens[1].type, TokenType::kOperator);
  EXPECT_EQ(tokens[2].type, TokenType::kValue);
}

TEST(LexerTest, SlashIsARegexOnlyWhereAnOperandIsExpected) {
  Lexer prefix("/a\\/b[/]/im");
  auto t = prefix.Next(false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->type, TokenType::kRegex);
  EXPECT_EQ(t->text, "a\\/b[/]");
  EXPECT_EQ(t->flags, "im");
  Lexer infix("/ 2");
  t = infix.Next(true);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->type, TokenType::kOperator);
}

TEST(LexerTest, DecodesEscapesAndSurrogatePairs) {
  auto tokens = All(R"("\u00e9\ud83d\ude00\n")");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].text, "\xC3\xA9\xF0\x9F\x98\x80\n");
}

TEST(LexerTest, ReportsReferenceErrorCodes) {
  struct Case {
    const char* text;
    const char* code;
  } cases[] = {
      {"\"abc", "S0101"}, {"1e999", "S0102"}, {"\"\\q\"", "S0103"}, {"\"\\u12g4\"", "S0104"},
      {"`abc", "S0105"},  {"/* x", "S0106"},  {"//", "S0301"},      {"/abc", "S0302"},
  };
  for (const Case& c : cases) {
    Lexer lexer(c.text);
    auto t = lexer.Next(false);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.error().code(), c.code) << c.text;
  }
}

TEST(LexerTest, RejectsInvalidUtf8AnywhereInTheText) {
  for (std::string_view text :
       {std::string_view("'ab\xC3'"), std::string_view("na\xFFme"), std::string_view("`\xED\xA0`"),
        std::string_view("/* \xC0\xAF */ 1"), std::string_view("$f(42, \xD7\xDA\x1D\x7F\xB0')")}) {
    Lexer lexer(text);
    auto t = lexer.Next(false);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.error().code(), "S0107") << text;
    EXPECT_NE(t.error().message().find("UTF-8"), std::string::npos);
  }
  Lexer lexer("  'x' & \xC3");
  auto t = lexer.Next(false);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().position(), 8);
  EXPECT_NE(t.error().message().find("0xc3"), std::string::npos) << t.error().message();
  // Valid UTF-8 and lone surrogates, escaped or as WTF-8 (expressions read from JSON), are fine.
  auto tokens = All("'caf\xC3\xA9 \\ud800' & `\xF0\x9F\x98\x80` & '\xED\xB0\x80'");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].text, "caf\xC3\xA9 \xED\xA0\x80");
  EXPECT_EQ(tokens[4].text, "\xED\xB0\x80");
}

}  // namespace
}  // namespace erphub::jsonata
