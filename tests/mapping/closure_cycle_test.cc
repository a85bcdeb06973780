// Closures bound in their own frames, and the scoping rules that frame sharing relies on.

#include <gtest/gtest.h>

#include "core/json.h"
#include "mapping/jsonata.h"

namespace erphub::jsonata {
namespace {

std::string Show(const JResult<Value>& result) {
  if (!result.ok()) {
    return "error " + std::string(result.error().code());
  }
  if (result->is_undefined()) {
    return "undefined";
  }
  if (result->is_function()) {
    return "function";
  }
  return ToJson(*result);
}

std::string Eval(std::string_view expr, const EvalOptions& options = {}) {
  auto compiled = Expression::Compile(expr);
  if (!compiled.ok()) {
    return "compile " + compiled.error().ToString();
  }
  return Show(compiled->Evaluate(Value(), options));
}

// Calls the function `fn` with `arg` from a second evaluation, as a binding.
std::string CallLater(const Value& fn, int arg) {
  Object bindings;
  bindings.Set("fn", fn);
  EvalOptions options;
  options.bindings = &bindings;
  return Eval("$fn(" + std::to_string(arg) + ")", options);
}

// A lambda bound in the frame it closes over is a reference cycle; returning it must not leak
// the frame (LeakSanitizer fails this test otherwise).
TEST(ClosureCycleTest, ReturnedSelfBoundLambdaIsFreed) {
  EXPECT_EQ(Eval("($f := function($x){$f($x)}; $f)"), "function");
  EXPECT_EQ(Eval("($f := function($x){$f($x)}; {'a': [$f]})"), "{\"a\":[null]}");
}

TEST(ClosureCycleTest, ReturnedLambdaStillRecursesWhenCalledLater) {
  auto compiled = Expression::Compile("($f := function($n){$n <= 0 ? 'done' : $f($n - 1)}; $f)");
  ASSERT_TRUE(compiled.ok());
  JResult<Value> fn = compiled->Evaluate(Value());
  ASSERT_TRUE(fn.ok() && fn->is_function());
  EXPECT_EQ(CallLater(*fn, 3), "\"done\"");
  EXPECT_EQ(CallLater(*fn, 0), "\"done\"");
}

TEST(ClosureCycleTest, MutuallyRecursiveLambdasSurviveThroughTheReturnedOne) {
  auto compiled = Expression::Compile(
      "($g := function($n){$n <= 0 ? 'done' : $h($n - 1)}; $h := function($n){$g($n)}; $g)");
  ASSERT_TRUE(compiled.ok());
  JResult<Value> fn = compiled->Evaluate(Value());
  ASSERT_TRUE(fn.ok() && fn->is_function());
  EXPECT_EQ(CallLater(*fn, 4), "\"done\"");
}

TEST(ClosureCycleTest, RecursionWithinOneEvaluation) {
  EXPECT_EQ(Eval("($f := function($n){$n <= 1 ? 1 : $n * $f($n - 1)}; $f(5))"), "120");
  EXPECT_EQ(Eval("($f := function($n){$n <= 1 ? 1 : $n * $f($n - 1)}; [$f(3), $f(4)])"), "[6,24]");
}

TEST(BlockScopeTest, BlocksWithoutAssignmentsSeeAndLeaveTheSameNames) {
  EXPECT_EQ(Eval("($y := 1; ($y + 1))"), "2");
  EXPECT_EQ(Eval("($y := 1; ($y := 5; $y); $y)"), "1");
  EXPECT_EQ(Eval("($y := 1; (true ? ($y := 7) : 0); $y)"), "1");
  EXPECT_EQ(Eval("($y := 1; [1, 2].($y := $ * 10); $y)"), "1");
  EXPECT_EQ(Eval("($y := 1; ($g := function(){ $y }); $g())"), "error T1006");
  EXPECT_EQ(Eval("($y := 1; ($z := function(){ $y }; $z()))"), "1");
}

TEST(BlockScopeTest, EvalBindsInTheCallersBlock) {
  EXPECT_EQ(Eval("($f := $eval; ($f('$z := 5'); $z))"), "5");
  EXPECT_EQ(Eval("($f := $eval; ($f('$z := 5')); $z)"), "undefined");
  EXPECT_EQ(Eval("(($eval('$z := 6'); $z))"), "6");
}

TEST(BlockScopeTest, IndexedPathsEndingInABlock) {
  // Expected values from the reference implementation.
  const Value input = *ParseJson(R"({"items": ["a", "b"], "nested": [[1, 2], [3]], "one": ["a"]})");
  auto eval = [&](std::string_view expr) {
    auto compiled = Expression::Compile(expr);
    return compiled.ok() ? Show(compiled->Evaluate(input)) : "compile error";
  };
  EXPECT_EQ(eval("items#$i.($ & $i)"), R"(["a0","b1"])");
  EXPECT_EQ(eval(R"(items#$i.{"v": $, "i": $i})"), R"([{"v":"a","i":0},{"v":"b","i":1}])");
  EXPECT_EQ(eval("nested#$i.($)"), "[1,2,3]");
  EXPECT_EQ(eval("one#$i.($i)"), "0");
  EXPECT_EQ(eval("items#$i.[$i]"), "[0,1]");
  EXPECT_EQ(eval("items#$i.($i)[1]"), "1");
  EXPECT_EQ(eval("items@$v#$i.($v & $i)"), R"(["a0","b1"])");
  EXPECT_EQ(eval("['a', 'b']#$i.($ & $i)"), R"(["a","b"])");
}

TEST(StringOperatorsTest, ConcatenationAndAsciiCase) {
  EXPECT_EQ(Eval("'x' & $missing & 'y'"), "\"xy\"");
  EXPECT_EQ(Eval("1 & 2.50 & true"), "\"12.5true\"");
  EXPECT_EQ(Eval("'a long string of text, ' & 'longer than any inline string'"),
            "\"a long string of text, longer than any inline string\"");
  EXPECT_EQ(Eval("$uppercase('az{`@AZ[ß')"), "\"AZ{`@AZ[SS\"");
  EXPECT_EQ(Eval("$lowercase('AZ@[az`{É')"), "\"az@[az`{é\"");
}

}  // namespace
}  // namespace erphub::jsonata
