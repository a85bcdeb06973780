#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/value.h"
#include "mapping/error.h"

namespace erphub::jsonata {

// Small helpers over the evaluator's sequences (arrays flagged kFlagSequence).

inline bool IsSequence(const Value& v) { return v.is_array() && v.has_flag(kFlagSequence); }

inline Value MakeSeq(Array items) {
  Value v = Value::MakeArray(std::move(items));
  v.set_flag(kFlagSequence);
  return v;
}

inline Value MakeSeqOf(const Value& item) {
  Array items;
  items.push_back(item);
  return MakeSeq(std::move(items));
}

// The reference's fn.append: undefined operands are ignored; otherwise both sides become arrays
// and are concatenated into a new (plain) array.
Value AppendValues(const Value& a, const Value& b);

// fn.lookup: the field `key` of an object; over an array, the lookup of each item, flattened
// into a sequence.
Value LookupField(const Value& input, std::string_view key);

// JavaScript's === on JSONata values: by value for scalars, by identity for the rest.
bool StrictEquals(const Value& a, const Value& b);

// An error with the reference code, a message for the code, and optional details.
Error MakeEvalError(std::string_view code, int64_t position, Value value = {},
                    std::string token = {});

// The lowest stack address recursion may reach on this thread: the end of the thread's stack plus
// a safety margin; 0 if unknown.
uintptr_t StackFloor();

// True when the calling function runs below StackFloor(): recursion must stop.
inline bool StackExhausted(uintptr_t floor) {
  return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < floor;
}

// A deep copy of arrays and objects (fresh boxes all the way down); scalars are shared.
Value DeepClone(const Value& v);

}  // namespace erphub::jsonata
