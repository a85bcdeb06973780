#pragma once

// Calls built-in functions directly, without the evaluator: a CallContext whose function values
// are C++ lambdas, plus a regex-like matcher built on std::regex (byte-wise patterns).

#include <functional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/value.h"
#include "json_literal.h"
#include "mapping/function.h"
#include "mapping/jsonata.h"
#include "mapping/value_ops.h"

namespace erphub::jsonata::testing {

class TestFunction : public Callable {
 public:
  using Body = std::function<JResult<Value>(std::span<const Value>)>;
  TestFunction(Body body, int arity) : body_(std::move(body)), arity_(arity) {}

  JResult<Value> Call(std::span<const Value> args) const { return body_(args); }
  int arity() const { return arity_; }

 private:
  Body body_;
  int arity_;
};

inline Value MakeFunction(TestFunction::Body body, int arity) {
  return Value::Function(new TestFunction(std::move(body), arity));
}

class FakeCallContext : public CallContext {
 public:
  JResult<Value> Apply(const Value& fn, std::span<const Value> args) override {
    ++apply_count;
    const auto* test_fn =
        fn.is_function() ? dynamic_cast<TestFunction*>(fn.as_function()) : nullptr;
    if (test_fn == nullptr) {
      return MakeError("T1006", "Attempted to invoke a non-function");
    }
    return test_fn->Call(args);
  }
  int Arity(const Value& fn) const override {
    const auto* test_fn =
        fn.is_function() ? dynamic_cast<TestFunction*>(fn.as_function()) : nullptr;
    return test_fn == nullptr ? 0 : test_fn->arity();
  }
  int64_t NowMillis() const override { return 0; }
  const Host& host() const override { return host_; }
  JResult<Value> Eval(std::string_view, const Value&) override {
    return MakeError("D3120", "not available in this test");
  }
  int64_t position() const override { return 42; }

  int apply_count = 0;

 private:
  Host host_;
};

using ::erphub::testing::Json;

// Finds a built-in by name in the three libraries under test.
inline const BuiltinFunction* FindBuiltin(std::string_view name) {
  for (auto table : {StringFunctions(), NumericFunctions(), CollectionFunctions()}) {
    for (const BuiltinFunction& fn : table) {
      if (fn.name == name) {
        return &fn;
      }
    }
  }
  return nullptr;
}

inline JResult<Value> CallBuiltin(FakeCallContext& ctx, std::string_view name,
                                  std::vector<Value> args) {
  const BuiltinFunction* fn = FindBuiltin(name);
  if (fn == nullptr) {
    return Error("TEST", "no built-in named " + std::string(name));
  }
  return fn->fn(ctx, args);
}

// A matcher like the evaluator's regex values: called with a string, returns
// {match, start, end, groups, next} (positions in characters) or undefined.
inline Value MatchFrom(std::shared_ptr<std::regex> re, std::string subject, size_t from) {
  std::smatch m;
  if (from > subject.size() ||
      !std::regex_search(subject.cbegin() + static_cast<std::ptrdiff_t>(from), subject.cend(), m,
                         *re)) {
    return Value();
  }
  size_t start = from + static_cast<size_t>(m.position(0));
  size_t end = start + static_cast<size_t>(m.length(0));
  Value result = Value::MakeObject();
  result.Set("match", Value::Str(m.str(0)));
  // Positions count code points, as JSONata's string functions do.
  auto code_points = [&](size_t bytes) {
    return static_cast<int64_t>(CodePointCount(std::string_view(subject).substr(0, bytes)));
  };
  result.Set("start", Value::Int(code_points(start)));
  result.Set("end", Value::Int(code_points(end)));
  Value groups = Value::MakeArray();
  for (size_t i = 1; i < m.size(); ++i) {
    groups.push_back(m[i].matched ? Value::Str(m.str(i)) : Value());
  }
  result.Set("groups", groups);
  size_t next_from = end == start ? end + 1 : end;
  result.Set("next", MakeFunction(
                         [re, subject, next_from](std::span<const Value>) -> JResult<Value> {
                           return MatchFrom(re, subject, next_from);
                         },
                         0));
  return result;
}

inline Value MakeRegex(std::string pattern, std::regex::flag_type flags = std::regex::ECMAScript) {
  auto re = std::make_shared<std::regex>(pattern, flags);
  return MakeFunction(
      [re](std::span<const Value> args) -> JResult<Value> {
        if (args.empty() || !args[0].is_string()) {
          return Value();
        }
        return MatchFrom(re, std::string(args[0].as_string()), 0);
      },
      1);
}

}  // namespace erphub::jsonata::testing
