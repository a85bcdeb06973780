// JSONata's boolean, array, object and higher-order functions. Results that the reference builds
// as sequences are flagged kFlagSequence so that the evaluator unwraps singletons the same way.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "mapping/function.h"
#include "mapping/value_ops.h"

namespace erphub::jsonata {
namespace {

using Args = std::span<const Value>;

const Value& Arg(Args args, size_t i) {
  static const Value& undefined = *new Value();
  return i < args.size() ? args[i] : undefined;
}

// The items of an array argument; any other defined value is a one-item array.
std::span<const Value> Items(const Value& arg) {
  if (arg.is_array()) {
    return arg.as_array();
  }
  if (arg.is_undefined()) {
    return {};
  }
  return std::span<const Value>(&arg, 1);
}

Value SequenceOf(Array items) {
  Value sequence = Value::MakeArray(std::move(items));
  sequence.set_flag(kFlagSequence);
  return sequence;
}

std::mt19937_64& RandomEngine() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

// ---- Boolean ----

JResult<Value> FnBoolean(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  return arg.is_undefined() ? Value() : Value::Bool(IsTruthy(arg));
}

JResult<Value> FnNot(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  return arg.is_undefined() ? Value() : Value::Bool(!IsTruthy(arg));
}

JResult<Value> FnExists(CallContext&, Args args) {
  return Value::Bool(!Arg(args, 0).is_undefined());
}

// ---- Arrays ----

JResult<Value> FnCount(CallContext&, Args args) {
  return Value::Int(static_cast<int64_t>(Items(Arg(args, 0)).size()));
}

// The reference's append(): undefined operands give the other one unchanged; otherwise a new
// (plain, non-sequence) array with the items of both.
Value Append(const Value& first, const Value& second) {
  if (first.is_undefined()) {
    return second;
  }
  if (second.is_undefined()) {
    return first;
  }
  Array items;
  std::span<const Value> a = Items(first);
  std::span<const Value> b = Items(second);
  items.reserve(a.size() + b.size());
  items.insert(items.end(), a.begin(), a.end());
  items.insert(items.end(), b.begin(), b.end());
  return Value::MakeArray(std::move(items));
}

JResult<Value> FnAppend(CallContext&, Args args) { return Append(Arg(args, 0), Arg(args, 1)); }

JResult<Value> FnReverse(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  if (!arg.is_array() || arg.size() <= 1) {
    return arg;
  }
  const Array& items = arg.as_array();
  return Value::MakeArray(Array(items.rbegin(), items.rend()));
}

JResult<Value> FnShuffle(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  if (!arg.is_array() || arg.size() <= 1) {
    return arg;
  }
  Array items = arg.as_array();
  std::shuffle(items.begin(), items.end(), RandomEngine());
  return Value::MakeArray(std::move(items));
}

JResult<Value> FnDistinct(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  if (!arg.is_array() || arg.size() <= 1) {
    return arg;
  }
  // Strings and numbers are looked up by hash (numbers by their nearest double, then compared
  // exactly); other values by deep comparison with the other kept values.
  Array distinct;
  std::unordered_set<std::string_view> strings;  // views into `arg`, which outlives the set
  std::unordered_map<double, std::vector<Number>> numbers;
  std::vector<const Value*> others;
  for (const Value& item : arg.as_array()) {
    bool seen = false;
    if (item.is_string()) {
      seen = !strings.insert(item.as_string()).second;
    } else if (item.is_number()) {
      std::vector<Number>& same_double = numbers[item.as_number().ToDouble()];
      for (const Number& kept : same_double) {
        seen = seen || Compare(kept, item.as_number()) == 0;
      }
      if (!seen) {
        same_double.push_back(item.as_number());
      }
    } else {
      for (const Value* kept : others) {
        if (DeepEqual(item, *kept)) {
          seen = true;
          break;
        }
      }
      if (!seen) {
        others.push_back(&item);
      }
    }
    if (!seen) {
      distinct.push_back(item);
    }
  }
  Value result = Value::MakeArray(std::move(distinct));
  if (arg.has_flag(kFlagSequence)) {
    result.set_flag(kFlagSequence);
  }
  return result;
}

JResult<Value> FnZip(CallContext&, Args args) {
  Array tuples;
  if (args.empty()) {
    return Value::MakeArray();
  }
  size_t length = SIZE_MAX;
  for (const Value& arg : args) {
    length = std::min(length, arg.is_array() ? arg.size() : size_t{0});
  }
  tuples.reserve(length);
  for (size_t i = 0; i < length; ++i) {
    Array tuple;
    tuple.reserve(args.size());
    for (const Value& arg : args) {
      tuple.push_back(arg[i]);
    }
    tuples.push_back(Value::MakeArray(std::move(tuple)));
  }
  return Value::MakeArray(std::move(tuples));
}

// JavaScript truthiness, which the reference applies to a sort comparator's result.
bool IsJsTruthy(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kUndefined:
    case ValueKind::kNull:
      return false;
    case ValueKind::kBool:
      return v.as_bool();
    case ValueKind::kNumber:
      return !v.as_number().IsZero();
    case ValueKind::kString:
      return !v.as_string().empty();
    default:
      return true;
  }
}

// The reference's stable merge sort: an item of the right half goes first only when the
// comparator says that the left item is greater ("swap").
class MergeSorter {
 public:
  MergeSorter(CallContext& ctx, const Value& comparator) : ctx_(ctx), comparator_(comparator) {}

  JResult<Array> Sort(std::span<const Value> items) {
    if (items.size() <= 1) {
      return Array(items.begin(), items.end());
    }
    size_t middle = items.size() / 2;
    ERPHUB_ASSIGN_OR_RETURN(Array left, Sort(items.subspan(0, middle)));
    ERPHUB_ASSIGN_OR_RETURN(Array right, Sort(items.subspan(middle)));
    Array merged;
    merged.reserve(items.size());
    size_t l = 0;
    size_t r = 0;
    while (l < left.size() && r < right.size()) {
      ERPHUB_ASSIGN_OR_RETURN(bool swap, Greater(left[l], right[r]));
      merged.push_back(swap ? std::move(right[r++]) : std::move(left[l++]));
    }
    for (; l < left.size(); ++l) {
      merged.push_back(std::move(left[l]));
    }
    for (; r < right.size(); ++r) {
      merged.push_back(std::move(right[r]));
    }
    return merged;
  }

 private:
  JResult<bool> Greater(const Value& a, const Value& b) {
    if (comparator_.is_undefined()) {
      if (a.is_number()) {
        return Compare(a.as_number(), b.as_number()) > 0;
      }
      return CompareStrings(a.as_string(), b.as_string()) > 0;
    }
    Value pair[2] = {a, b};
    ERPHUB_ASSIGN_OR_RETURN(Value swap, ctx_.Apply(comparator_, pair));
    return IsJsTruthy(swap);
  }

  CallContext& ctx_;
  const Value& comparator_;
};

JResult<Value> FnSort(CallContext& ctx, Args args) {
  const Value& arg = Arg(args, 0);
  const Value& comparator = Arg(args, 1);
  if (arg.is_undefined()) {
    return Value();
  }
  if (!arg.is_array() || arg.size() <= 1) {
    return arg;
  }
  if (comparator.is_undefined()) {
    bool all_numbers = true;
    bool all_strings = true;
    for (const Value& item : arg.as_array()) {
      all_numbers = all_numbers && item.is_number();
      all_strings = all_strings && item.is_string();
    }
    if (!all_numbers && !all_strings) {
      return ctx.MakeError("D3070",
                           "The single argument form of the sort function can only be applied to "
                           "an array of strings or an array of numbers.  Use the second argument "
                           "to specify a comparison function");
    }
  }
  MergeSorter sorter(ctx, comparator);
  ERPHUB_ASSIGN_OR_RETURN(Array sorted, sorter.Sort(arg.as_array()));
  return Value::MakeArray(std::move(sorted));
}

// ---- Objects ----

void CollectKeys(const Value& arg, Object& keys) {
  if (arg.is_array()) {
    for (const Value& item : arg.as_array()) {
      CollectKeys(item, keys);
    }
  } else if (arg.is_object()) {
    for (const auto& [key, value] : arg.as_object()) {
      if (!keys.Contains(key)) {
        keys.Append(key, Value());
      }
    }
  }
}

JResult<Value> FnKeys(CallContext&, Args args) {
  Object keys;
  CollectKeys(Arg(args, 0), keys);
  Array names;
  names.reserve(keys.size());
  for (const auto& [key, unused] : keys) {
    names.push_back(Value::Str(key));
  }
  return SequenceOf(std::move(names));
}

Value Lookup(const Value& input, std::string_view key) {
  if (input.is_array()) {
    Array found;
    for (const Value& item : input.as_array()) {
      Value value = Lookup(item, key);
      if (value.is_array()) {
        found.insert(found.end(), value.as_array().begin(), value.as_array().end());
      } else if (!value.is_undefined()) {
        found.push_back(std::move(value));
      }
    }
    return SequenceOf(std::move(found));
  }
  return input.is_object() ? input.Get(key) : Value();
}

JResult<Value> FnLookup(CallContext&, Args args) {
  const Value& key = Arg(args, 1);
  if (!key.is_string()) {
    return Value();
  }
  return Lookup(Arg(args, 0), key.as_string());
}

// Objects split into one-key objects; arrays spread item by item (joined as append() joins them,
// so the result is a plain array once anything was added); other values unchanged.
Value Spread(const Value& arg) {
  if (arg.is_array()) {
    Array items;
    bool appended = false;
    for (const Value& item : arg.as_array()) {
      Value part = Spread(item);
      if (part.is_undefined()) {
        continue;
      }
      appended = true;
      std::span<const Value> part_items = Items(part);
      items.insert(items.end(), part_items.begin(), part_items.end());
    }
    return appended ? Value::MakeArray(std::move(items)) : SequenceOf({});
  }
  if (arg.is_object()) {
    Array items;
    items.reserve(arg.as_object().size());
    for (const auto& [key, value] : arg.as_object()) {
      Object single;
      single.Append(key, value);
      items.push_back(Value::MakeObject(std::move(single)));
    }
    return SequenceOf(std::move(items));
  }
  return arg;
}

JResult<Value> FnSpread(CallContext&, Args args) { return Spread(Arg(args, 0)); }

JResult<Value> FnMerge(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  if (arg.is_undefined()) {
    return Value();
  }
  Object merged;
  for (const Value& item : Items(arg)) {
    if (item.is_object()) {
      for (const auto& [key, value] : item.as_object()) {
        merged.Set(key, value);
      }
    }
  }
  return Value::MakeObject(std::move(merged));
}

JResult<Value> FnError(CallContext& ctx, Args args) {
  const Value& message = Arg(args, 0);
  if (message.is_string() && !message.as_string().empty()) {
    return ctx.MakeError("D3137", std::string(message.as_string()));
  }
  return ctx.MakeError("D3137", "$error() function evaluated");
}

JResult<Value> FnAssert(CallContext& ctx, Args args) {
  if (IsTruthy(Arg(args, 0))) {
    return Value();
  }
  const Value& message = Arg(args, 1);
  if (message.is_string() && !message.as_string().empty()) {
    return ctx.MakeError("D3141", std::string(message.as_string()));
  }
  return ctx.MakeError("D3141", "$assert() statement failed");
}

JResult<Value> FnType(CallContext&, Args args) {
  std::string_view name = TypeName(Arg(args, 0));
  return name.empty() ? Value() : Value::Str(name);
}

// ---- Higher-order functions ----

// Calls `fn` with the value, then the position and the whole collection as far as the function's
// arity takes them.
class HofCaller {
 public:
  HofCaller(CallContext& ctx, const Value& fn) : ctx_(ctx), fn_(fn), arity_(ctx.Arity(fn)) {}

  JResult<Value> Call(const Value& value, Value position, const Value& whole) {
    Value call_args[3] = {value, std::move(position), whole};
    size_t count = arity_ >= 3 ? 3 : arity_ >= 2 ? 2 : 1;
    return ctx_.Apply(fn_, std::span<const Value>(call_args, count));
  }

 private:
  CallContext& ctx_;
  const Value& fn_;
  int arity_;
};

JResult<Value> FnEach(CallContext& ctx, Args args) {
  const Value& object = Arg(args, 0);
  Array results;
  if (object.is_object()) {
    HofCaller caller(ctx, Arg(args, 1));
    for (const auto& [key, value] : object.as_object()) {
      ERPHUB_ASSIGN_OR_RETURN(Value result, caller.Call(value, Value::Str(key), object));
      if (!result.is_undefined()) {
        results.push_back(std::move(result));
      }
    }
  }
  return SequenceOf(std::move(results));
}

JResult<Value> FnSift(CallContext& ctx, Args args) {
  const Value& object = Arg(args, 0);
  const Value& predicate = Arg(args, 1);
  if (!object.is_object() || !predicate.is_function()) {
    return Value();
  }
  Object kept;
  HofCaller caller(ctx, predicate);
  for (const auto& [key, value] : object.as_object()) {
    ERPHUB_ASSIGN_OR_RETURN(Value result, caller.Call(value, Value::Str(key), object));
    if (IsTruthy(result)) {
      kept.Append(key, value);
    }
  }
  if (kept.empty()) {
    return Value();
  }
  return Value::MakeObject(std::move(kept));
}

JResult<Value> FnMap(CallContext& ctx, Args args) {
  const Value& arg = Arg(args, 0);
  if (arg.is_undefined()) {
    return Value();
  }
  std::span<const Value> items = Items(arg);
  HofCaller caller(ctx, Arg(args, 1));
  Array results;
  results.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    ERPHUB_ASSIGN_OR_RETURN(Value result,
                            caller.Call(items[i], Value::Int(static_cast<int64_t>(i)), arg));
    if (!result.is_undefined()) {
      results.push_back(std::move(result));
    }
  }
  return SequenceOf(std::move(results));
}

JResult<Value> FnFilter(CallContext& ctx, Args args) {
  const Value& arg = Arg(args, 0);
  if (arg.is_undefined()) {
    return Value();
  }
  std::span<const Value> items = Items(arg);
  HofCaller caller(ctx, Arg(args, 1));
  Array results;
  for (size_t i = 0; i < items.size(); ++i) {
    ERPHUB_ASSIGN_OR_RETURN(Value result,
                            caller.Call(items[i], Value::Int(static_cast<int64_t>(i)), arg));
    if (IsTruthy(result)) {
      results.push_back(items[i]);
    }
  }
  return SequenceOf(std::move(results));
}

JResult<Value> FnSingle(CallContext& ctx, Args args) {
  const Value& arg = Arg(args, 0);
  const Value& predicate = Arg(args, 1);
  if (arg.is_undefined()) {
    return Value();
  }
  std::span<const Value> items = Items(arg);
  std::optional<HofCaller> caller;
  if (!predicate.is_undefined()) {
    caller.emplace(ctx, predicate);
  }
  const Value* found = nullptr;
  for (size_t i = 0; i < items.size(); ++i) {
    bool matches = true;
    if (caller) {
      ERPHUB_ASSIGN_OR_RETURN(Value result,
                              caller->Call(items[i], Value::Int(static_cast<int64_t>(i)), arg));
      matches = IsTruthy(result);
    }
    if (!matches) {
      continue;
    }
    if (found != nullptr) {
      return ctx.MakeError("D3138",
                           "The $single() function expected exactly 1 matching result.  Instead "
                           "it matched more.");
    }
    found = &items[i];
  }
  if (found == nullptr) {
    return ctx.MakeError("D3139",
                         "The $single() function expected exactly 1 matching result.  Instead it "
                         "matched 0.");
  }
  return *found;
}

JResult<Value> FnReduce(CallContext& ctx, Args args) {
  const Value& arg = Arg(args, 0);
  const Value& fn = Arg(args, 1);
  const Value& init = Arg(args, 2);
  if (arg.is_undefined()) {
    return Value();
  }
  int arity = ctx.Arity(fn);
  if (arity < 2) {
    return ctx.MakeError("D3050",
                         "The second argument of reduce function must be a function with at least "
                         "two arguments");
  }
  std::span<const Value> items = Items(arg);
  Value accumulator = init;
  size_t index = 0;
  if (init.is_undefined() && !items.empty()) {
    accumulator = items[0];
    index = 1;
  }
  for (; index < items.size(); ++index) {
    Value call_args[4] = {accumulator, items[index], Value::Int(static_cast<int64_t>(index)), arg};
    size_t count = arity >= 4 ? 4 : arity >= 3 ? 3 : 2;
    ERPHUB_ASSIGN_OR_RETURN(accumulator, ctx.Apply(fn, std::span<const Value>(call_args, count)));
  }
  return accumulator;
}

constexpr BuiltinFunction kCollectionFunctions[] = {
    {"boolean", "<x-:b>", FnBoolean},  {"not", "<x-:b>", FnNot},
    {"exists", "<x:b>", FnExists},     {"count", "<a:n>", FnCount},
    {"append", "<xx:a>", FnAppend},    {"sort", "<af?:a>", FnSort},
    {"reverse", "<a:a>", FnReverse},   {"shuffle", "<a:a>", FnShuffle},
    {"distinct", "<x:x>", FnDistinct}, {"zip", "<a+>", FnZip},
    {"keys", "<x-:a<s>>", FnKeys},     {"lookup", "<x-s:x>", FnLookup},
    {"spread", "<x-:a<o>>", FnSpread}, {"merge", "<a<o>:o>", FnMerge},
    {"each", "<o-f:a>", FnEach},       {"sift", "<o-f?:o>", FnSift},
    {"error", "<s?:x>", FnError},      {"assert", "<bs?:x>", FnAssert},
    {"type", "<x:s>", FnType},         {"map", "<af>", FnMap},
    {"filter", "<af>", FnFilter},      {"single", "<af?>", FnSingle},
    {"reduce", "<afj?:j>", FnReduce},
};

}  // namespace

std::span<const BuiltinFunction> CollectionFunctions() { return kCollectionFunctions; }

}  // namespace erphub::jsonata
