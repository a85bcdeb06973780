#include "mapping/lexer.h"

#include <cstring>
#include <optional>

#include "core/hex.h"
#include "core/json.h"
#include "core/number.h"
#include "core/utf8.h"

namespace erphub::jsonata {

namespace {

constexpr std::string_view kWhitespace = " \t\n\r\v";
// Single characters that are operators (or, for '!' and '~', at least end a name).
constexpr std::string_view kOperatorChars = ".[]{}(),@#;:?+-*/%|=<>^&!~";

bool IsWhitespace(char c) { return kWhitespace.find(c) != std::string_view::npos; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of the number literal at the start of `s` (0 if none):
// (0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?
size_t NumberLength(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '0') {
    i++;
  } else if (i < s.size() && s[i] >= '1' && s[i] <= '9') {
    while (i < s.size() && IsDigit(s[i])) {
      i++;
    }
  } else {
    return 0;
  }
  if (i + 1 < s.size() && s[i] == '.' && IsDigit(s[i + 1])) {
    i += 2;
    while (i < s.size() && IsDigit(s[i])) {
      i++;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) {
      j++;
    }
    if (j < s.size() && IsDigit(s[j])) {
      while (j < s.size() && IsDigit(s[j])) {
        j++;
      }
      i = j;
    }
  }
  return i;
}

}  // namespace

bool IsNameStop(char c) {
  return IsWhitespace(c) || kOperatorChars.find(c) != std::string_view::npos;
}

Error Lexer::MakeError(const char* code, int64_t position, std::string token) const {
  Error::Info info;
  info.code = code;
  info.position = position;
  info.token = std::move(token);
  info.compile_time = true;
  static constexpr struct {
    const char* code;
    const char* message;
  } kMessages[] = {
      {"S0101", "String literal must be terminated by a matching quote"},
      {"S0102", "Number out of range"},
      {"S0103", "Unsupported escape sequence in string literal"},
      {"S0104", "The escape sequence \\u must be followed by 4 hex digits"},
      {"S0105", "Quoted property name must be terminated with a backquote (`)"},
      {"S0106", "Comment has no closing tag"},
      {"S0107", "Expression text must be UTF-8; invalid byte"},
      {"S0301", "Empty regular expressions are not allowed"},
      {"S0302", "No terminating / in regular expression"},
  };
  for (const auto& m : kMessages) {
    if (std::strcmp(m.code, code) == 0) {
      info.message = m.message;
    }
  }
  if (!info.token.empty()) {
    info.message += ": " + info.token;
  }
  return Error(std::move(info));
}

JResult<Token> Lexer::Next(bool infix) {
  const size_t n = text_.size();
  if (!checked_utf8_) {
    // The reference's expressions are JavaScript strings: they may hold lone surrogates (kept
    // as WTF-8 here) but no invalid UTF-8, which would otherwise end up in names and literals.
    checked_utf8_ = true;
    size_t bad = InvalidUtf8Offset(text_, /*allow_lone_surrogates=*/true);
    if (bad != std::string_view::npos) {
      static constexpr char kHex[] = "0123456789abcdef";
      unsigned char byte = static_cast<unsigned char>(text_[bad]);
      pos_ = n;
      return MakeError("S0107", static_cast<int64_t>(bad),
                       std::string("0x") + kHex[byte >> 4] + kHex[byte & 15]);
    }
  }
  for (;;) {
    while (pos_ < n && IsWhitespace(text_[pos_])) {
      pos_++;
    }
    if (pos_ + 1 < n && text_[pos_] == '/' && text_[pos_ + 1] == '*') {
      size_t start = pos_;
      size_t close = text_.find("*/", pos_ + 2);
      if (close == std::string_view::npos) {
        return MakeError("S0106", static_cast<int64_t>(start));
      }
      pos_ = close + 2;
      continue;
    }
    break;
  }
  Token token;
  if (pos_ >= n) {
    token.type = TokenType::kEnd;
    token.position = static_cast<int64_t>(n);
    return token;
  }
  char c = text_[pos_];
  if (!infix && c == '/') {
    pos_++;
    return ScanRegex();
  }
  auto op = [&](size_t len) {
    token.type = TokenType::kOperator;
    token.text = std::string(text_.substr(pos_, len));
    pos_ += len;
    token.position = static_cast<int64_t>(pos_);
    return token;
  };
  char c2 = pos_ + 1 < n ? text_[pos_ + 1] : '\0';
  if ((c == '.' && c2 == '.') || (c == ':' && c2 == '=') || (c == '!' && c2 == '=') ||
      (c == '>' && c2 == '=') || (c == '<' && c2 == '=') || (c == '*' && c2 == '*') ||
      (c == '~' && c2 == '>') || (c == '?' && c2 == ':') || (c == '?' && c2 == '?')) {
    return op(2);
  }
  if (kOperatorChars.find(c) != std::string_view::npos) {
    return op(1);
  }
  if (c == '"' || c == '\'') {
    pos_++;
    return ScanString(c);
  }
  size_t num_len = NumberLength(text_.substr(pos_));
  if (num_len > 0) {
    std::string_view num_text = text_.substr(pos_, num_len);
    std::optional<Number> number = Number::Parse(num_text);
    if (!number) {
      return MakeError("S0102", static_cast<int64_t>(pos_), std::string(num_text));
    }
    pos_ += num_len;
    token.type = TokenType::kNumber;
    token.text = std::string(num_text);
    token.value = Value::Num(*number);
    token.position = static_cast<int64_t>(pos_);
    return token;
  }
  if (c == '`') {
    pos_++;
    size_t end = text_.find('`', pos_);
    if (end == std::string_view::npos) {
      pos_ = n;
      return MakeError("S0105", static_cast<int64_t>(pos_));
    }
    token.type = TokenType::kName;
    token.text = std::string(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    token.position = static_cast<int64_t>(pos_);
    return token;
  }
  size_t i = pos_;
  while (i < n && !IsNameStop(text_[i])) {
    i++;
  }
  std::string_view word = text_.substr(pos_, i - pos_);
  pos_ = i;
  token.position = static_cast<int64_t>(pos_);
  if (!word.empty() && word[0] == '$') {
    token.type = TokenType::kVariable;
    token.text = std::string(word.substr(1));
    return token;
  }
  if (word == "or" || word == "in" || word == "and") {
    token.type = TokenType::kOperator;
    token.text = std::string(word);
    return token;
  }
  if (word == "true" || word == "false") {
    token.type = TokenType::kValue;
    token.text = std::string(word);
    token.value = Value::Bool(word == "true");
    return token;
  }
  if (word == "null") {
    token.type = TokenType::kValue;
    token.text = "null";
    token.value = Value::Null();
    return token;
  }
  token.type = TokenType::kName;
  token.text = std::string(word);
  return token;
}

JResult<Token> Lexer::ScanString(char quote) {
  const size_t n = text_.size();
  std::string out;
  while (pos_ < n) {
    char c = text_[pos_];
    if (c == '\\') {
      pos_++;
      char e = pos_ < n ? text_[pos_] : '\0';
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          auto hex4 = [&](size_t at) -> int {
            if (at + 4 > n) {
              return -1;
            }
            int v = 0;
            for (size_t k = 0; k < 4; k++) {
              int h = HexDigitValue(text_[at + k]);
              if (h < 0) {
                return -1;
              }
              v = v * 16 + h;
            }
            return v;
          };
          int unit = hex4(pos_ + 1);
          if (unit < 0) {
            return MakeError("S0104", static_cast<int64_t>(pos_));
          }
          pos_ += 4;
          uint32_t cp = static_cast<uint32_t>(unit);
          // Join a surrogate pair written as two escapes into one code point.
          if (cp >= 0xD800 && cp <= 0xDBFF && pos_ + 2 < n && text_[pos_ + 1] == '\\' &&
              text_[pos_ + 2] == 'u') {
            int low = hex4(pos_ + 3);
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
              pos_ += 6;
            }
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return MakeError("S0103", static_cast<int64_t>(pos_), std::string(1, e));
      }
    } else if (c == quote) {
      pos_++;
      Token token;
      token.type = TokenType::kString;
      token.text = std::move(out);
      token.position = static_cast<int64_t>(pos_);
      return token;
    } else {
      out.push_back(c);
    }
    pos_++;
  }
  return MakeError("S0101", static_cast<int64_t>(pos_));
}

JResult<Token> Lexer::ScanRegex() {
  const size_t n = text_.size();
  size_t start = pos_;
  int depth = 0;
  auto is_closing_slash = [&](size_t at) {
    if (text_[at] != '/' || depth != 0) {
      return false;
    }
    size_t backslashes = 0;
    while (at >= backslashes + 1 && text_[at - backslashes - 1] == '\\') {
      backslashes++;
    }
    return backslashes % 2 == 0;
  };
  while (pos_ < n) {
    char c = text_[pos_];
    if (is_closing_slash(pos_)) {
      std::string_view pattern = text_.substr(start, pos_ - start);
      if (pattern.empty()) {
        return MakeError("S0301", static_cast<int64_t>(pos_));
      }
      pos_++;
      size_t flag_start = pos_;
      while (pos_ < n && (text_[pos_] == 'i' || text_[pos_] == 'm')) {
        pos_++;
      }
      Token token;
      token.type = TokenType::kRegex;
      token.text = std::string(pattern);
      token.flags = std::string(text_.substr(flag_start, pos_ - flag_start));
      token.position = static_cast<int64_t>(pos_);
      return token;
    }
    bool escaped = pos_ > 0 && text_[pos_ - 1] == '\\';
    if ((c == '(' || c == '[' || c == '{') && !escaped) {
      depth++;
    }
    if ((c == ')' || c == ']' || c == '}') && !escaped) {
      depth--;
    }
    pos_++;
  }
  return MakeError("S0302", static_cast<int64_t>(pos_));
}

}  // namespace erphub::jsonata
