#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/utf8.h"
#include "core/value.h"
#include "mapping/error.h"

namespace erphub::jsonata {

enum class TokenType : uint8_t {
  kEnd,
  kName,
  kVariable,
  kOperator,
  kString,
  kNumber,
  kValue,  // true, false, null
  kRegex,
};

struct Token {
  TokenType type = TokenType::kEnd;
  // Names, variables (without '$'), operators, string contents, regex pattern, number text.
  std::string text;
  Value value;        // numbers and true/false/null
  std::string flags;  // regex flags ('i', 'm')
  // Byte offset just after the token, as the reference reports token positions.
  int64_t position = 0;
};

// Splits JSONata text into tokens one at a time. Whether '/' starts a regex depends on what the
// parser expects, so the parser says so on each call.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // The next token (kEnd at the end). `infix` is true where an operator is expected, so that '/'
  // means division rather than the start of a regex. Errors: S0101-S0107, S0301, S0302.
  JResult<Token> Next(bool infix);

 private:
  JResult<Token> ScanString(char quote);
  JResult<Token> ScanRegex();
  Error MakeError(const char* code, int64_t position, std::string token = {}) const;

  std::string_view text_;
  size_t pos_ = 0;
  bool checked_utf8_ = false;
};

// True for the characters that end a name: whitespace and operator characters.
bool IsNameStop(char c);

}  // namespace erphub::jsonata
