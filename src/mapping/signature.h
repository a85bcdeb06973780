#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "mapping/arg_list.h"
#include "mapping/error.h"

namespace erphub::jsonata {

// A function signature such as "<s-nn?:s>": the parameter types a function accepts, used to check
// and coerce the arguments of each call as the reference does (T0410, T0411, T0412).
class Signature {
 public:
  // Parses the text between and including the angle brackets. Errors are S0401 (a type parameter
  // on a type other than 'a' or 'f') and S0402 (a parameterised type inside a choice); their
  // position is the offset of the offending symbol within `text`.
  static JResult<std::shared_ptr<const Signature>> Parse(std::string_view text);

  // Checks `args` and appends the arguments to pass to `out`: the context value substituted
  // where the signature has '-' and the argument is missing, non-arrays wrapped where 'a' is
  // expected. `out` must be empty.
  JResult<bool> Validate(std::span<const Value> args, const Value& context, ArgList& out) const;

  // True when `args` can be passed on unchanged: one argument per parameter, each of an
  // accepted type, none to wrap. Validate is then not needed.
  bool AcceptsAsIs(std::span<const Value> args) const;

  // The number of declared parameters.
  int arity() const { return static_cast<int>(params_.size()); }
  std::string_view text() const { return text_; }

 private:
  struct Param {
    char type = 0;
    std::string allowed;  // symbol characters this parameter accepts
    uint32_t mask = 0;    // the same as bits: 1 << (symbol - 'a')
    int min = 1;
    int max = 1;  // -1: unbounded
    bool greedy = true;
    bool context = false;
    std::string subtype;
  };

  // Matches `symbols` against params_[from..] starting at `at`, recording the length each
  // parameter consumed in `lengths`. With `anchored` the whole string must be consumed.
  bool Match(std::string_view symbols, size_t param, size_t at, bool anchored, int* lengths,
             size_t last_param) const;

  std::string text_;
  std::vector<Param> params_;
  // Every parameter takes exactly one argument and none substitutes the context: the common case
  // of built-ins, checked without backtracking.
  bool simple_ = false;
};

// The signature symbol of a value: 'm' (undefined), 'l', 'b', 'n', 's', 'a', 'o', 'f'.
char SignatureSymbol(const Value& v);

}  // namespace erphub::jsonata
