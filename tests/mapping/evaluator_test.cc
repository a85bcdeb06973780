#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <thread>

#include "core/json.h"
#include "json_literal.h"
#include "mapping/jsonata.h"

namespace erphub::jsonata {
namespace {

using ::erphub::testing::Json;

std::string Eval(std::string_view expr, std::string_view input = "null",
                 const EvalOptions& options = {}) {
  auto compiled = Expression::Compile(expr);
  if (!compiled.ok()) {
    return "compile " + compiled.error().ToString();
  }
  auto result = compiled->Evaluate(Json(input), options);
  if (!result.ok()) {
    return "error " + std::string(result.error().code());
  }
  if (result->is_undefined()) {
    return "undefined";
  }
  return ToJson(*result);
}

constexpr std::string_view kAccount = R"({"Account": {"Order": [
  {"OrderID": "o1", "Product": [{"Price": 34.45, "Quantity": 2}, {"Price": 21.67, "Quantity": 1}]},
  {"OrderID": "o2", "Product": [{"Price": 34.45, "Quantity": 4}, {"Price": 107.99, "Quantity": 1}]}
]}})";

TEST(EvaluatorTest, NavigatesPathsAndFlattens) {
  EXPECT_EQ(Eval("Account.Order.Product.Price", kAccount), "[34.45,21.67,34.45,107.99]");
  EXPECT_EQ(Eval("Account.Order[0].OrderID", kAccount), "\"o1\"");
  EXPECT_EQ(Eval("Account.Order[-1].Product[0].Quantity", kAccount), "4");
  EXPECT_EQ(Eval("Account.Order.Product[Price > 30].Quantity", kAccount), "[2,4,1]");
  EXPECT_EQ(Eval("Account.Order[1].Product[0].Price[]", kAccount), "[34.45]");
  EXPECT_EQ(Eval("Account.Nothing", kAccount), "undefined");
}

TEST(EvaluatorTest, ArithmeticIsExact) {
  EXPECT_EQ(Eval("0.1 + 0.2"), "0.3");
  EXPECT_EQ(Eval("Account.Order[0].Product[0].(Price * Quantity)", kAccount), "68.9");
  EXPECT_EQ(Eval("7 % 3 & '-' & 2 * -3"), "\"1--6\"");
  EXPECT_EQ(Eval("1 / 0"), "error D1001");
  EXPECT_EQ(Eval("'a' + 1"), "error T2001");
  EXPECT_EQ(Eval("1 < 'a'"), "error T2009");
}

TEST(EvaluatorTest, ConditionsBlocksAndVariables) {
  EXPECT_EQ(Eval("($x := 3; $y := $x * 2; $x < $y ? 'yes' : 'no')"), "\"yes\"");
  EXPECT_EQ(Eval("nothing ?? 'default'"), "\"default\"");
  EXPECT_EQ(Eval("'' ?: 'empty'"), "\"empty\"");
  EXPECT_EQ(Eval("[1..4][$ % 2 = 0]"), "[2,4]");
}

TEST(EvaluatorTest, ObjectConstructionAndGrouping) {
  EXPECT_EQ(Eval("Account.Order{OrderID: $sum(Product.Quantity)}", kAccount),
            "{\"o1\":3,\"o2\":5}");
  EXPECT_EQ(Eval("Account.Order{OrderID: Product.Quantity}", kAccount),
            R"({"o1":[2,1],"o2":[4,1]})");
  EXPECT_EQ(Eval("{'a': 1, 'a': 2}"), "error D1009");
  EXPECT_EQ(Eval("{1: 2}"), "error T1003");
  EXPECT_EQ(Eval("Account.Order.{'id': OrderID}", kAccount), "[{\"id\":\"o1\"},{\"id\":\"o2\"}]");
}

TEST(EvaluatorTest, LambdasClosuresAndPartialApplication) {
  EXPECT_EQ(Eval("($add := function($a, $b){ $a + $b }; $inc := $add(?, 1); $inc(41))"), "42");
  EXPECT_EQ(Eval("($f := function($x){ function($y){ $x * $y } }; $f(3)(4))"), "12");
  EXPECT_EQ(Eval("function($x)<n:n>{ $x }('a')"), "error T0410");
}

// True when nothing but `value` holds its object: a leaked closure would still hold the input.
// (A function returned in the result keeps its scope, as it must; those are not freed here.)
bool SoleOwner(Value& value) {
  const Object* before = &value.as_object();
  return &value.mutable_object() == before;  // copy-on-write copies a shared object
}

TEST(EvaluatorTest, ClosuresBoundInTheirOwnScopeAreFreedAfterEvaluation) {
  for (std::string_view expr :
       {"($f := function($x){ $x.n }; $f($))", "($f := function($x){ $x.n }; {\"v\": [$f($)]})",
        "[1, 2].($f := function($x){ $x * %.n }; $f($))",
        "($g := ($k := 2; function($x){ $x.n * $k }); $g($))",
        "($f := function($n){ $n = 0 ? 0 : $f($n - 1) }; $f(3))",
        "($f := function($x){ $x }; $f(1) + $undefined())",
        "$map([1, 2], function($v){ $v + n })"}) {
    auto compiled = Expression::Compile(expr);
    ASSERT_TRUE(compiled.ok()) << expr;
    Value input = Json(R"({"n": 5})");
    (void)compiled->Evaluate(input);
    EXPECT_TRUE(SoleOwner(input)) << expr;
  }
}

TEST(EvaluatorTest, FunctionsInTheResultStayUsable) {
  auto make = Expression::Compile("($k := 10; {\"add\": function($x){ $x + $k }})");
  ASSERT_TRUE(make.ok());
  auto made = make->Evaluate(Value::Null());
  ASSERT_TRUE(made.ok());
  Object bindings;
  bindings.Set("add", made->Get("add"));
  auto use = Expression::Compile("($f := function($y){ $add($y) }; $f(1) + $f(2))");
  ASSERT_TRUE(use.ok());
  EvalOptions options;
  options.bindings = &bindings;
  for (int i = 0; i < 2; ++i) {
    auto used = use->Evaluate(Value::Null(), options);
    ASSERT_TRUE(used.ok()) << used.error().ToString();
    EXPECT_EQ(ToJson(*used), "23");
  }
}

TEST(EvaluatorTest, TailCallsRunInConstantDepth) {
  EvalOptions options;
  options.max_depth = 100;
  EXPECT_EQ(Eval("($loop := function($n){ $n = 0 ? 'done' : $loop($n - 1) }; $loop(10000))", "null",
                 options),
            "\"done\"");
  EXPECT_EQ(Eval("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000))", "null", options),
            "error U1001");
}

TEST(EvaluatorTest, ClosuresThatEscapeKeepTheirScope) {
  // The lambda escapes in the result, so the frame it refers to must stay intact.
  auto e = Expression::Compile("($k := 7; {'f': function(){ $k }, 'k': function(){ $k }()})");
  ASSERT_TRUE(e.ok());
  for (int i = 0; i < 3; i++) {
    auto r = e->Evaluate(Value());
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->Get("f").is_function());
    EXPECT_EQ(ToJson(r->Get("k")), "7");
  }
  // A lambda bound in its own scope is a reference cycle, broken when the evaluation ends.
  EXPECT_EQ(Eval("($f := function($n){ $n > 0 ? $f($n - 1) : 'end' }; $f(3))"), "\"end\"");
}

TEST(EvaluatorTest, DeepNestingIsAnErrorNotACrash) {
  std::string nested(5000, '(');
  nested += "1";
  nested += std::string(5000, ')');
  auto e = Expression::Compile(nested);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code(), "U1001");
  std::string chain = "a";
  for (int i = 0; i < 20000; i++) {
    chain += ".a";
  }
  EXPECT_FALSE(Expression::Compile(chain).ok());
}

TEST(EvaluatorTest, RecursionStopsBeforeTheThreadStackEnds) {
  // A thread with a small stack: the evaluator must stop with U1001 before overflowing it.
  auto e = Expression::Compile("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(5000))");
  ASSERT_TRUE(e.ok());
  std::string outcome;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  struct Job {
    const Expression* e;
    std::string* outcome;
  } job{&*e, &outcome};
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* p) -> void* {
                  auto* j = static_cast<Job*>(p);
                  EvalOptions options;
                  options.max_depth = 1000000;
                  auto r = j->e->Evaluate(Value(), options);
                  *j->outcome = r.ok() ? "ok" : std::string(r.error().code());
                  return nullptr;
                },
                &job),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_EQ(outcome, "U1001");
}

TEST(EvaluatorTest, TimeLimitStopsEndlessLoops) {
  EvalOptions options;
  options.time_limit = std::chrono::milliseconds(50);
  EXPECT_EQ(Eval("($inf := function(){ $inf() }; $inf())", "null", options), "error U1001");
}

TEST(EvaluatorTest, TransformCopiesAndLeavesInputAlone) {
  Value input = Json(R"({"a": {"b": 1, "c": 2}})");
  auto e = Expression::Compile("$ ~> |a|{'b': 10}, ['c']|");
  ASSERT_TRUE(e.ok());
  auto r = e->Evaluate(input);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToJson(*r), R"({"a":{"b":10}})");
  EXPECT_EQ(ToJson(input), R"({"a":{"b":1,"c":2}})");
}

TEST(EvaluatorTest, ParentOperator) {
  EXPECT_EQ(Eval("Account.Order.Product.{'o': %.OrderID, 'p': Price}[0]", kAccount),
            R"({"o":"o1","p":34.45})");
}

TEST(EvaluatorTest, OneExpressionManyThreads) {
  auto e = Expression::Compile("Account.Order.Product[Price > 30].(Price * Quantity)");
  ASSERT_TRUE(e.ok());
  Value input = Json(kAccount);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; i++) {
        auto r = e->Evaluate(input);
        if (!r.ok() || ToJson(*r) != "[68.9,137.8,107.99]") {
          failures++;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(failures.load(), 0);
}

TEST(EvaluatorTest, CompileErrorsCarryCharacterPositions) {
  auto e = Expression::Compile("\"\u00e9\u00e9\" + )");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code(), "S0211");
  EXPECT_EQ(e.error().position(), 8);
}

TEST(EvaluatorTest, RequiredArgumentsThatEvaluateToNothingAreErrors) {
  // The signature lets undefined through; these functions answer an error instead of failing.
  for (std::string_view expr :
       {"$formatNumber(42, nothing)", "$formatInteger(42, nothing)", "$parseInteger('1', nothing)",
        "$formatDate('2024-03-15', nothing)", "$parseDate('15.03.2024', nothing)",
        "$money(1, nothing)", "$convertUnit(1, nothing, 'kg')", "$convertUnit(1, 'kg', nothing)",
        "$valueMap(nothing, 'x')", "$xref(nothing, 'item', 'x')", "$xref('erp', nothing, 'x')"}) {
    EXPECT_EQ(Eval(expr, "{}"), "error T0410") << expr;
  }
  EXPECT_EQ(Eval("$formatNumber(nothing, nothing)", "{}"), "undefined");
}

TEST(EvaluatorTest, ExpressionTextMustBeUtf8) {
  std::string compiled = Eval("$formatNumber(42, \xD7\xDA\x1D\x7F\xB0')");
  EXPECT_NE(compiled.find("S0107"), std::string::npos) << compiled;
  EXPECT_EQ(Eval("'caf\xC3\xA9' & '\\ud800'"), "\"caf\xC3\xA9\\ud800\"");
}

}  // namespace
}  // namespace erphub::jsonata
