#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "mapping/function.h"

namespace erphub::jsonata {

// A CallContext for calling built-ins directly: a fixed clock, no evaluator behind it (for the
// formatting and date built-ins; fake_call_context.h also fakes function values).
class FakeCallContext : public CallContext {
 public:
  explicit FakeCallContext(int64_t now_millis = 0) : now_millis_(now_millis) {}

  JResult<Value> Apply(const Value&, std::span<const Value>) override {
    return Error("T1006", "no evaluator in this test");
  }
  int Arity(const Value&) const override { return 0; }
  int64_t NowMillis() const override { return now_millis_; }
  const Host& host() const override { return host_; }
  JResult<Value> Eval(std::string_view, const Value&) override {
    return Error("D3120", "no evaluator in this test");
  }
  int64_t position() const override { return 7; }

 private:
  int64_t now_millis_;
  Host host_;
};

// Calls the built-in `name` of `table` with `args` (missing optional arguments undefined).
inline JResult<Value> CallBuiltin(std::span<const BuiltinFunction> table, std::string_view name,
                                  std::initializer_list<Value> args, CallContext& ctx) {
  std::vector<Value> values(args);
  values.resize(4);
  for (const BuiltinFunction& f : table) {
    if (f.name == name) {
      return f.fn(ctx, values);
    }
  }
  return Error("T1006", "no built-in named " + std::string(name));
}

}  // namespace erphub::jsonata
