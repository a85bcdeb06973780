#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/value.h"
#include "mapping/error.h"
#include "mapping/jsonata.h"

namespace erphub::jsonata {

// What a built-in function may ask of the evaluator that calls it.
class CallContext {
 public:
  virtual ~CallContext() = default;
  // Calls a function value (lambda, built-in or partial application) with `args`.
  virtual JResult<Value> Apply(const Value& fn, std::span<const Value> args) = 0;
  // The number of parameters a function value declares (higher-order functions pass the index
  // and the whole array only to functions that take them).
  virtual int Arity(const Value& fn) const = 0;
  // The evaluation's timestamp in milliseconds since the epoch (fixed for one evaluation).
  virtual int64_t NowMillis() const = 0;
  virtual const Host& host() const = 0;
  // Compiles and evaluates `text` ($eval) against `input`, within this evaluation's limits.
  virtual JResult<Value> Eval(std::string_view text, const Value& input) = 0;
  // Position of the call in the expression, for errors.
  virtual int64_t position() const = 0;

  Error MakeError(std::string code, std::string message) const {
    return Error(std::move(code), std::move(message), position());
  }
};

// A built-in's code. The evaluator has already checked and coerced the arguments against the
// signature: a missing optional argument is undefined; where the signature has '-' the context
// value was substituted; `a<n>` parameters arrive as arrays. Return a Value (undefined for no
// result); mark arrays that JSONata treats as sequences with kFlagSequence.
using NativeFunction = JResult<Value> (*)(CallContext& ctx, std::span<const Value> args);

struct BuiltinFunction {
  std::string_view name;       // without '$'
  std::string_view signature;  // JSONata signature, e.g. "<s-nn?:s>"
  NativeFunction fn;
};

// The tables of built-ins, one per library file; the evaluator registers them all.
std::span<const BuiltinFunction> StringFunctions();      // functions_string.cc
std::span<const BuiltinFunction> NumericFunctions();     // functions_numeric.cc
std::span<const BuiltinFunction> CollectionFunctions();  // functions_collection.cc: array,
                                                         // object, boolean, higher-order
std::span<const BuiltinFunction> FormatFunctions();      // functions_format.cc: $formatNumber,
                                                         // $formatInteger, $parseInteger,
                                                         // $formatBase
std::span<const BuiltinFunction> DateTimeFunctions();    // functions_datetime.cc
std::span<const BuiltinFunction> ErpFunctions();         // functions_erp.cc: ERP dates
std::span<const BuiltinFunction> ErpValueFunctions();    // functions_erp_values.cc: $decimal,
                                                         // $money, $convertUnit, $valueMap,
                                                         // $xref

}  // namespace erphub::jsonata
