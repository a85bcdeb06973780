#pragma once

#include "core/value.h"

namespace erphub::jsonata {

// The JSONata test suite's equality: numbers compared as doubles (an exact 0.4 equals the double
// nearest 0.4), arrays in order, objects by key set regardless of order, undefined members
// ignored.
inline bool SuiteEqual(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) {
    return false;
  }
  switch (a.kind()) {
    case ValueKind::kNumber:
      return a.as_number().ToDouble() == b.as_number().ToDouble();
    case ValueKind::kArray: {
      if (a.size() != b.size()) {
        return false;
      }
      for (size_t i = 0; i < a.size(); ++i) {
        if (!SuiteEqual(a[i], b[i])) {
          return false;
        }
      }
      return true;
    }
    case ValueKind::kObject: {
      size_t defined = 0;
      for (const auto& [key, value] : a.as_object()) {
        if (value.is_undefined()) {
          continue;
        }
        ++defined;
        const Value* other = b.as_object().Find(key);
        if (other == nullptr || !SuiteEqual(value, *other)) {
          return false;
        }
      }
      size_t other_defined = 0;
      for (const auto& entry : b.as_object()) {
        other_defined += entry.second.is_undefined() ? 0 : 1;
      }
      return defined == other_defined;
    }
    default:
      return DeepEqual(a, b);
  }
}

}  // namespace erphub::jsonata
