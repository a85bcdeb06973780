#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/number.h"
#include "mapping/error.h"

namespace erphub::jsonata {

// XPath 3.1 fn:format-integer pictures ("0001", "#,##0", "w", "Ww;o", "I", "a") as the
// reference implementation reads them; shared by $formatInteger/$parseInteger and the integer
// components of date/time pictures.

enum class IntegerStyle { kDecimal, kLetters, kRoman, kWords, kSequence };
enum class LetterCase { kLower, kUpper, kTitle };

struct IntegerPicture {
  IntegerStyle style = IntegerStyle::kDecimal;
  LetterCase letter_case = LetterCase::kLower;
  bool ordinal = false;  // ";o": 1st, 2nd / first, second
  // Decimal style.
  char32_t zero = U'0';  // the zero of the digit family used (Arabic-Indic, full-width...)
  int mandatory_digits = 0;
  int optional_digits = 0;
  struct Separator {
    int position;  // digits to its right
    char32_t character;
  };
  // Regular grouping: the same character every `separators[0].position` digits.
  bool regular = false;
  std::vector<Separator> separators;
  // For parsing a date/time component directly followed by another: its exact digit count.
  int parse_width = 0;
  // Sequence style (a numbering sequence this implementation does not support).
  std::u32string token;
};

// Errors: D3131 when digits of two decimal families are mixed.
JResult<IntegerPicture> AnalyseIntegerPicture(std::u32string_view picture);

// Formats an integer (the caller has floored it). Errors: D3130 for an unsupported numbering
// sequence; D1001 for Roman numerals of values too large to write out.
JResult<std::string> FormatIntegerWith(const Number& value, const IntegerPicture& picture);

// Reads `text` by the picture, as the reference does: without validating the text against the
// picture (a decimal reading stops at the first non-digit). NaN when nothing numeric is found.
// Errors: D3130 for an unsupported numbering sequence.
JResult<double> ParseIntegerWith(std::u32string_view text, const IntegerPicture& picture);

// JavaScript's parseInt(text, 10): optional white space and sign, then the longest run of ASCII
// digits; NaN when there is none.
double JsParseInt(std::u32string_view text);

}  // namespace erphub::jsonata
