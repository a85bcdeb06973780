#include "mapping/parser.h"

#include <gtest/gtest.h>

#include "mapping/signature.h"

namespace erphub::jsonata {
namespace {

const Node& Root(const ParsedExpression& p) { return *p.root; }

TEST(ParserTest, FlattensPathsIntoSteps) {
  auto parsed = Parse("Account.Order[0].Product");
  ASSERT_TRUE(parsed.ok());
  const Node& root = Root(*parsed);
  ASSERT_EQ(root.type, NodeType::kPath);
  ASSERT_EQ(root.items.size(), 3u);
  EXPECT_EQ(root.items[1]->name, "Order");
  ASSERT_EQ(root.items[1]->stages.size(), 1u);
  EXPECT_EQ(root.items[1]->stages[0].expr->type, NodeType::kNumber);
}

TEST(ParserTest, EmptyBracketsKeepSingletonArrays) {
  auto parsed = Parse("a.b[]");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(Root(*parsed).keep_singleton_array);
}

TEST(ParserTest, FoldsNegativeNumbers) {
  auto parsed = Parse("-5");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(Root(*parsed).type, NodeType::kNumber);
  EXPECT_EQ(Root(*parsed).value.as_number().ToDouble(), -5);
}

TEST(ParserTest, MarksTailCallsInLambdaBodies) {
  auto parsed = Parse("function($n){ $n = 0 ? 1 : $f($n - 1) }");
  ASSERT_TRUE(parsed.ok());
  const Node& body = *Root(*parsed).body;
  ASSERT_EQ(body.type, NodeType::kCondition);
  EXPECT_EQ(body.then_branch->type, NodeType::kNumber);
  EXPECT_EQ(body.else_branch->type, NodeType::kLambda);
  EXPECT_TRUE(body.else_branch->thunk);
}

TEST(ParserTest, ParsesSignatures) {
  auto parsed = Parse("function($a, $b)<s-n?:s>{ $a }");
  ASSERT_TRUE(parsed.ok());
  ASSERT_NE(Root(*parsed).signature, nullptr);
  EXPECT_EQ(Root(*parsed).signature->arity(), 2);
}

TEST(ParserTest, BindsFocusIndexAndParent) {
  auto parsed = Parse("Account.Order@$o#$i.Product.%.OrderID");
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  const Node& root = Root(*parsed);
  ASSERT_EQ(root.type, NodeType::kPath);
  EXPECT_EQ(root.items[1]->focus, "o");
  EXPECT_EQ(root.items[1]->index_var, "i");
  EXPECT_TRUE(root.items[1]->tuple);
  EXPECT_EQ(root.items[3]->type, NodeType::kParent);
}

TEST(ParserTest, ReportsCodesTokensAndPositions) {
  struct Case {
    const char* text;
    const char* code;
    const char* token;
  } cases[] = {
      {"1 +", "S0207", ""},
      {"(1", "S0203", ""},
      {"[1 2]", "S0202", "2"},
      {"a ! b", "S0204", "!"},
      {")", "S0211", ")"},
      {"1 := 2", "S0212", "1"},
      {"a.1", "S0213", "1"},
      {"Account.Order@o", "S0214", "@"},
      {"a[0]@$x", "S0215", ""},
      {"function(a){1}", "S0208", "a"},
      {"%", "S0217", "parent"},
      {"a b", "S0201", "b"},
      {"function($a)<b<s>>{1}", "S0401", ""},
  };
  for (const Case& c : cases) {
    auto parsed = Parse(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.error().code(), c.code) << c.text;
    if (*c.token != '\0') {
      EXPECT_EQ(parsed.error().info().token, c.token) << c.text;
    }
  }
}

}  // namespace
}  // namespace erphub::jsonata
