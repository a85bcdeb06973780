#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/value.h"
#include "mapping/error.h"

namespace erphub::jsonata {

// What an evaluation may ask of the system around it: the ERP library's value maps and
// cross-references. The defaults answer "not configured" (error D3800 / D3801).
class Host {
 public:
  virtual ~Host() = default;
  // $valueMap(name, key): the value mapped to `key` in table `name`, undefined if the table has
  // no such key; an error if there is no such table.
  virtual JResult<Value> ValueMap(std::string_view table, const Value& key) const;
  // $xref(system, entity, id): the id that `system` uses for the record known by `id`.
  virtual JResult<Value> Xref(std::string_view system, std::string_view entity,
                              const Value& id) const;
};

struct EvalOptions {
  // Maximum nesting of expression evaluation; deeper fails with U1001 rather than overflowing the
  // stack. Tail calls in lambdas do not nest.
  int max_depth = 10000;
  // Wall-clock limit for one evaluation (zero: none); exceeding it fails with U1001.
  std::chrono::milliseconds time_limit{0};
  // Variables bound before evaluation: key "x" is $x.
  const Object* bindings = nullptr;
  const Host* host = nullptr;
  // Milliseconds since the epoch that $now() and $millis() return; negative: the real clock,
  // read once per evaluation.
  int64_t now_millis = -1;
};

class Program;  // the compiled form (defined by the evaluator)

// A compiled JSONata expression. Compile once, evaluate many times, from many threads at once.
class Expression {
 public:
  // Compile errors carry the S0xxx code and the character position.
  static JResult<Expression> Compile(std::string_view text);

  // `input` undefined means no input ($ has no value). Inputs are never modified.
  JResult<Value> Evaluate(const Value& input, const EvalOptions& options = {}) const;

  std::string_view text() const;

 private:
  explicit Expression(std::shared_ptr<const Program> program) : program_(std::move(program)) {}
  // Shared so that copies of an Expression are cheap; the program is immutable.
  std::shared_ptr<const Program> program_;
};

}  // namespace erphub::jsonata
