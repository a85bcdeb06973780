#include "mapping/eval_util.h"

#include <pthread.h>

#include <cstring>

namespace erphub::jsonata {

Value AppendValues(const Value& a, const Value& b) {
  if (a.is_undefined()) {
    return b;
  }
  if (b.is_undefined()) {
    return a;
  }
  Array items;
  if (a.is_array()) {
    items.reserve(a.size() + (b.is_array() ? b.size() : 1));
    items.insert(items.end(), a.as_array().begin(), a.as_array().end());
  } else {
    items.push_back(a);
  }
  if (b.is_array()) {
    items.insert(items.end(), b.as_array().begin(), b.as_array().end());
  } else {
    items.push_back(b);
  }
  return Value::MakeArray(std::move(items));
}

Value LookupField(const Value& input, std::string_view key) {
  if (input.is_object()) {
    return input.Get(key);
  }
  if (input.is_array()) {
    Array out;
    for (const Value& item : input.as_array()) {
      Value r = LookupField(item, key);
      if (r.is_undefined()) {
        continue;
      }
      if (r.is_array()) {
        out.insert(out.end(), r.as_array().begin(), r.as_array().end());
      } else {
        out.push_back(std::move(r));
      }
    }
    return MakeSeq(std::move(out));
  }
  return Value();
}

bool StrictEquals(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) {
    return false;
  }
  switch (a.kind()) {
    case ValueKind::kUndefined:
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      return a.as_bool() == b.as_bool();
    case ValueKind::kNumber:
      return a.as_number() == b.as_number();
    case ValueKind::kString:
      return a.as_string() == b.as_string();
    case ValueKind::kArray:
      return &a.as_array() == &b.as_array();
    case ValueKind::kObject:
      return &a.as_object() == &b.as_object();
    case ValueKind::kFunction:
      return a.as_function() == b.as_function();
  }
  return false;
}

namespace {

const char* MessageFor(std::string_view code) {
  static constexpr struct {
    const char* code;
    const char* message;
  } kMessages[] = {
      {"D1001", "Number out of range"},
      {"D1002", "Cannot negate a non-numeric value"},
      {"D1004", "Regular expression matches zero length string"},
      {"D1009", "Multiple key definitions evaluate to same key"},
      {"D2014",
       "The size of the sequence allocated by the range operator (..) must not exceed "
       "1e7"},
      {"D3120", "Syntax error in expression passed to function eval"},
      {"D3121", "Dynamic error evaluating the expression passed to function eval"},
      {"T0410", "Argument of function does not match function signature"},
      {"T1003", "Key in object structure must evaluate to a string"},
      {"T1005", "Attempted to invoke a non-function. Did you mean ${{token}}?"},
      {"T1006", "Attempted to invoke a non-function"},
      {"T1007", "Attempted to partially apply a non-function. Did you mean ${{token}}?"},
      {"T1008", "Attempted to partially apply a non-function"},
      {"T2001", "The left side of the arithmetic expression is not a number"},
      {"T2002", "The right side of the arithmetic expression is not a number"},
      {"T2003", "The left side of the range operator (..) must evaluate to an integer"},
      {"T2004", "The right side of the range operator (..) must evaluate to an integer"},
      {"T2006", "The right side of the function application operator ~> must be a function"},
      {"T2007", "Type mismatch when comparing values in order-by clause"},
      {"T2008",
       "The expressions within an order-by clause must evaluate to numeric or string "
       "values"},
      {"T2009", "The values either side of the operator must be of the same data type"},
      {"T2010",
       "The expressions either side of operator must evaluate to numeric or string "
       "values"},
      {"T2011",
       "The insert/update clause of the transform expression must evaluate to an "
       "object"},
      {"T2012",
       "The delete clause of the transform expression must evaluate to a string or "
       "array of strings"},
      {"T2013",
       "The transform expression clones the input object using the $clone() function. "
       "This has been overridden in the current scope by a non-function."},
      {"U1001", "Stack overflow or time limit exceeded in the evaluation"},
  };
  for (const auto& m : kMessages) {
    if (code == m.code) {
      return m.message;
    }
  }
  return "Evaluation error";
}

}  // namespace

Error MakeEvalError(std::string_view code, int64_t position, Value value, std::string token) {
  Error::Info info;
  info.code = std::string(code);
  info.message = MessageFor(code);
  size_t at = info.message.find("{{token}}");
  if (at != std::string::npos) {
    info.message.replace(at, 9, token);
  }
  info.position = position;
  info.token = std::move(token);
  info.value = std::move(value);
  return Error(std::move(info));
}

uintptr_t StackFloor() {
  thread_local uintptr_t floor = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) {
      return uintptr_t{0};
    }
    void* addr = nullptr;
    size_t size = 0;
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    // Room left for the frames of one step, the built-ins and the C library.
    constexpr size_t kMargin = 128 * 1024;
    return size > 2 * kMargin ? reinterpret_cast<uintptr_t>(addr) + kMargin : uintptr_t{0};
  }();
  return floor;
}

Value DeepClone(const Value& v) {
  if (v.is_array()) {
    Array items;
    items.reserve(v.size());
    for (const Value& item : v.as_array()) {
      items.push_back(DeepClone(item));
    }
    Value out = Value::MakeArray(std::move(items));
    out.set_flags(v.flags());
    return out;
  }
  if (v.is_object()) {
    Object obj;
    obj.Reserve(v.as_object().size());
    for (const auto& [key, item] : v.as_object()) {
      obj.Append(key, DeepClone(item));
    }
    return Value::MakeObject(std::move(obj));
  }
  return v;
}

}  // namespace erphub::jsonata
