#include "mapping/picture_integer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>

#include "mapping/code_points.h"
#include "mapping/words.h"

namespace erphub::jsonata {
namespace {

// Zeros of the Unicode decimal digit families the reference recognises.
constexpr std::array<char32_t, 37> kDigitFamilies = {
    0x30,   0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
    0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0,
    0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};

// Roman numerals of larger values would be a megabyte of 'm's.
constexpr double kMaxRoman = 1e9;

// The zero of the family `cp` belongs to, or 0.
char32_t FamilyZero(char32_t cp) {
  for (char32_t zero : kDigitFamilies) {
    if (cp >= zero && cp <= zero + 9) {
      return zero;
    }
  }
  return 0;
}

// The interval of evenly spaced separators that all use one character, or 0.
int RegularInterval(const std::vector<IntegerPicture::Separator>& separators) {
  if (separators.empty()) {
    return 0;
  }
  for (const auto& s : separators) {
    if (s.character != separators[0].character) {
      return 0;
    }
  }
  int factor = separators[0].position;
  for (const auto& s : separators) {
    factor = std::gcd(factor, s.position);
  }
  for (size_t i = 1; i <= separators.size(); ++i) {
    int wanted = static_cast<int>(i) * factor;
    bool found = std::any_of(separators.begin(), separators.end(),
                             [&](const auto& s) { return s.position == wanted; });
    if (!found) {
      return 0;
    }
  }
  return factor;
}

JResult<IntegerPicture> AnalyseDecimal(std::u32string_view primary, IntegerPicture format) {
  char32_t zero = 0;
  int position = 0;
  std::vector<IntegerPicture::Separator> separators;
  // Right to left, so that each separator knows how many digits lie to its right.
  for (size_t i = primary.size(); i-- > 0;) {
    char32_t cp = primary[i];
    char32_t family = FamilyZero(cp);
    if (family != 0) {
      ++format.mandatory_digits;
      ++position;
      if (zero == 0) {
        zero = family;
      } else if (zero != family) {
        return Error("D3131",
                     "In a decimal digit pattern, all digits must be from the same "
                     "decimal group");
      }
    } else if (cp == U'#') {
      ++position;
      ++format.optional_digits;
    } else {
      separators.push_back({position, cp});
    }
  }
  if (format.mandatory_digits == 0) {
    format.style = IntegerStyle::kSequence;
    format.token = std::u32string(primary);
    return format;
  }
  format.zero = zero;
  int interval = RegularInterval(separators);
  if (interval > 0) {
    format.regular = true;
    format.separators = {{interval, separators[0].character}};
  } else {
    format.separators = std::move(separators);
  }
  return format;
}

Error SequenceError(const IntegerPicture& picture) {
  Error::Info info;
  info.code = "D3130";
  info.message = "Formatting an integer as a sequence starting with \"" + ToUtf8(picture.token) +
                 "\" is not supported by this implementation";
  info.value = Value::Str(ToUtf8(picture.token));
  return Error(std::move(info));
}

std::u32string FormatDecimal(const Number& magnitude, const IntegerPicture& format) {
  std::u32string digits = ToCodePoints(magnitude.ToString());
  if (static_cast<int>(digits.size()) < format.mandatory_digits) {
    digits.insert(0, static_cast<size_t>(format.mandatory_digits) - digits.size(), U'0');
  }
  if (format.zero != U'0') {
    for (char32_t& c : digits) {
      c = c + format.zero - U'0';
    }
  }
  if (format.regular) {
    int interval = format.separators[0].position;
    int groups = (static_cast<int>(digits.size()) - 1) / interval;
    for (int g = groups; g > 0; --g) {
      size_t at = digits.size() - static_cast<size_t>(g * interval);
      digits.insert(at, 1, format.separators[0].character);
    }
  } else {
    // Leftmost first; a separator with no digit to its left is left out.
    for (size_t i = format.separators.size(); i-- > 0;) {
      const auto& s = format.separators[i];
      if (static_cast<int>(digits.size()) > s.position) {
        digits.insert(digits.size() - static_cast<size_t>(s.position), 1, s.character);
      }
    }
  }
  if (format.ordinal) {
    char32_t last = digits.back();
    bool teen = digits.size() > 1 && digits[digits.size() - 2] == U'1';
    if (teen || last < U'1' || last > U'3') {
      digits += U"th";
    } else {
      digits += last == U'1' ? U"st" : last == U'2' ? U"nd" : U"rd";
    }
  }
  return digits;
}

}  // namespace

JResult<IntegerPicture> AnalyseIntegerPicture(std::u32string_view picture) {
  IntegerPicture format;
  std::u32string_view primary = picture;
  size_t semicolon = picture.rfind(U';');
  if (semicolon != std::u32string_view::npos) {
    primary = picture.substr(0, semicolon);
    std::u32string_view modifier = picture.substr(semicolon + 1);
    format.ordinal = !modifier.empty() && modifier[0] == U'o';
  }
  if (primary == U"A" || primary == U"a") {
    format.style = IntegerStyle::kLetters;
    format.letter_case = primary == U"A" ? LetterCase::kUpper : LetterCase::kLower;
  } else if (primary == U"I" || primary == U"i") {
    format.style = IntegerStyle::kRoman;
    format.letter_case = primary == U"I" ? LetterCase::kUpper : LetterCase::kLower;
  } else if (primary == U"W" || primary == U"Ww" || primary == U"w") {
    format.style = IntegerStyle::kWords;
    format.letter_case = primary == U"W"    ? LetterCase::kUpper
                         : primary == U"Ww" ? LetterCase::kTitle
                                            : LetterCase::kLower;
  } else {
    return AnalyseDecimal(primary, std::move(format));
  }
  return format;
}

JResult<std::string> FormatIntegerWith(const Number& value, const IntegerPicture& picture) {
  bool negative = value.IsNegative();
  Number magnitude = value.Abs();
  double number = magnitude.ToDouble();
  std::string out;
  switch (picture.style) {
    case IntegerStyle::kLetters:
      out = ToLetters(number, picture.letter_case == LetterCase::kUpper ? 'A' : 'a');
      break;
    case IntegerStyle::kRoman:
      if (number > kMaxRoman) {
        return Error("D1001", "Number out of range for Roman numerals: " + value.ToString());
      }
      out = ToRoman(number);
      if (picture.letter_case == LetterCase::kUpper) {
        out = AsciiUpper(out);
      }
      break;
    case IntegerStyle::kWords:
      out = NumberToWords(number, picture.ordinal);
      if (picture.letter_case == LetterCase::kUpper) {
        out = AsciiUpper(out);
      } else if (picture.letter_case == LetterCase::kLower) {
        out = AsciiLower(out);
      }
      break;
    case IntegerStyle::kDecimal:
      out = ToUtf8(FormatDecimal(magnitude, picture));
      break;
    case IntegerStyle::kSequence:
      return SequenceError(picture);
  }
  if (negative) {
    out.insert(0, "-");
  }
  return out;
}

JResult<double> ParseIntegerWith(std::u32string_view text, const IntegerPicture& picture) {
  bool upper = picture.letter_case == LetterCase::kUpper;
  switch (picture.style) {
    case IntegerStyle::kLetters:
      return FromLetters(text, upper ? U'A' : U'a');
    case IntegerStyle::kRoman:
      return FromRoman(upper ? std::u32string(text) : AsciiUpper(text));
    case IntegerStyle::kWords:
      return WordsToNumber(AsciiLower(text));
    case IntegerStyle::kDecimal: {
      std::u32string digits(text);
      if (picture.ordinal) {
        digits.resize(digits.size() >= 2 ? digits.size() - 2 : 0);
      }
      // The reference strips ',' for regular grouping whatever the separator character is.
      std::u32string separators;
      if (picture.regular) {
        separators = U",";
      } else {
        for (const auto& s : picture.separators) {
          separators.push_back(s.character);
        }
      }
      std::erase_if(digits, [&](char32_t c) { return separators.find(c) != std::u32string::npos; });
      if (picture.zero != U'0') {
        for (char32_t& c : digits) {
          c = c - picture.zero + U'0';
        }
      }
      return JsParseInt(digits);
    }
    case IntegerStyle::kSequence:
      return SequenceError(picture);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double JsParseInt(std::u32string_view text) {
  size_t i = 0;
  while (i < text.size() && IsJsSpace(text[i])) {
    ++i;
  }
  std::string digits;
  if (i < text.size() && (text[i] == U'-' || text[i] == U'+')) {
    if (text[i] == U'-') {
      digits.push_back('-');
    }
    ++i;
  }
  size_t first_digit = digits.size();
  while (i < text.size() && text[i] >= U'0' && text[i] <= U'9') {
    digits.push_back(static_cast<char>(text[i]));
    ++i;
  }
  if (digits.size() == first_digit) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return std::strtod(digits.c_str(), nullptr);
}

}  // namespace erphub::jsonata
