#include "engine/business_key.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "json_literal.h"

namespace erphub::engine {
namespace {

FlowConfig Flow(std::string key) {
  FlowConfig flow;
  flow.name = "orders";
  flow.path = "flows.orders";
  flow.key = std::move(key);
  flow.key_place = SourcePlace{12, 10};
  return flow;
}

using ::erphub::testing::Json;
TEST(BusinessKeyTest, StringsAndExactNumbers) {
  auto key = BusinessKey::Compile(Flow("id"), "hub.yaml");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key->Evaluate(Json(R"({"id":"A-1"})")), "A-1");
  EXPECT_EQ(*key->Evaluate(Json(R"({"id":5849301229845123456})")), "5849301229845123456");
  EXPECT_EQ(*key->Evaluate(Json(R"({"id":true})")), "true");
  auto joined = BusinessKey::Compile(Flow("shop & ':' & order.id"), "hub.yaml");
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ(*joined->Evaluate(Json(R"({"shop":"eu","order":{"id":7}})")), "eu:7");
}

TEST(BusinessKeyTest, NothingUsableIsAnError) {
  auto key = BusinessKey::Compile(Flow("id"), "hub.yaml");
  ASSERT_TRUE(key.ok());
  for (const char* payload :
       {R"({})", R"({"id":""})", R"({"id":null})", R"({"id":{"a":1}})", R"({"id":[1,2]})"}) {
    Result<std::string> r = key->Evaluate(Json(payload));
    ASSERT_FALSE(r.ok()) << payload;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  auto failing = BusinessKey::Compile(Flow("$number(id)"), "hub.yaml");
  ASSERT_TRUE(failing.ok());
  Result<std::string> r = failing->Evaluate(Json(R"({"id":"abc"})"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("the key expression failed"), std::string::npos);
}

TEST(BusinessKeyTest, NoExpressionMeansUnordered) {
  auto key = BusinessKey::Compile(Flow(""), "hub.yaml");
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(key->empty());
  EXPECT_EQ(*key->Evaluate(Json(R"({"id":1})")), "");
}

TEST(BusinessKeyTest, CompileErrorsNameTheirPlaceInTheFile) {
  auto key = BusinessKey::Compile(Flow("order.(id"), "hub.yaml");
  ASSERT_FALSE(key.ok());
  const Diagnostic& d = key.error();
  EXPECT_EQ(d.file, "hub.yaml");
  EXPECT_EQ(d.line, 12);
  EXPECT_GT(d.column, 10);
  EXPECT_EQ(d.path, "flows.orders.key");
  EXPECT_NE(d.message.find("does not compile: S0"), std::string::npos) << d.message;
}

}  // namespace
}  // namespace erphub::engine
