#include <gtest/gtest.h>

#include "core/json.h"
#include "mapping/fake_call_context.h"

namespace erphub::jsonata {
namespace {

using testing::CallBuiltin;
using testing::FakeCallContext;
using testing::Json;
using testing::MakeFunction;

class CollectionFunctionsTest : public ::testing::Test {
 protected:
  std::string Call(std::string_view name, std::vector<Value> args) {
    JResult<Value> result = CallBuiltin(ctx_, name, std::move(args));
    if (!result.ok()) {
      last_error_ = result.error();
      return "error " + std::string(result.error().code());
    }
    last_ = *result;
    return result->is_undefined() ? "undefined" : ToJson(*result);
  }
  bool LastIsSequence() const { return last_.has_flag(kFlagSequence); }
  static Value S(std::string_view s) { return Value::Str(s); }
  static Value I(int64_t i) { return Value::Int(i); }

  // A function of `arity` parameters that records the arguments it was given.
  Value Recorder(int arity, std::function<Value(std::span<const Value>)> body) {
    return MakeFunction(
        [this, body](std::span<const Value> args) -> JResult<Value> {
          calls_.push_back(Value::MakeArray(Array(args.begin(), args.end())));
          return body(args);
        },
        arity);
  }
  std::string Calls() const { return ToJson(Value::MakeArray(calls_)); }

  FakeCallContext ctx_;
  Value last_;
  Error last_error_{"NONE", ""};
  Array calls_;
};

TEST_F(CollectionFunctionsTest, BooleanNotExists) {
  EXPECT_EQ(Call("boolean", {Json("[0, 0]")}), "false");
  EXPECT_EQ(Call("boolean", {Json("[[[true]]]")}), "true");
  EXPECT_EQ(Call("boolean", {Json("{}")}), "false");
  EXPECT_EQ(Call("boolean", {Value()}), "undefined");
  EXPECT_EQ(Call("not", {S("")}), "true");
  EXPECT_EQ(Call("not", {Value()}), "undefined");
  EXPECT_EQ(Call("exists", {Value::Null()}), "true");
  EXPECT_EQ(Call("exists", {Value()}), "false");
}

TEST_F(CollectionFunctionsTest, Count) {
  EXPECT_EQ(Call("count", {Json("[1,2,3]")}), "3");
  EXPECT_EQ(Call("count", {Value()}), "0");
}

TEST_F(CollectionFunctionsTest, AppendMakesPlainArrays) {
  EXPECT_EQ(Call("append", {Json("[1,2]"), Json("[3,4]")}), "[1,2,3,4]");
  EXPECT_EQ(Call("append", {I(1), I(2)}), "[1,2]");
  EXPECT_FALSE(LastIsSequence());
  EXPECT_EQ(Call("append", {I(1), Value()}), "1");
  EXPECT_EQ(Call("append", {Value(), Json("[2,3]")}), "[2,3]");
}

TEST_F(CollectionFunctionsTest, AppendDoesNotModifyItsInput) {
  Value input = Json("[1]");
  EXPECT_EQ(Call("append", {input, Json("[2]")}), "[1,2]");
  EXPECT_EQ(ToJson(input), "[1]");
}

TEST_F(CollectionFunctionsTest, SortDefaultOrder) {
  EXPECT_EQ(Call("sort", {Json("[1,3,22,11]")}), "[1,3,11,22]");
  EXPECT_EQ(Call("sort", {Json(R"(["b","a","B"])")}), R"(["B","a","b"])");
  EXPECT_EQ(Call("sort", {Json(R"([1,"a"])")}), "error D3070");
  EXPECT_EQ(Call("sort", {Json("[1]")}), "[1]");
  EXPECT_EQ(Call("sort", {Value()}), "undefined");
}

TEST_F(CollectionFunctionsTest, SortWithComparatorIsStable) {
  Value by_price = MakeFunction(
      [](std::span<const Value> args) -> JResult<Value> {
        return Value::Bool(Compare(args[0].Get("p").as_number(), args[1].Get("p").as_number()) > 0);
      },
      2);
  EXPECT_EQ(Call("sort",
                 {Json(R"([{"p":2,"n":1},{"p":1,"n":2},{"p":2,"n":3},{"p":1,"n":4}])"), by_price}),
            R"([{"p":1,"n":2},{"p":1,"n":4},{"p":2,"n":1},{"p":2,"n":3}])");
}

TEST_F(CollectionFunctionsTest, ReverseShuffleDistinct) {
  EXPECT_EQ(Call("reverse", {Json("[1,2,3]")}), "[3,2,1]");
  EXPECT_EQ(Call("shuffle", {Json("[1]")}), "[1]");
  JResult<Value> shuffled = CallBuiltin(ctx_, "shuffle", {Json("[1,2,3,4,5,6,7,8,9,10]")});
  ASSERT_TRUE(shuffled.ok());
  EXPECT_EQ(Call("sort", {*shuffled}), "[1,2,3,4,5,6,7,8,9,10]");
  EXPECT_EQ(Call("distinct", {Json(R"([1,"a",{"x":1},1.0,"a",{"x":1},[2]])")}),
            R"([1,"a",{"x":1},[2]])");
  EXPECT_EQ(Call("distinct", {S("hello")}), "\"hello\"");
}

TEST_F(CollectionFunctionsTest, DistinctKeepsSequenceFlag) {
  Value seq = Json("[1,1,2]");
  seq.set_flag(kFlagSequence);
  EXPECT_EQ(Call("distinct", {seq}), "[1,2]");
  EXPECT_TRUE(LastIsSequence());
}

TEST_F(CollectionFunctionsTest, DistinctComparesNumbersByValue) {
  Value items = Value::MakeArray({Value::Num(*Number::Parse("0.5")), Value::Double(0.5), I(1),
                                  Value::Double(1.0), Value::Num(*Number::Parse("18.90")),
                                  Value::Num(*Number::Parse("18.9"))});
  EXPECT_EQ(Call("distinct", {items}), "[0.5,1,18.9]");
}

TEST_F(CollectionFunctionsTest, Zip) {
  EXPECT_EQ(Call("zip", {Json("[1,2,3]"), Json("[4,5]"), Json("[7,8,9]")}), "[[1,4,7],[2,5,8]]");
  EXPECT_EQ(Call("zip", {Json("[1,2]"), Json("[]")}), "[]");
}

TEST_F(CollectionFunctionsTest, KeysMergesArrayItems) {
  EXPECT_EQ(Call("keys", {Json(R"([{"a":1,"b":2},{"b":3,"c":4}])")}), R"(["a","b","c"])");
  EXPECT_TRUE(LastIsSequence());
  EXPECT_EQ(Call("keys", {S("foo")}), "[]");
}

TEST_F(CollectionFunctionsTest, LookupFlattensArrays) {
  EXPECT_EQ(Call("lookup", {Json(R"({"a":[1,2]})"), S("a")}), "[1,2]");
  EXPECT_EQ(Call("lookup", {Json(R"([{"a":[1,2]},{"a":3},{"b":4}])"), S("a")}), "[1,2,3]");
  EXPECT_TRUE(LastIsSequence());
  EXPECT_EQ(Call("lookup", {S("x"), S("a")}), "undefined");
}

TEST_F(CollectionFunctionsTest, Spread) {
  EXPECT_EQ(Call("spread", {Json(R"({"a":1,"b":2})")}), R"([{"a":1},{"b":2}])");
  EXPECT_TRUE(LastIsSequence());
  EXPECT_EQ(Call("spread", {Json(R"([{"a":1},{"b":2,"c":3}])")}), R"([{"a":1},{"b":2},{"c":3}])");
  EXPECT_FALSE(LastIsSequence());
  EXPECT_EQ(Call("spread", {S("Hello")}), "\"Hello\"");
}

TEST_F(CollectionFunctionsTest, MergeLaterKeysWin) {
  EXPECT_EQ(Call("merge", {Json(R"([{"a":1},{"b":2,"a":3}])")}), R"({"a":3,"b":2})");
  EXPECT_EQ(Call("merge", {Value()}), "undefined");
}

TEST_F(CollectionFunctionsTest, EachPassesValueKeyObjectByArity) {
  Value fn = Recorder(2, [](auto args) { return args[0]; });
  EXPECT_EQ(Call("each", {Json(R"({"a":1,"b":2})"), fn}), "[1,2]");
  EXPECT_EQ(Calls(), R"([[1,"a"],[2,"b"]])");
}

TEST_F(CollectionFunctionsTest, SiftKeepsTruthyEntries) {
  Value fn = Recorder(3, [](auto args) { return args[0]; });
  EXPECT_EQ(Call("sift", {Json(R"({"a":1,"b":0})"), fn}), R"({"a":1})");
  EXPECT_EQ(Calls(), R"([[1,"a",{"a":1,"b":0}],[0,"b",{"a":1,"b":0}]])");
  EXPECT_EQ(Call("sift", {Json(R"({"b":0})"), fn}), "undefined");
}

TEST_F(CollectionFunctionsTest, ErrorAndAssert) {
  EXPECT_EQ(Call("error", {S("Too Expensive")}), "error D3137");
  EXPECT_EQ(last_error_.message(), "Too Expensive");
  EXPECT_EQ(last_error_.position(), 42);
  EXPECT_EQ(Call("error", {}), "error D3137");
  EXPECT_EQ(last_error_.message(), "$error() function evaluated");
  EXPECT_EQ(Call("assert", {Value::Bool(true)}), "undefined");
  EXPECT_EQ(Call("assert", {Value::Bool(false)}), "error D3141");
  EXPECT_EQ(last_error_.message(), "$assert() statement failed");
  EXPECT_EQ(Call("assert", {Value::Bool(false), S("bad")}), "error D3141");
  EXPECT_EQ(last_error_.message(), "bad");
}

TEST_F(CollectionFunctionsTest, Type) {
  EXPECT_EQ(Call("type", {Value::Null()}), "\"null\"");
  EXPECT_EQ(Call("type", {Json("[]")}), "\"array\"");
  EXPECT_EQ(Call("type", {Value()}), "undefined");
}

TEST_F(CollectionFunctionsTest, MapPassesIndexAndArrayByArity) {
  Value one = Recorder(1, [](auto args) { return args[0]; });
  EXPECT_EQ(Call("map", {Json("[5,6]"), one}), "[5,6]");
  EXPECT_TRUE(LastIsSequence());
  EXPECT_EQ(Calls(), "[[5],[6]]");
  calls_.clear();
  Value three = Recorder(3, [](auto) { return Value(); });
  EXPECT_EQ(Call("map", {Json("[5]"), three}), "[]");
  EXPECT_EQ(Calls(), "[[5,0,[5]]]");
  EXPECT_EQ(Call("map", {Value(), three}), "undefined");
}

TEST_F(CollectionFunctionsTest, FilterAndSingle) {
  Value positive =
      MakeFunction([](std::span<const Value> args) -> JResult<Value> { return args[0]; }, 1);
  EXPECT_EQ(Call("filter", {Json("[0,1,2]"), positive}), "[1,2]");
  EXPECT_TRUE(LastIsSequence());
  EXPECT_EQ(Call("single", {Json("[0,1,2]"), positive}), "error D3138");
  EXPECT_EQ(Call("single", {Json("[0,0,2]"), positive}), "2");
  EXPECT_EQ(Call("single", {Json("[0,0]"), positive}), "error D3139");
  EXPECT_EQ(Call("single", {Json("[7]")}), "7");
  EXPECT_EQ(Call("single", {Json("[]")}), "error D3139");
}

TEST_F(CollectionFunctionsTest, ReduceFoldsLeft) {
  Value add = MakeFunction(
      [](std::span<const Value> args) -> JResult<Value> {
        return Value::Num(args[0].as_number() + args[1].as_number());
      },
      2);
  EXPECT_EQ(Call("reduce", {Json("[1,2,3,4,5]"), add}), "15");
  EXPECT_EQ(Call("reduce", {Json("[1,2,3,4,5]"), add, I(2)}), "17");
  EXPECT_EQ(Call("reduce", {Json("[1]"), add}), "1");
  Value index_of = Recorder(4, [](auto args) { return args[2]; });
  EXPECT_EQ(Call("reduce", {Json("[7,8]"), index_of}), "1");
  EXPECT_EQ(Calls(), "[[7,8,1,[7,8]]]");
  Value unary = MakeFunction([](auto) -> JResult<Value> { return Value(); }, 1);
  EXPECT_EQ(Call("reduce", {Json("[1]"), unary}), "error D3050");
}

TEST_F(CollectionFunctionsTest, HofErrorsPropagate) {
  Value failing =
      MakeFunction([](auto) -> JResult<Value> { return Error("D9999", "from the lambda"); }, 1);
  EXPECT_EQ(Call("map", {Json("[1]"), failing}), "error D9999");
  EXPECT_EQ(Call("filter", {Json("[1]"), failing}), "error D9999");
  EXPECT_EQ(Call("sort", {Json("[1,2]"), failing}), "error D9999");
}

}  // namespace
}  // namespace erphub::jsonata
