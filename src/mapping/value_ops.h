#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/value.h"
#include "mapping/error.h"

namespace erphub::jsonata {

// JSONata's conversions and helpers over Value, shared by the evaluator and the built-ins.

// $boolean semantics: false for undefined, null, false, 0, "", empty arrays and objects, and
// arrays whose members are all false; functions are false; everything else true.
bool IsTruthy(const Value& v);

// $type: "null", "boolean", "number", "string", "array", "object", "function"; empty for undefined.
std::string_view TypeName(const Value& v);

// A number as $string writes it: 15 significant digits, then the shortest form
// (0.1 + 0.2 gives "0.3"); exact numbers print exactly.
std::string NumberToString(const Number& n);

// $string semantics: strings unchanged, numbers by NumberToString, null/booleans as JSON,
// functions as "", arrays and objects as compact JSON (numbers inside by NumberToString), or with
// `pretty` indented by 2. Non-finite numbers are error D3001.
JResult<std::string> StringOf(const Value& v, bool pretty = false);

// An empty JSONata sequence (an array flagged kFlagSequence).
Value MakeSequence();
// Appends `v` to the sequence `seq`, flattening one level if `v` is an array, as the reference's
// path steps do; undefined is skipped.
void AppendToSequence(Value& seq, const Value& v);

// Unicode code points in UTF-8 text (JSONata's string length; a lone surrogate counts as one).
size_t CodePointCount(std::string_view s);
// Byte offset of the code point with index `cp` (or s.size() past the end).
size_t CodePointOffset(std::string_view s, size_t cp);

// For sorting and comparison: numbers with numbers, strings with strings (by UTF-16 code units as
// JavaScript does); returns <0, 0, >0.
int CompareStrings(std::string_view a, std::string_view b);

}  // namespace erphub::jsonata
