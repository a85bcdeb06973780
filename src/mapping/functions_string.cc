// JSONata's string functions. Strings are UTF-8 (WTF-8 where JSON text held lone surrogates);
// positions and lengths count Unicode code points, as the reference does with Array.from(str).

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hex.h"
#include "core/json.h"
#include "core/utf8.h"
#include "mapping/function.h"
#include "mapping/function_value.h"
#include "mapping/regex.h"
#include "mapping/value_ops.h"

namespace erphub::jsonata {
namespace {

using Args = std::span<const Value>;

const Value& Arg(Args args, size_t i) {
  static const Value& undefined = *new Value();
  return i < args.size() ? args[i] : undefined;
}

double NumberArg(const Value& v) { return v.as_number().ToDouble(); }

Error ErrorWithValue(CallContext& ctx, std::string code, std::string message, Value value) {
  Error error = ctx.MakeError(std::move(code), std::move(message));
  error.mutable_info().value = std::move(value);
  return error;
}

// ---- UTF-8 ----

constexpr char32_t kInvalidByte = 0xFFFFFFFF;

// Decodes the code point at `pos` and advances `pos`. Surrogates encoded as three bytes (WTF-8)
// decode to their own value; a byte that starts no valid sequence yields kInvalidByte.
char32_t DecodeAt(std::string_view s, size_t& pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  size_t extra;
  char32_t cp;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    cp = lead & 0x07;
  } else {
    ++pos;
    return kInvalidByte;
  }
  if (pos + extra >= s.size()) {
    ++pos;
    return kInvalidByte;
  }
  for (size_t i = 1; i <= extra; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return kInvalidByte;
    }
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  pos += extra + 1;
  return cp;
}

// Strict UTF-8: no surrogates, no overlong forms, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s) {
  static constexpr std::array<char32_t, 4> kMinimum = {0, 0x80, 0x800, 0x10000};
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    char32_t cp = DecodeAt(s, pos);
    if (cp == kInvalidByte || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF ||
        cp < kMinimum[pos - start - 1]) {
      return false;
    }
  }
  return true;
}

// The byte offset of the code point after the one at `pos`, stepping as CodePointCount counts.
size_t NextCodePoint(std::string_view s, size_t pos) {
  ++pos;
  while (pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) {
    ++pos;
  }
  return pos;
}

// Converts between code point indexes and byte offsets while moving forward through one string,
// so that a scan over many matches stays linear.
class CodePointCursor {
 public:
  explicit CodePointCursor(std::string_view s) : s_(s) {}

  size_t ByteOffset(size_t cp) {
    if (cp < cp_) {
      cp_ = 0;
      byte_ = 0;
    }
    while (cp_ < cp && byte_ < s_.size()) {
      byte_ = NextCodePoint(s_, byte_);
      ++cp_;
    }
    return byte_;
  }

  // The index of the code point that starts at or contains byte offset `byte`.
  size_t CodePointIndex(size_t byte) {
    if (byte < byte_) {
      cp_ = 0;
      byte_ = 0;
    }
    while (byte_ < byte && byte_ < s_.size()) {
      size_t next = NextCodePoint(s_, byte_);
      if (next > byte) {
        break;
      }
      byte_ = next;
      ++cp_;
    }
    return cp_;
  }

 private:
  std::string_view s_;
  size_t cp_ = 0;
  size_t byte_ = 0;
};

// Array.prototype.slice's reading of a relative index over `length` items.
size_t SliceIndex(double relative, size_t length) {
  if (std::isnan(relative)) {
    return 0;
  }
  relative = std::trunc(relative);
  double len = static_cast<double>(length);
  if (relative < 0) {
    return static_cast<size_t>(std::max(0.0, len + relative));
  }
  return static_cast<size_t>(std::min(relative, len));
}

// The code points [from, to) of `s`.
std::string_view CodePointSlice(std::string_view s, size_t from, size_t to) {
  if (to <= from) {
    return {};
  }
  size_t begin = CodePointOffset(s, from);
  size_t end = begin + CodePointOffset(s.substr(begin), to - from);
  return s.substr(begin, end - begin);
}

// ---- $string, $length, $substring... ----

// A non-finite number inside an array or object (the reference's number check raises D1001
// while stringifying).
const Value* FindNonFinite(const Value& v) {
  if (v.is_number()) {
    return v.as_number().IsFinite() ? nullptr : &v;
  }
  if (v.is_array()) {
    for (const Value& item : v.as_array()) {
      if (const Value* found = FindNonFinite(item)) {
        return found;
      }
    }
  } else if (v.is_object()) {
    for (const auto& [key, member] : v.as_object()) {
      if (const Value* found = FindNonFinite(member)) {
        return found;
      }
    }
  }
  return nullptr;
}

JResult<Value> FnString(CallContext& ctx, Args args) {
  Value arg = Arg(args, 0);
  if (arg.is_undefined()) {
    return Value();
  }
  if (arg.is_array() && arg.has_flag(kFlagOuterWrapper) && arg.size() > 0) {
    arg = arg[0];
  }
  if (const Value* infinite = FindNonFinite(arg); infinite != nullptr && !arg.is_number()) {
    return ErrorWithValue(ctx, "D1001", "Number out of range", *infinite);
  }
  bool pretty = Arg(args, 1).is_bool() && Arg(args, 1).as_bool();
  ERPHUB_ASSIGN_OR_RETURN(std::string text, StringOf(arg, pretty));
  return Value::Str(std::move(text));
}

JResult<Value> FnLength(CallContext&, Args args) {
  const Value& str = Arg(args, 0);
  if (!str.is_string()) {
    return Value();
  }
  return Value::Int(static_cast<int64_t>(CodePointCount(str.as_string())));
}

JResult<Value> FnSubstring(CallContext&, Args args) {
  const Value& str = Arg(args, 0);
  if (!str.is_string()) {
    return Value();
  }
  std::string_view s = str.as_string();
  size_t length = CodePointCount(s);
  double len = static_cast<double>(length);
  double start = Arg(args, 1).is_number() ? NumberArg(Arg(args, 1)) : 0;
  if (len + start < 0) {
    start = 0;
  }
  size_t from = SliceIndex(start, length);
  size_t to = length;
  if (Arg(args, 2).is_number()) {
    double count = NumberArg(Arg(args, 2));
    if (count <= 0) {
      return Value::Str(std::string_view());
    }
    to = SliceIndex(start >= 0 ? start + count : len + start + count, length);
  }
  if (from == 0 && to >= length) {
    return str;  // the whole string: no copy
  }
  if (length == s.size()) {
    return Value::Str(s.substr(from, to > from ? to - from : 0));  // ASCII: code points are bytes
  }
  return Value::Str(CodePointSlice(s, from, to));
}

JResult<Value> FnSubstringBefore(CallContext&, Args args) {
  const Value& str = Arg(args, 0);
  if (!str.is_string()) {
    return Value();
  }
  if (!Arg(args, 1).is_string()) {
    return str;
  }
  std::string_view s = str.as_string();
  size_t pos = s.find(Arg(args, 1).as_string());
  return pos == std::string_view::npos ? str : Value::Str(s.substr(0, pos));
}

JResult<Value> FnSubstringAfter(CallContext&, Args args) {
  const Value& str = Arg(args, 0);
  if (!str.is_string()) {
    return Value();
  }
  if (!Arg(args, 1).is_string()) {
    return str;
  }
  std::string_view s = str.as_string();
  std::string_view chars = Arg(args, 1).as_string();
  size_t pos = s.find(chars);
  return pos == std::string_view::npos ? str : Value::Str(s.substr(pos + chars.size()));
}

// Case mapping by the C.UTF-8 locale's Unicode tables (ASCII only where that locale is missing).
locale_t Utf8Locale() {
  static locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

std::string MapCase(std::string_view s, bool upper) {
  std::string out;
  bool ascii = true;
  for (char c : s) {
    ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  }
  if (ascii) {
    // Most text: only a-z and A-Z change, as in JavaScript, without the C library per byte.
    out.assign(s);
    const char from = upper ? 'a' : 'A';
    for (char& c : out) {
      if (static_cast<unsigned char>(c - from) < 26) {
        c = static_cast<char>(c ^ 0x20);
      }
    }
    return out;
  }
  out.reserve(s.size());
  locale_t locale = Utf8Locale();
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    char32_t cp = DecodeAt(s, pos);
    if (cp == kInvalidByte || (cp >= 0xD800 && cp <= 0xDFFF)) {
      out.append(s.substr(start, pos - start));
      continue;
    }
    if (upper && cp == 0xDF) {  // JavaScript upper-cases sharp s to "SS"
      out += "SS";
      continue;
    }
    char32_t mapped;
    if (cp < 0x80 || locale == nullptr) {
      mapped = cp < 0x80 ? static_cast<char32_t>(upper ? std::toupper(static_cast<int>(cp))
                                                       : std::tolower(static_cast<int>(cp)))
                         : cp;
    } else {
      mapped = upper ? towupper_l(static_cast<wint_t>(cp), locale)
                     : towlower_l(static_cast<wint_t>(cp), locale);
    }
    AppendUtf8(out, mapped);
  }
  return out;
}

JResult<Value> FnUppercase(CallContext&, Args args) {
  const Value& str = Arg(args, 0);
  if (!str.is_string()) {
    return Value();
  }
  return Value::Str(MapCase(str.as_string(), true));
}

JResult<Value> FnLowercase(CallContext&, Args args) {
  const Value& str = Arg(args, 0);
  if (!str.is_string()) {
    return Value();
  }
  return Value::Str(MapCase(str.as_string(), false));
}

bool IsTrimSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

JResult<Value> FnTrim(CallContext&, Args args) {
  const Value& str = Arg(args, 0);
  if (!str.is_string()) {
    return Value();
  }
  std::string_view s = str.as_string();
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (IsTrimSpace(s[i])) {
      out += ' ';
      while (i < s.size() && IsTrimSpace(s[i])) {
        ++i;
      }
    } else {
      out += s[i++];
    }
  }
  if (!out.empty() && out.front() == ' ') {
    out.erase(0, 1);
  }
  if (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return Value::Str(std::move(out));
}

JResult<Value> FnPad(CallContext&, Args args) {
  const Value& str = Arg(args, 0);
  if (!str.is_string()) {
    return Value();
  }
  std::string_view s = str.as_string();
  double width = Arg(args, 1).is_number() ? NumberArg(Arg(args, 1)) : 0;
  std::string_view pad = " ";
  if (Arg(args, 2).is_string() && !Arg(args, 2).as_string().empty()) {
    pad = Arg(args, 2).as_string();
  }
  double missing = std::trunc(std::fabs(width)) - static_cast<double>(CodePointCount(s));
  if (!(missing > 0)) {
    return str;
  }
  size_t pad_length = static_cast<size_t>(missing);
  size_t pad_code_points = CodePointCount(pad);
  std::string padding;
  for (size_t have = 0; have < pad_length; have += pad_code_points) {
    padding.append(pad);
  }
  padding.resize(CodePointOffset(padding, pad_length));
  return Value::Str(width > 0 ? std::string(s) + padding : padding + std::string(s));
}

// ---- Matchers: regular expressions and functions that behave like them ----

// One match as a matcher function reports it: the match object {match, start, end, groups, next}
// with start and end in code points.
struct Match {
  Value object;
  std::string_view text;
  double start = 0;
  double end = 0;
};

// Interprets what a matcher returned: nullopt for no match, T1010 if it is not a match object.
JResult<std::optional<Match>> ReadMatch(CallContext& ctx, const Value& result) {
  if (result.is_undefined() || result.is_null() || (result.is_bool() && !result.as_bool())) {
    return std::optional<Match>();
  }
  bool valid =
      result.is_object() && (result.Get("start").is_number() || result.Get("groups").is_array() ||
                             result.Get("next").is_function());
  if (!valid) {
    return ctx.MakeError(
        "T1010",
        "The matcher function argument passed to function does not return the correct "
        "object structure");
  }
  Match match;
  match.object = result;
  const Value& text = result.Get("match");
  if (text.is_string()) {
    match.text = text.as_string();
  }
  match.start = result.Get("start").is_number() ? NumberArg(result.Get("start")) : 0;
  match.end = result.Get("end").is_number()
                  ? NumberArg(result.Get("end"))
                  : match.start + static_cast<double>(CodePointCount(match.text));
  return std::optional<Match>(std::move(match));
}

// The regex behind a function value made from a regex literal; nullptr for other functions.
const Regex* RegexOf(const Value& fn) {
  // A checked cast: the functions a host or a caller passes in need not be the engine's own.
  const auto* regex_fn =
      fn.is_function() ? dynamic_cast<const RegexFunction*>(fn.as_function()) : nullptr;
  return regex_fn != nullptr ? regex_fn->regex.get() : nullptr;
}

// Walks the matches of a matcher over one string. Regex literals are searched directly, as the
// reference's global exec loop does (a later empty match is D1004, since it would never
// progress); other functions are called and then their match objects' `next` functions.
class MatchIterator {
 public:
  // `max_matches` bounds how many matches the caller will ask for (a regex finds no more).
  MatchIterator(CallContext& ctx, const Value& matcher, const Value& subject,
                size_t max_matches = SIZE_MAX)
      : ctx_(ctx),
        matcher_(matcher),
        subject_(subject),
        regex_(RegexOf(matcher)),
        cursor_(subject_.as_string()),
        max_matches_(max_matches) {}
  MatchIterator(const MatchIterator&) = delete;
  MatchIterator& operator=(const MatchIterator&) = delete;

  // The next match, or nullopt when there are no more.
  JResult<std::optional<Match>> Next() {
    if (regex_ != nullptr) {
      return NextRegexMatch();
    }
    Value result;
    if (!started_) {
      started_ = true;
      ERPHUB_ASSIGN_OR_RETURN(result, ctx_.Apply(matcher_, std::span<const Value>(&subject_, 1)));
    } else {
      const Value& next = current_.Get("next");
      if (!next.is_function()) {
        return std::optional<Match>();
      }
      Value next_fn = next;
      ERPHUB_ASSIGN_OR_RETURN(result, ctx_.Apply(next_fn, {}));
    }
    ERPHUB_ASSIGN_OR_RETURN(std::optional<Match> match, ReadMatch(ctx_, result));
    current_ = match ? match->object : Value();
    return match;
  }

 private:
  // Replays the reference's loop over the matches found in one pass: each `next` searches from
  // the end of the previous match, so after an empty match (or before a later empty one) it
  // would never progress.
  JResult<std::optional<Match>> NextRegexMatch() {
    std::string_view s = subject_.as_string();
    if (!started_) {
      started_ = true;
      found_ = regex_->SearchAll(s, max_matches_);
    } else {
      const Regex::Match& previous = found_[next_ - 1];
      if (previous.end >= s.size()) {
        return std::optional<Match>();
      }
      if (previous.start == previous.end ||
          (next_ < found_.size() && found_[next_].start == found_[next_].end)) {
        return ErrorWithValue(ctx_, "D1004", "Regular expression matches zero length string",
                              Value::Str(regex_->pattern()));
      }
    }
    if (next_ >= found_.size()) {
      return std::optional<Match>();
    }
    const Regex::Match& found = found_[next_++];
    Match match;
    match.start = static_cast<double>(cursor_.CodePointIndex(found.start));
    match.end = static_cast<double>(cursor_.CodePointIndex(found.end));
    Array groups;
    groups.reserve(found.groups.size());
    for (size_t i = 0; i < found.groups.size(); ++i) {
      groups.push_back(found.groups[i].set ? Value::Str(found.group(s, i)) : Value());
    }
    // Four distinct keys: appended to an object of the final size.
    Object object;
    object.Reserve(4);
    object.Append("match", Value::Str(found.text(s)));
    object.Append("start", Value::Int(static_cast<int64_t>(match.start)));
    object.Append("end", Value::Int(static_cast<int64_t>(match.end)));
    object.Append("groups", Value::MakeArray(std::move(groups)));
    match.object = Value::MakeObject(std::move(object));
    match.text = match.object.Get("match").as_string();
    return std::optional<Match>(std::move(match));
  }

  CallContext& ctx_;
  Value matcher_;
  Value subject_;
  const Regex* regex_;
  CodePointCursor cursor_;
  Value current_;
  size_t max_matches_;
  std::vector<Regex::Match> found_;
  size_t next_ = 0;
  bool started_ = false;
};

// Code point position of a match boundary, clamped to [floor, length].
size_t ClampPosition(double position, size_t floor, size_t length) {
  if (std::isnan(position) || position < static_cast<double>(floor)) {
    return floor;
  }
  return std::min(static_cast<size_t>(position), length);
}

// A limit argument: `count < limit` while iterating, as the reference compares them.
bool UnderLimit(size_t count, const Value& limit) {
  return limit.is_undefined() || static_cast<double>(count) < NumberArg(limit);
}

// How many matches a loop bounded by UnderLimit asks for.
size_t MaxMatches(const Value& limit) {
  if (!limit.is_number()) {
    return SIZE_MAX;
  }
  double max = std::ceil(NumberArg(limit));
  return max >= 1e18 ? SIZE_MAX : static_cast<size_t>(std::max(max, 0.0));
}

JResult<Value> FnContains(CallContext& ctx, Args args) {
  const Value& str = Arg(args, 0);
  const Value& token = Arg(args, 1);
  if (!str.is_string()) {
    return Value();
  }
  if (token.is_string()) {
    return Value::Bool(str.as_string().find(token.as_string()) != std::string_view::npos);
  }
  if (!token.is_function()) {
    return Value();
  }
  if (const Regex* regex = RegexOf(token)) {
    // Only whether there is a match: no match object to build.
    return Value::Bool(regex->Matches(str.as_string()));
  }
  MatchIterator matches(ctx, token, str, 1);
  ERPHUB_ASSIGN_OR_RETURN(std::optional<Match> match, matches.Next());
  return Value::Bool(match.has_value());
}

JResult<Value> FnMatch(CallContext& ctx, Args args) {
  const Value& str = Arg(args, 0);
  const Value& limit = Arg(args, 2);
  if (!str.is_string()) {
    return Value();
  }
  if (limit.is_number() && limit.as_number().IsNegative()) {
    return ErrorWithValue(
        ctx, "D3040", "Third argument of match function must evaluate to a positive number", limit);
  }
  Value result = MakeSequence();
  MatchIterator matches(ctx, Arg(args, 1), str, MaxMatches(limit));
  for (size_t count = 0; UnderLimit(count, limit); ++count) {
    ERPHUB_ASSIGN_OR_RETURN(std::optional<Match> match, matches.Next());
    if (!match) {
      break;
    }
    Value item = Value::MakeObject();
    item.Set("match", match->object.Get("match"));
    item.Set("index", match->object.Get("start"));
    item.Set("groups", match->object.Get("groups"));
    result.push_back(std::move(item));
  }
  return result;
}

// Parses like JavaScript's parseInt(text, 10): optional space and sign, then digits.
std::optional<int64_t> ParseIntPrefix(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) {
    ++i;
  }
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  size_t digits_start = i;
  int64_t value = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  if (i == digits_start) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

// Expands a replacement string for one regex match: $$ is '$', $0 the whole match, $n the n-th
// group (as many digits as the group count can use); a '$' before anything else is literal.
std::string ExpandReplacement(std::string_view replacement, const Match& match) {
  const Value& groups = match.object.Get("groups");
  size_t group_count = groups.is_array() ? groups.size() : 0;
  std::string out;
  size_t position = 0;
  size_t dollar = replacement.find('$');
  while (dollar != std::string_view::npos && position < replacement.size()) {
    out.append(replacement.substr(position, dollar - position));
    position = dollar + 1;
    char next = position < replacement.size() ? replacement[position] : '\0';
    if (next == '$') {
      out += '$';
      ++position;
    } else if (next == '0') {
      out.append(match.text);
      ++position;
    } else {
      size_t max_digits = 1;
      if (group_count > 0) {
        max_digits = static_cast<size_t>(std::floor(std::log10(group_count))) + 1;
      }
      std::optional<int64_t> index = ParseIntPrefix(replacement.substr(position, max_digits));
      if (max_digits > 1 && index && *index > static_cast<int64_t>(group_count)) {
        index = ParseIntPrefix(replacement.substr(position, max_digits - 1));
      }
      if (index) {
        if (group_count > 0 && *index >= 1 && *index <= static_cast<int64_t>(group_count)) {
          const Value& group = groups[static_cast<size_t>(*index - 1)];
          if (group.is_string()) {
            out.append(group.as_string());
          }
        }
        position += std::to_string(*index).size();
      } else {
        out += '$';
      }
    }
    dollar = replacement.find('$', position);
  }
  if (position < replacement.size()) {
    out.append(replacement.substr(position));
  }
  return out;
}

// Calls a replacement function with a match object; it must return a string (D3012).
JResult<std::string> ApplyReplacer(CallContext& ctx, const Value& replacer, const Value& match) {
  ERPHUB_ASSIGN_OR_RETURN(Value replaced, ctx.Apply(replacer, std::span<const Value>(&match, 1)));
  if (!replaced.is_string()) {
    return ErrorWithValue(
        ctx, "D3012", "Attempted to replace a matched string with a non-string value", replaced);
  }
  return std::string(replaced.as_string());
}

JResult<Value> FnReplace(CallContext& ctx, Args args) {
  const Value& str = Arg(args, 0);
  const Value& pattern = Arg(args, 1);
  const Value& replacement = Arg(args, 2);
  const Value& limit = Arg(args, 3);
  if (!str.is_string()) {
    return Value();
  }
  if (pattern.is_string() && pattern.as_string().empty()) {
    return ErrorWithValue(ctx, "D3010",
                          "Second argument of replace function cannot be an empty string", pattern);
  }
  if (limit.is_number() && limit.as_number().IsNegative()) {
    return ErrorWithValue(ctx, "D3011",
                          "Fourth argument of replace function must evaluate to a positive number",
                          limit);
  }
  std::string_view s = str.as_string();
  std::string result;
  CodePointCursor cursor(s);
  if (pattern.is_string()) {
    std::string_view needle = pattern.as_string();
    size_t position = 0;
    size_t index = s.find(needle);
    for (size_t count = 0; index != std::string_view::npos && UnderLimit(count, limit); ++count) {
      result.append(s.substr(position, index - position));
      if (replacement.is_string()) {
        result.append(replacement.as_string());
      } else {
        // The reference only defines function replacements for regex patterns; give the
        // function the same kind of match object.
        Value object = Value::MakeObject();
        int64_t start = static_cast<int64_t>(cursor.CodePointIndex(index));
        object.Set("match", pattern);
        object.Set("start", Value::Int(start));
        object.Set("end", Value::Int(start + static_cast<int64_t>(CodePointCount(needle))));
        object.Set("groups", Value::MakeArray());
        ERPHUB_ASSIGN_OR_RETURN(std::string replaced, ApplyReplacer(ctx, replacement, object));
        result.append(replaced);
      }
      position = index + needle.size();
      index = s.find(needle, position);
    }
    result.append(s.substr(position));
    return Value::Str(std::move(result));
  }
  size_t length = CodePointCount(s);
  size_t position = 0;  // code points
  MatchIterator matches(ctx, pattern, str, MaxMatches(limit));
  for (size_t count = 0; UnderLimit(count, limit); ++count) {
    ERPHUB_ASSIGN_OR_RETURN(std::optional<Match> match, matches.Next());
    if (!match) {
      break;
    }
    size_t start = ClampPosition(match->start, position, length);
    size_t from = cursor.ByteOffset(position);
    result.append(s.substr(from, cursor.ByteOffset(start) - from));
    if (replacement.is_string()) {
      result.append(ExpandReplacement(replacement.as_string(), *match));
    } else {
      ERPHUB_ASSIGN_OR_RETURN(std::string replaced, ApplyReplacer(ctx, replacement, match->object));
      result.append(replaced);
    }
    position =
        ClampPosition(static_cast<double>(start + CodePointCount(match->text)), start, length);
  }
  result.append(s.substr(cursor.ByteOffset(position)));
  return Value::Str(std::move(result));
}

JResult<Value> FnSplit(CallContext& ctx, Args args) {
  const Value& str = Arg(args, 0);
  const Value& separator = Arg(args, 1);
  const Value& limit = Arg(args, 2);
  if (!str.is_string()) {
    return Value();
  }
  if (limit.is_number() && limit.as_number().IsNegative()) {
    return ErrorWithValue(
        ctx, "D3020", "Third argument of split function must evaluate to a positive number", limit);
  }
  Value result = Value::MakeArray();
  if (limit.is_number() && !(NumberArg(limit) > 0)) {
    return result;
  }
  std::string_view s = str.as_string();
  if (separator.is_string()) {
    // String.prototype.split: the limit is truncated to an integer.
    double max_parts = limit.is_number() ? std::trunc(NumberArg(limit)) : 4294967295.0;
    std::string_view sep = separator.as_string();
    auto under = [&](const Value& r) { return static_cast<double>(r.size()) < max_parts; };
    if (sep.empty()) {
      size_t pos = 0;
      while (pos < s.size() && under(result)) {
        size_t start = pos;
        pos = NextCodePoint(s, pos);
        result.push_back(Value::Str(s.substr(start, pos - start)));
      }
      return result;
    }
    size_t position = 0;
    size_t index = s.find(sep);
    while (index != std::string_view::npos && under(result)) {
      result.push_back(Value::Str(s.substr(position, index - position)));
      position = index + sep.size();
      index = s.find(sep, position);
    }
    if (under(result)) {
      result.push_back(Value::Str(s.substr(position)));
    }
    return result;
  }
  size_t length = CodePointCount(s);
  CodePointCursor cursor(s);
  MatchIterator matches(ctx, separator, str, MaxMatches(limit));
  size_t start = 0;
  size_t count = 0;
  bool any = false;
  for (; UnderLimit(count, limit); ++count) {
    ERPHUB_ASSIGN_OR_RETURN(std::optional<Match> match, matches.Next());
    if (!match) {
      break;
    }
    any = true;
    size_t match_start = ClampPosition(match->start, start, length);
    size_t from = cursor.ByteOffset(start);
    result.push_back(Value::Str(s.substr(from, cursor.ByteOffset(match_start) - from)));
    start = ClampPosition(match->end, match_start, length);
  }
  if (!any) {
    result.push_back(str);
  } else if (UnderLimit(count, limit)) {
    result.push_back(Value::Str(s.substr(cursor.ByteOffset(start))));
  }
  return result;
}

JResult<Value> FnJoin(CallContext&, Args args) {
  const Value& strs = Arg(args, 0);
  if (strs.is_undefined()) {
    return Value();
  }
  std::string_view separator = Arg(args, 1).is_string() ? Arg(args, 1).as_string() : "";
  if (strs.is_string()) {
    return strs;
  }
  std::string out;
  if (strs.is_array()) {
    for (size_t i = 0; i < strs.size(); ++i) {
      if (i > 0) {
        out.append(separator);
      }
      if (strs[i].is_string()) {
        out.append(strs[i].as_string());
      }
    }
  }
  return Value::Str(std::move(out));
}

// ---- Base64 ----

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Encodes the UTF-8 bytes of the string (the reference encodes UTF-16 code units truncated to
// bytes, which loses everything beyond Latin-1).
JResult<Value> FnBase64Encode(CallContext&, Args args) {
  const Value& str = Arg(args, 0);
  if (!str.is_string()) {
    return Value();
  }
  std::string_view s = str.as_string();
  std::string out;
  out.reserve((s.size() + 2) / 3 * 4);
  for (size_t i = 0; i < s.size(); i += 3) {
    uint32_t chunk = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) {
      chunk |= static_cast<unsigned char>(s[i + 1]) << 8;
    }
    if (i + 2 < s.size()) {
      chunk |= static_cast<unsigned char>(s[i + 2]);
    }
    out += kBase64Alphabet[(chunk >> 18) & 0x3F];
    out += kBase64Alphabet[(chunk >> 12) & 0x3F];
    out += i + 1 < s.size() ? kBase64Alphabet[(chunk >> 6) & 0x3F] : '=';
    out += i + 2 < s.size() ? kBase64Alphabet[chunk & 0x3F] : '=';
  }
  return Value::Str(std::move(out));
}

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+' || c == '-') {
    return 62;
  }
  if (c == '/' || c == '_') {
    return 63;
  }
  return -1;
}

// Decodes leniently as Node.js does (skips characters outside the alphabet, accepts the URL-safe
// alphabet, stops at '='). Bytes that are not UTF-8 are read as Latin-1.
JResult<Value> FnBase64Decode(CallContext&, Args args) {
  const Value& str = Arg(args, 0);
  if (!str.is_string()) {
    return Value();
  }
  std::string bytes;
  uint32_t bits = 0;
  int bit_count = 0;
  for (char c : str.as_string()) {
    if (c == '=') {
      break;
    }
    int digit = Base64Digit(c);
    if (digit < 0) {
      continue;
    }
    bits = (bits << 6) | static_cast<uint32_t>(digit);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      bytes += static_cast<char>((bits >> bit_count) & 0xFF);
    }
  }
  if (IsValidUtf8(bytes)) {
    return Value::Str(std::move(bytes));
  }
  std::string latin1;
  for (char c : bytes) {
    AppendUtf8(latin1, static_cast<unsigned char>(c));
  }
  return Value::Str(std::move(latin1));
}

// ---- URL encoding (ECMAScript encodeURI / decodeURI and their component forms) ----

constexpr std::string_view kUriUnreservedMarks = "-_.!~*'()";
constexpr std::string_view kUriReserved = ";/?:@&=+$,#";

bool IsAsciiAlnum(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

Error MalformedUrl(CallContext& ctx, std::string_view function_name, const Value& input) {
  std::string message = "Malformed URL passed to $";
  message.append(function_name);
  message.append("(): ");
  AppendJsonString(message, input.as_string());
  Error error = ErrorWithValue(ctx, "D3140", std::move(message), input);
  error.mutable_info().function_name = std::string(function_name);
  return error;
}

JResult<Value> EncodeUri(CallContext& ctx, const Value& str, bool component,
                         std::string_view function_name) {
  if (!str.is_string()) {
    return Value();
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string_view s = str.as_string();
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    char32_t cp = DecodeAt(s, pos);
    if (cp == kInvalidByte || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return MalformedUrl(ctx, function_name, str);
    }
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (IsAsciiAlnum(cp) || kUriUnreservedMarks.find(c) != std::string_view::npos ||
          (!component && kUriReserved.find(c) != std::string_view::npos)) {
        out += c;
        continue;
      }
    }
    for (size_t i = start; i < pos; ++i) {
      unsigned char byte = static_cast<unsigned char>(s[i]);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return Value::Str(std::move(out));
}

// The byte of the escape "%XX" at `pos`, or nullopt if there is none.
std::optional<unsigned char> EscapedByte(std::string_view s, size_t pos) {
  if (pos + 2 >= s.size() || s[pos] != '%') {
    return std::nullopt;
  }
  int high = HexDigitValue(s[pos + 1]);
  int low = HexDigitValue(s[pos + 2]);
  if (high < 0 || low < 0) {
    return std::nullopt;
  }
  return static_cast<unsigned char>(high * 16 + low);
}

JResult<Value> DecodeUri(CallContext& ctx, const Value& str, bool component,
                         std::string_view function_name) {
  if (!str.is_string()) {
    return Value();
  }
  std::string_view s = str.as_string();
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    if (s[pos] != '%') {
      out += s[pos++];
      continue;
    }
    std::optional<unsigned char> lead = EscapedByte(s, pos);
    if (!lead) {
      return MalformedUrl(ctx, function_name, str);
    }
    if (*lead < 0x80) {
      char c = static_cast<char>(*lead);
      if (!component && kUriReserved.find(c) != std::string_view::npos) {
        out.append(s.substr(pos, 3));
      } else {
        out += c;
      }
      pos += 3;
      continue;
    }
    size_t extra;
    char32_t cp;
    if ((*lead & 0xE0) == 0xC0) {
      extra = 1;
      cp = *lead & 0x1F;
    } else if ((*lead & 0xF0) == 0xE0) {
      extra = 2;
      cp = *lead & 0x0F;
    } else if ((*lead & 0xF8) == 0xF0) {
      extra = 3;
      cp = *lead & 0x07;
    } else {
      return MalformedUrl(ctx, function_name, str);
    }
    pos += 3;
    for (size_t i = 0; i < extra; ++i) {
      std::optional<unsigned char> next = EscapedByte(s, pos);
      if (!next || (*next & 0xC0) != 0x80) {
        return MalformedUrl(ctx, function_name, str);
      }
      cp = (cp << 6) | (*next & 0x3F);
      pos += 3;
    }
    static constexpr std::array<char32_t, 4> kMinimum = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return MalformedUrl(ctx, function_name, str);
    }
    AppendUtf8(out, cp);
  }
  return Value::Str(std::move(out));
}

JResult<Value> FnEncodeUrlComponent(CallContext& ctx, Args args) {
  return EncodeUri(ctx, Arg(args, 0), true, "encodeUrlComponent");
}

JResult<Value> FnEncodeUrl(CallContext& ctx, Args args) {
  return EncodeUri(ctx, Arg(args, 0), false, "encodeUrl");
}

JResult<Value> FnDecodeUrlComponent(CallContext& ctx, Args args) {
  return DecodeUri(ctx, Arg(args, 0), true, "decodeUrlComponent");
}

JResult<Value> FnDecodeUrl(CallContext& ctx, Args args) {
  return DecodeUri(ctx, Arg(args, 0), false, "decodeUrl");
}

constexpr BuiltinFunction kStringFunctions[] = {
    {"string", "<x-b?:s>", FnString},
    {"length", "<s-:n>", FnLength},
    {"substring", "<s-nn?:s>", FnSubstring},
    {"substringBefore", "<s-s:s>", FnSubstringBefore},
    {"substringAfter", "<s-s:s>", FnSubstringAfter},
    {"uppercase", "<s-:s>", FnUppercase},
    {"lowercase", "<s-:s>", FnLowercase},
    {"trim", "<s-:s>", FnTrim},
    {"pad", "<s-ns?:s>", FnPad},
    {"contains", "<s-(sf):b>", FnContains},
    {"split", "<s-(sf)n?:a<s>>", FnSplit},
    {"join", "<a<s>s?:s>", FnJoin},
    {"match", "<s-f<s:o>n?:a<o>>", FnMatch},
    {"replace", "<s-(sf)(sf)n?:s>", FnReplace},
    {"base64encode", "<s-:s>", FnBase64Encode},
    {"base64decode", "<s-:s>", FnBase64Decode},
    {"encodeUrlComponent", "<s-:s>", FnEncodeUrlComponent},
    {"encodeUrl", "<s-:s>", FnEncodeUrl},
    {"decodeUrlComponent", "<s-:s>", FnDecodeUrlComponent},
    {"decodeUrl", "<s-:s>", FnDecodeUrl},
};

}  // namespace

std::span<const BuiltinFunction> StringFunctions() { return kStringFunctions; }

}  // namespace erphub::jsonata
