#include "mapping/signature.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "json_literal.h"

namespace erphub::jsonata {
namespace {

using ::erphub::testing::Json;

// Validates `args` (a JSON array) and returns the coerced arguments as JSON, or the error code.
std::string Check(std::string_view signature, std::string_view args,
                  const Value& context = Value()) {
  auto sig = Signature::Parse(signature);
  if (!sig.ok()) {
    return std::string(sig.error().code());
  }
  Value list = Json(args);
  ArgList out;
  auto ok = (*sig)->Validate(list.as_array(), context, out);
  if (!ok.ok()) {
    return std::string(ok.error().code());
  }
  Value result = Value::MakeArray();
  for (const Value& v : out.span()) {
    result.push_back(v.is_undefined() ? Value::Str("<undefined>") : v);
  }
  return ToJson(result);
}

TEST(SignatureTest, AcceptsMatchingArguments) {
  EXPECT_EQ(Check("<s-nn?:s>", R"(["abc", 1])"), R"(["abc",1,"<undefined>"])");
  EXPECT_EQ(Check("<s-nn?:s>", R"(["abc", 1, 2])"), R"(["abc",1,2])");
  EXPECT_EQ(Check("<x-b?:s>", "[]", Value::Int(5)), R"([5,"<undefined>"])");
}

TEST(SignatureTest, SubstitutesTheContextForAMissingFirstArgument) {
  EXPECT_EQ(Check("<s-nn?:s>", "[1, 2]", Value::Str("ctx")), R"(["ctx",1,2])");
  EXPECT_EQ(Check("<s-:s>", "[]", Value::Int(5)), "T0411");
}

TEST(SignatureTest, WrapsSingleValuesWhereArraysAreExpected) {
  EXPECT_EQ(Check("<a<n>:n>", "[5]"), "[[5]]");
  EXPECT_EQ(Check("<a<n>:n>", "[[1, 2]]"), "[[1,2]]");
  EXPECT_EQ(Check("<a<n>:n>", R"([[1, "x"]])"), "T0412");
  EXPECT_EQ(Check("<a<s>s?:s>", R"(["a", "-"])"), R"([["a"],"-"])");
}

TEST(SignatureTest, ReportsTheFirstMismatch) {
  EXPECT_EQ(Check("<nn:n>", R"([1, "x"])"), "T0410");
  EXPECT_EQ(Check("<n:n>", "[1, 2]"), "T0410");
  EXPECT_EQ(Check("<f:n>", "[1]"), "T0410");
  EXPECT_EQ(Check("<(sn)+:s>", R"([1, "a", true])"), "T0410");
  EXPECT_EQ(Check("<(sn)+:s>", R"([1, "a", 2])"), R"([1,"a",2])");
}

TEST(SignatureTest, RejectsMalformedSignatures) {
  EXPECT_EQ(Check("<s<n>:s>", "[]"), "S0401");
  EXPECT_EQ(Check("<(a<n>s):s>", "[]"), "S0402");
}

TEST(SignatureTest, CountsParameters) {
  EXPECT_EQ((*Signature::Parse("<s-nn?:s>"))->arity(), 3);
  EXPECT_EQ((*Signature::Parse("<af?:a>"))->arity(), 2);
}

}  // namespace
}  // namespace erphub::jsonata
