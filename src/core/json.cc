#include "core/json.h"

#include <cstddef>
#include <cstring>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "core/hex.h"
#include "core/utf8.h"

namespace erphub {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

inline uint64_t ZeroBytes(uint64_t w) { return (w - kOnes) & ~w & kHighs; }

// Word-at-a-time scanning: sets the high bit of each byte of `w` that is a quote, a backslash,
// below 0x20, or (when `high_mask` is kHighs) at or above 0x80. Zero means a clean word, skipped
// whole. Borrows only run upward from a byte that is itself flagged, so the lowest flag is exact:
// it marks the first byte needing attention.
inline uint64_t AttentionMask(uint64_t w, uint64_t high_mask) {
  uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  return below_space | ZeroBytes(w ^ (kOnes * '"')) | ZeroBytes(w ^ (kOnes * '\\')) |
         (w & high_mask);
}

// Index (0..7) of the first byte, in memory order, that a non-zero AttentionMask flags.
inline size_t FirstFlaggedByte(uint64_t mask) {
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "word scanning assumes little endian");
  return static_cast<size_t>(__builtin_ctzll(mask)) / 8;
}

inline uint64_t LoadWord(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof(w));
  return w;
}

// Length of the well-formed UTF-8 sequence at `p` (whose first byte is >= 0x80), or 0 with
// `why` set. Strict: no overlongs, nothing above U+10FFFF, and no encoded surrogates unless
// `allow_surrogates` (WTF-8).
size_t Utf8SequenceLength(const char* p, const char* end, const char*& why,
                          bool allow_surrogates = false) {
  unsigned char c = static_cast<unsigned char>(p[0]);
  size_t length;
  unsigned char lo = 0x80;  // bounds of the second byte
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) {
      lo = 0xA0;  // below: overlong
    } else if (c == 0xED && !allow_surrogates) {
      hi = 0x9F;  // above: a surrogate
    }
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) {
      lo = 0x90;  // below: overlong
    } else if (c == 0xF4) {
      hi = 0x8F;  // above: beyond U+10FFFF
    }
  } else {
    why = c < 0xC0   ? "unexpected continuation byte"
          : c < 0xC2 ? "overlong encoding"
          : c < 0xF8 ? "code point beyond U+10FFFF"
                     : "byte never used in UTF-8";
    return 0;
  }
  if (end - p < static_cast<std::ptrdiff_t>(length)) {
    why = "incomplete sequence";
    return 0;
  }
  unsigned char second = static_cast<unsigned char>(p[1]);
  if (second < lo || second > hi) {
    if ((second & 0xC0) != 0x80) {
      why = "incomplete sequence";
    } else if (c == 0xED) {
      why = "encoded surrogate (write it as a \\u escape)";
    } else if (c == 0xF4) {
      why = "code point beyond U+10FFFF";
    } else {
      why = "overlong encoding";
    }
    return 0;
  }
  for (size_t k = 2; k < length; ++k) {
    if ((static_cast<unsigned char>(p[k]) & 0xC0) != 0x80) {
      why = "incomplete sequence";
      return 0;
    }
  }
  return length;
}

class Parser {
 public:
  Parser(std::string_view text, const JsonParseOptions& options)
      : begin_(text.data()),
        p_(text.data()),
        end_(text.data() + text.size()),
        max_depth_(options.max_depth) {}

  Result<Value> Run() {
    Value out;
    SkipWhitespace();
    if (!ParseValue(out, 0)) {
      item_stack_.resize(item_base_);
      entry_stack_.resize(entry_base_);
      return std::move(error_);
    }
    SkipWhitespace();
    if (p_ != end_) {
      Fail(p_, "unexpected " + Describe(p_) + " after the JSON value");
      return std::move(error_);
    }
    return out;
  }

 private:
  void SkipWhitespace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
    }
  }

  std::string Describe(const char* at) const {
    if (at >= end_) {
      return "end of input";
    }
    unsigned char c = static_cast<unsigned char>(*at);
    if (c >= 0x20 && c < 0x7F) {
      return std::string("character '") + static_cast<char>(c) + "'";
    }
    static const char kHex[] = "0123456789abcdef";
    return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
  }

  bool Fail(const char* at, std::string message) {
    size_t line = 1;
    const char* line_start = begin_;
    for (const char* q = begin_; q < at && q < end_; ++q) {
      if (*q == '\n') {
        ++line;
        line_start = q + 1;
      }
    }
    size_t column = static_cast<size_t>(at - line_start) + 1;
    error_ = ParseError(std::move(message),
                        "line " + std::to_string(line) + ", column " + std::to_string(column));
    return false;
  }

  bool ParseValue(Value& out, int depth) {
    if (p_ >= end_) {
      return Fail(p_, "unexpected end of input, expected a JSON value");
    }
    switch (*p_) {
      case '{':
        return ParseObject(out, depth + 1);
      case '[':
        return ParseArray(out, depth + 1);
      case '"': {
        std::string_view s;
        if (!ParseString(s)) {
          return false;
        }
        out = Value::Str(s);
        return true;
      }
      case 't':
        return ParseLiteral("true", Value::Bool(true), out);
      case 'f':
        return ParseLiteral("false", Value::Bool(false), out);
      case 'n':
        return ParseLiteral("null", Value::Null(), out);
      default:
        if (*p_ == '-' || IsDigit(*p_)) {
          return ParseNumber(out);
        }
        return Fail(p_, "unexpected " + Describe(p_) + ", expected a JSON value");
    }
  }

  bool ParseLiteral(std::string_view word, Value value, Value& out) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return Fail(p_, "invalid literal, expected '" + std::string(word) + "'");
    }
    p_ += word.size();
    out = std::move(value);
    return true;
  }

  bool ParseNumber(Value& out) {
    const char* start = p_;
    const char* q = p_;
    if (*q == '-') {
      ++q;
    }
    if (q >= end_ || !IsDigit(*q)) {
      return Fail(q, "invalid number, expected a digit");
    }
    bool plain_integer = true;
    if (*q == '0') {
      ++q;
      if (q < end_ && IsDigit(*q)) {
        return Fail(q, "invalid number, leading zeros are not allowed");
      }
    } else {
      while (q < end_ && IsDigit(*q)) {
        ++q;
      }
    }
    if (q < end_ && *q == '.') {
      plain_integer = false;
      ++q;
      if (q >= end_ || !IsDigit(*q)) {
        return Fail(q, "invalid number, expected a digit after the decimal point");
      }
      while (q < end_ && IsDigit(*q)) {
        ++q;
      }
    }
    if (q < end_ && (*q == 'e' || *q == 'E')) {
      plain_integer = false;
      ++q;
      if (q < end_ && (*q == '+' || *q == '-')) {
        ++q;
      }
      if (q >= end_ || !IsDigit(*q)) {
        return Fail(q, "invalid number, expected a digit in the exponent");
      }
      while (q < end_ && IsDigit(*q)) {
        ++q;
      }
    }
    p_ = q;
    size_t length = static_cast<size_t>(q - start);
    if (plain_integer && length <= 18) {
      // At most 18 digits: always fits an int64.
      const char* d = start;
      bool negative = *d == '-';
      if (negative) {
        ++d;
      }
      int64_t v = 0;
      for (; d < q; ++d) {
        v = v * 10 + (*d - '0');
      }
      out = Value::Int(negative ? -v : v);
      return true;
    }
    std::optional<Number> n = Number::Parse(std::string_view(start, length));
    if (!n) {
      return Fail(start, "number out of range");
    }
    out = Value::Num(*n);
    return true;
  }

  // Parses a string literal at p_. `out` views the input when there are no escapes, otherwise
  // scratch_.
  bool ParseString(std::string_view& out) {
    const char* open = p_;
    const char* q = p_ + 1;
    while (q < end_) {
      // Clean ASCII words are skipped whole, and a word that is not clean is entered at its first
      // byte needing attention; only bytes >= 0x80 pay for UTF-8 validation.
      if (end_ - q >= 8) {
        uint64_t mask = AttentionMask(LoadWord(q), kHighs);
        if (mask == 0) {
          q += 8;
          continue;
        }
        q += FirstFlaggedByte(mask);
      }
      unsigned char c = static_cast<unsigned char>(*q);
      if (c == '"') {
        out = std::string_view(open + 1, static_cast<size_t>(q - open - 1));
        p_ = q + 1;
        return true;
      }
      if (c == '\\' || c < 0x20) {
        break;
      }
      if (c >= 0x80) {
        size_t length = ValidUtf8(q);
        if (length == 0) {
          return false;
        }
        q += length;
        continue;
      }
      ++q;
    }
    scratch_.assign(open + 1, q);
    while (q < end_) {
      unsigned char c = static_cast<unsigned char>(*q);
      if (c == '"') {
        out = scratch_;
        p_ = q + 1;
        return true;
      }
      if (c < 0x20) {
        return Fail(q, "control character in string, must be escaped");
      }
      if (c >= 0x80) {
        size_t length = ValidUtf8(q);
        if (length == 0) {
          return false;
        }
        scratch_.append(q, length);
        q += length;
        continue;
      }
      if (c != '\\') {
        scratch_.push_back(static_cast<char>(c));
        ++q;
        continue;
      }
      const char* escape = q;
      ++q;
      if (q >= end_) {
        break;
      }
      switch (*q) {
        case '"':
          scratch_.push_back('"');
          break;
        case '\\':
          scratch_.push_back('\\');
          break;
        case '/':
          scratch_.push_back('/');
          break;
        case 'b':
          scratch_.push_back('\b');
          break;
        case 'f':
          scratch_.push_back('\f');
          break;
        case 'n':
          scratch_.push_back('\n');
          break;
        case 'r':
          scratch_.push_back('\r');
          break;
        case 't':
          scratch_.push_back('\t');
          break;
        case 'u': {
          int unit = ReadHex4(q + 1);
          if (unit < 0) {
            return Fail(escape, "invalid \\u escape, expected four hex digits");
          }
          q += 4;
          uint32_t cp = static_cast<uint32_t>(unit);
          if (cp >= 0xD800 && cp <= 0xDBFF && end_ - q >= 7 && q[1] == '\\' && q[2] == 'u') {
            int low = ReadHex4(q + 3);
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
              q += 6;
            }
          }
          AppendUtf8(scratch_, cp);  // a lone surrogate stays as WTF-8
          break;
        }
        default:
          return Fail(escape, "invalid escape '\\" + std::string(1, *q) + "' in string");
      }
      ++q;
    }
    return Fail(open, "unterminated string");
  }

  // JSON text must be UTF-8: the length of the sequence at `at`, or 0 after failing.
  size_t ValidUtf8(const char* at) {
    const char* why = nullptr;
    size_t length = Utf8SequenceLength(at, end_, why);
    if (length == 0) {
      Fail(at,
           "invalid UTF-8 in string at " + Describe(at) + ": " + why + "; JSON text must be UTF-8");
    }
    return length;
  }

  int ReadHex4(const char* at) const {
    if (end_ - at < 4) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      int h = HexDigitValue(at[i]);
      if (h < 0) {
        return -1;
      }
      v = v * 16 + h;
    }
    return v;
  }

  bool TooDeep(int depth) {
    if (depth > max_depth_) {
      return !Fail(p_, "nesting deeper than " + std::to_string(max_depth_) + " levels");
    }
    return false;
  }

  // Items and entries are gathered on per-parser stacks (one stretch per open level) and moved
  // into their container at its final size: one allocation per container instead of one per
  // doubling.
  bool ParseArray(Value& out, int depth) {
    if (TooDeep(depth)) {
      return false;
    }
    ++p_;
    SkipWhitespace();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      out = Value::MakeArray();
      return true;
    }
    const size_t base = item_stack_.size();
    while (true) {
      SkipWhitespace();
      Value item;
      if (!ParseValue(item, depth)) {
        return false;
      }
      item_stack_.push_back(std::move(item));
      SkipWhitespace();
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ < end_ && *p_ == ']') {
        ++p_;
        break;
      }
      return Fail(p_, "unexpected " + Describe(p_) + ", expected ',' or ']' in array");
    }
    Array items;
    items.reserve(item_stack_.size() - base);
    for (size_t i = base; i < item_stack_.size(); ++i) {
      items.push_back(std::move(item_stack_[i]));
    }
    item_stack_.resize(base);
    out = Value::MakeArray(std::move(items));
    return true;
  }

  bool ParseObject(Value& out, int depth) {
    if (TooDeep(depth)) {
      return false;
    }
    ++p_;
    SkipWhitespace();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      out = Value::MakeObject();
      return true;
    }
    const size_t base = entry_stack_.size();
    // Large objects go straight into their box, where repeated keys are found by hash.
    Object* large = nullptr;
    while (true) {
      SkipWhitespace();
      if (p_ >= end_ || *p_ != '"') {
        return Fail(p_, "unexpected " + Describe(p_) + ", expected a string key");
      }
      std::string_view key_view;
      if (!ParseString(key_view)) {
        return false;
      }
      // The key is copied now (it may view scratch_, which the value can reuse), straight into
      // its place on the stack when the object is small.
      std::string large_key;
      size_t slot = entry_stack_.size();
      if (large != nullptr) {
        large_key.assign(key_view);
      } else {
        entry_stack_.emplace_back(std::piecewise_construct, std::forward_as_tuple(key_view),
                                  std::forward_as_tuple());
      }
      SkipWhitespace();
      if (p_ >= end_ || *p_ != ':') {
        return Fail(p_, "unexpected " + Describe(p_) + ", expected ':' after object key");
      }
      ++p_;
      SkipWhitespace();
      Value value;
      if (!ParseValue(value, depth)) {
        return false;
      }
      // A repeated key keeps its first place and takes the last value.
      if (large != nullptr) {
        if (Value* existing = large->FindMutable(large_key)) {
          *existing = std::move(value);
        } else {
          large->Append(std::move(large_key), std::move(value));
        }
      } else {
        // Nested containers have taken their entries off the stack again: ours is the last.
        const std::string& key = entry_stack_[slot].first;
        bool repeated = false;
        for (size_t i = base; i < slot; ++i) {
          if (entry_stack_[i].first == key) {
            entry_stack_[i].second = std::move(value);
            repeated = true;
            break;
          }
        }
        if (repeated) {
          entry_stack_.pop_back();
        } else {
          entry_stack_[slot].second = std::move(value);
          if (entry_stack_.size() - base > kStackedEntries) {
            out = Value::MakeObject();
            large = &out.mutable_object();
            MoveEntries(base, *large);
          }
        }
      }
      SkipWhitespace();
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ < end_ && *p_ == '}') {
        ++p_;
        break;
      }
      return Fail(p_, "unexpected " + Describe(p_) + ", expected ',' or '}' in object");
    }
    if (large == nullptr) {
      out = Value::MakeObject();
      MoveEntries(base, out.mutable_object());
    }
    return true;
  }

  static constexpr size_t kStackedEntries = 16;

  // Moves the entries stacked from `base` on into `object`.
  void MoveEntries(size_t base, Object& object) {
    object.Reserve(entry_stack_.size() - base);
    for (size_t i = base; i < entry_stack_.size(); ++i) {
      object.Append(std::move(entry_stack_[i].first), std::move(entry_stack_[i].second));
    }
    entry_stack_.resize(base);
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  int max_depth_;
  Status error_;
  std::string scratch_;
  // Scratch of the thread, kept between parses: parsing a stream of small documents then
  // allocates only the containers themselves.
  struct Stacks {
    std::vector<Value> items;
    std::vector<Object::Entry> entries;
  };
  static Stacks& ThreadStacks() {
    thread_local Stacks stacks;
    return stacks;
  }
  std::vector<Value>& item_stack_ = ThreadStacks().items;
  std::vector<Object::Entry>& entry_stack_ = ThreadStacks().entries;
  // Where this parse's stretch of the shared stacks begins (after an enclosing parse's, should
  // parsing ever nest).
  size_t item_base_ = item_stack_.size();
  size_t entry_base_ = entry_stack_.size();
};

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendUnitEscape(std::string& out, uint32_t unit) {
  char buf[6] = {'\\',
                 'u',
                 kHexDigits[(unit >> 12) & 15],
                 kHexDigits[(unit >> 8) & 15],
                 kHexDigits[(unit >> 4) & 15],
                 kHexDigits[unit & 15]};
  out.append(buf, 6);
}

// Decodes the UTF-8 (or WTF-8) sequence at s[i]; returns its length, or 0 when malformed.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t& cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t length;
  uint32_t min;
  if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else if (c >= 0xE0) {
    length = 3;
    cp = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xC2 && c < 0xE0) {
    length = 2;
    cp = c & 0x1F;
    min = 0x80;
  } else {
    return 0;
  }
  if (c > 0xF4 || i + length > s.size()) {
    return 0;
  }
  for (size_t k = 1; k < length; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF) {
    return 0;
  }
  return length;
}

class Writer {
 public:
  Writer(std::string& out, const JsonWriteOptions& options) : out_(out), options_(options) {}

  void Write(const Value& v, int depth) {
    switch (v.kind()) {
      case ValueKind::kUndefined:
      case ValueKind::kFunction:
      case ValueKind::kNull:
        out_.append("null");
        return;
      case ValueKind::kBool:
        out_.append(v.as_bool() ? "true" : "false");
        return;
      case ValueKind::kNumber: {
        Number n = v.as_number();
        if (n.IsFinite()) {
          n.AppendTo(out_);
        } else {
          out_.append("null");
        }
        return;
      }
      case ValueKind::kString:
        AppendJsonString(out_, v.as_string(), options_.ascii_only);
        return;
      case ValueKind::kArray:
        WriteArray(v.as_array(), depth);
        return;
      case ValueKind::kObject:
        WriteObject(v.as_object(), depth);
        return;
    }
  }

 private:
  void NewLine(int depth) {
    out_.push_back('\n');
    out_.append(static_cast<size_t>(depth) * static_cast<size_t>(options_.indent), ' ');
  }

  void WriteArray(const Array& items, int depth) {
    if (items.empty()) {
      out_.append("[]");
      return;
    }
    out_.push_back('[');
    bool first = true;
    for (const Value& item : items) {
      if (!first) {
        out_.push_back(',');
      }
      first = false;
      if (options_.indent > 0) {
        NewLine(depth + 1);
      }
      Write(item, depth + 1);
    }
    if (options_.indent > 0) {
      NewLine(depth);
    }
    out_.push_back(']');
  }

  void WriteObject(const Object& object, int depth) {
    bool first = true;
    for (const Object::Entry& entry : object) {
      if (entry.second.is_undefined() || entry.second.is_function()) {
        continue;
      }
      out_.push_back(first ? '{' : ',');
      first = false;
      if (options_.indent > 0) {
        NewLine(depth + 1);
      }
      AppendJsonString(out_, entry.first, options_.ascii_only);
      out_.push_back(':');
      if (options_.indent > 0) {
        out_.push_back(' ');
      }
      Write(entry.second, depth + 1);
    }
    if (first) {
      out_.append("{}");
      return;
    }
    if (options_.indent > 0) {
      NewLine(depth);
    }
    out_.push_back('}');
  }

  std::string& out_;
  const JsonWriteOptions& options_;
};

}  // namespace

Result<Value> ParseJson(std::string_view text, const JsonParseOptions& options) {
  return Parser(text, options).Run();
}

size_t InvalidUtf8Offset(std::string_view text, bool allow_lone_surrogates) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  const char* p = begin;
  while (p < end) {
    while (end - p >= 8 && (LoadWord(p) & kHighs) == 0) {
      p += 8;
    }
    if (p >= end) {
      break;
    }
    if (static_cast<unsigned char>(*p) < 0x80) {
      ++p;
      continue;
    }
    const char* why = nullptr;
    size_t length = Utf8SequenceLength(p, end, why, allow_lone_surrogates);
    if (length == 0) {
      return static_cast<size_t>(p - begin);
    }
    p += length;
  }
  return std::string_view::npos;
}

void AppendJsonString(std::string& out, std::string_view s, bool ascii_only) {
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  size_t i = 0;
  while (i < s.size()) {
    // Non-ASCII bytes take the slow path: they may be escaped or start a lone surrogate.
    if (s.size() - i >= 8) {
      uint64_t mask = AttentionMask(LoadWord(s.data() + i), kHighs);
      if (mask == 0) {
        i += 8;
        continue;
      }
      i += FirstFlaggedByte(mask);
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      uint32_t cp = 0;
      size_t length = DecodeUtf8(s, i, cp);
      // A WTF-8 lone surrogate is written as an escape, like JSON.stringify.
      bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
      if (length != 0 && !surrogate && !ascii_only) {
        i += length;
        continue;
      }
      out.append(s.data() + run, i - run);
      if (length == 0) {
        // Bytes that are not UTF-8 (text from outside JSON, such as a header or a file) become
        // U+FFFD, so that what is written is always JSON that parses again.
        if (ascii_only) {
          AppendUnitEscape(out, 0xFFFD);
        } else {
          out.append("\xEF\xBF\xBD");
        }
        length = 1;
      } else if (cp >= 0x10000) {
        cp -= 0x10000;
        AppendUnitEscape(out, 0xD800 + (cp >> 10));
        AppendUnitEscape(out, 0xDC00 + (cp & 0x3FF));
      } else {
        AppendUnitEscape(out, cp);
      }
      i += length;
      run = i;
      continue;
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        AppendUnitEscape(out, c);
    }
    ++i;
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void AppendJson(std::string& out, const Value& value, const JsonWriteOptions& options) {
  if (value.is_undefined() || value.is_function()) {
    return;
  }
  Writer(out, options).Write(value, 0);
}

std::string ToJson(const Value& value, const JsonWriteOptions& options) {
  std::string out;
  AppendJson(out, value, options);
  return out;
}

}  // namespace erphub
