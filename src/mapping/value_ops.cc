#include "mapping/value_ops.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/json.h"

namespace erphub::jsonata {
namespace {

// Mirrors the reference's JSON.stringify replacer: numbers at 15 significant digits, functions as
// "", undefined members left out (null inside arrays).
void AppendStringOf(std::string& out, const Value& v, int indent, int depth) {
  auto newline = [&](int level) {
    if (indent > 0) {
      out += '\n';
      out.append(static_cast<size_t>(indent * level), ' ');
    }
  };
  switch (v.kind()) {
    case ValueKind::kUndefined:
    case ValueKind::kNull:
      out += "null";
      return;
    case ValueKind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case ValueKind::kNumber:
      if (v.as_number().IsFinite()) {
        out += NumberToString(v.as_number());
      } else {
        out += "null";
      }
      return;
    case ValueKind::kString:
      AppendJsonString(out, v.as_string());
      return;
    case ValueKind::kFunction:
      out += "\"\"";
      return;
    case ValueKind::kArray: {
      const Array& items = v.as_array();
      out += '[';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
          out += ',';
        }
        newline(depth + 1);
        AppendStringOf(out, items[i], indent, depth + 1);
      }
      if (!items.empty()) {
        newline(depth);
      }
      out += ']';
      return;
    }
    case ValueKind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : v.as_object()) {
        if (member.is_undefined()) {
          continue;
        }
        if (!first) {
          out += ',';
        }
        first = false;
        newline(depth + 1);
        AppendJsonString(out, key);
        out += indent > 0 ? ": " : ":";
        AppendStringOf(out, member, indent, depth + 1);
      }
      if (!first) {
        newline(depth);
      }
      out += '}';
      return;
    }
  }
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Decodes the code point starting at s[i] (lenient: invalid bytes decode as themselves).
uint32_t DecodeAt(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  uint32_t b0 = byte(i);
  if (b0 < 0x80) {
    return b0;
  }
  if (b0 >= 0xF0) {
    return ((b0 & 0x07) << 18) | ((byte(i + 1) & 0x3F) << 12) | ((byte(i + 2) & 0x3F) << 6) |
           (byte(i + 3) & 0x3F);
  }
  if (b0 >= 0xE0) {
    return ((b0 & 0x0F) << 12) | ((byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F);
  }
  if (b0 >= 0xC0) {
    return ((b0 & 0x1F) << 6) | (byte(i + 1) & 0x3F);
  }
  return b0;
}

// The first UTF-16 code unit of a code point, which is what JavaScript compares first.
uint32_t LeadingUtf16Unit(uint32_t cp) {
  return cp >= 0x10000 ? 0xD800 + ((cp - 0x10000) >> 10) : cp;
}

}  // namespace

bool IsTruthy(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kUndefined:
    case ValueKind::kNull:
    case ValueKind::kFunction:
      return false;
    case ValueKind::kBool:
      return v.as_bool();
    case ValueKind::kNumber:
      return !v.as_number().IsZero();
    case ValueKind::kString:
      return !v.as_string().empty();
    case ValueKind::kObject:
      return !v.as_object().empty();
    case ValueKind::kArray: {
      const Array& items = v.as_array();
      if (items.size() == 1) {
        return IsTruthy(items[0]);
      }
      for (const Value& item : items) {
        if (IsTruthy(item)) {
          return true;
        }
      }
      return false;
    }
  }
  return false;
}

std::string_view TypeName(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kUndefined:
      return "";
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "boolean";
    case ValueKind::kNumber:
      return "number";
    case ValueKind::kString:
      return "string";
    case ValueKind::kArray:
      return "array";
    case ValueKind::kObject:
      return "object";
    case ValueKind::kFunction:
      return "function";
  }
  return "";
}

std::string NumberToString(const Number& n) {
  if (n.is_exact()) {
    return n.ToString();
  }
  // JavaScript's Number(x.toPrecision(15)).toString().
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.14e", n.ToDouble());
  return Number::FromDouble(std::strtod(buffer, nullptr)).ToString();
}

JResult<std::string> StringOf(const Value& v, bool pretty) {
  switch (v.kind()) {
    case ValueKind::kString:
      return std::string(v.as_string());
    case ValueKind::kFunction:
      return std::string();
    case ValueKind::kNumber:
      if (!v.as_number().IsFinite()) {
        return Error("D3001", "Attempting to invoke string function on Infinity or NaN");
      }
      return NumberToString(v.as_number());
    default: {
      const Value* target = &v;
      if (v.is_array() && v.has_flag(kFlagOuterWrapper) && v.size() > 0) {
        target = &v[0];
      }
      std::string out;
      AppendStringOf(out, *target, pretty ? 2 : 0, 0);
      return out;
    }
  }
}

Value MakeSequence() {
  Value seq = Value::MakeArray();
  seq.set_flag(kFlagSequence);
  return seq;
}

void AppendToSequence(Value& seq, const Value& v) {
  if (v.is_undefined()) {
    return;
  }
  Array& items = seq.mutable_array();
  if (v.is_array()) {
    const Array& more = v.as_array();
    items.insert(items.end(), more.begin(), more.end());
  } else {
    items.push_back(v);
  }
}

size_t CodePointCount(std::string_view s) {
  size_t count = 0;
  for (char c : s) {
    count += IsContinuationByte(c) ? 0 : 1;
  }
  return count;
}

size_t CodePointOffset(std::string_view s, size_t cp) {
  size_t i = 0;
  while (i < s.size() && cp > 0) {
    ++i;
    while (i < s.size() && IsContinuationByte(s[i])) {
      ++i;
    }
    --cp;
  }
  return i;
}

int CompareStrings(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t n = std::min(a.size(), b.size());
  while (i < n && a[i] == b[i]) {
    ++i;
  }
  if (i == n) {
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
  }
  // Back up to the start of the differing code point, then compare as UTF-16 would.
  while (i > 0 && IsContinuationByte(a[i])) {
    --i;
  }
  uint32_t ca = DecodeAt(a, i);
  uint32_t cb = DecodeAt(b, i);
  uint32_t ua = LeadingUtf16Unit(ca);
  uint32_t ub = LeadingUtf16Unit(cb);
  if (ua != ub) {
    return ua < ub ? -1 : 1;
  }
  return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

}  // namespace erphub::jsonata
