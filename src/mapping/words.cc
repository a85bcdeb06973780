#include "mapping/words.h"

#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "mapping/code_points.h"

namespace erphub::jsonata {
namespace {

constexpr std::array<std::string_view, 20> kSmall = {
    "Zero",     "One",     "Two",     "Three",     "Four",     "Five",    "Six",
    "Seven",    "Eight",   "Nine",    "Ten",       "Eleven",   "Twelve",  "Thirteen",
    "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"};
constexpr std::array<std::string_view, 20> kSmallOrdinals = {
    "Zeroth",     "First",     "Second",    "Third",       "Fourth",     "Fifth",     "Sixth",
    "Seventh",    "Eighth",    "Ninth",     "Tenth",       "Eleventh",   "Twelfth",   "Thirteenth",
    "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"};
// Twenty to Ninety, then Hundred (the reference derives "-ieth" ordinals from this list too).
constexpr std::array<std::string_view, 9> kDecades = {
    "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"};
constexpr std::array<std::string_view, 4> kMagnitudes = {"Thousand", "Million", "Billion",
                                                         "Trillion"};

std::string Lookup(double num, bool prev, bool ordinal) {
  std::string words;
  if (num <= 19) {
    auto index = static_cast<size_t>(num);
    words = prev ? " and " : "";
    words += ordinal ? kSmallOrdinals[index] : kSmall[index];
  } else if (num < 100) {
    double tens = std::floor(num / 10);
    double remainder = std::fmod(num, 10);
    words = prev ? " and " : "";
    words += kDecades[static_cast<size_t>(tens) - 2];
    if (remainder > 0) {
      words += "-" + Lookup(remainder, false, ordinal);
    } else if (ordinal) {
      words.pop_back();  // Twenty -> Twentieth
      words += "ieth";
    }
  } else if (num < 1000) {
    double hundreds = std::floor(num / 100);
    double remainder = std::fmod(num, 100);
    words = prev ? ", " : "";
    words += std::string(kSmall[static_cast<size_t>(hundreds)]) + " Hundred";
    if (remainder > 0) {
      words += Lookup(remainder, true, ordinal);
    } else if (ordinal) {
      words += "th";
    }
  } else {
    // Beyond the largest magnitude word the words repeat: "thousand trillion".
    auto magnitude = static_cast<int>(std::floor(std::log10(num) / 3));
    if (magnitude > static_cast<int>(kMagnitudes.size())) {
      magnitude = static_cast<int>(kMagnitudes.size());
    }
    double factor = std::pow(10.0, magnitude * 3);
    double mantissa = std::floor(num / factor);
    double remainder = num - mantissa * factor;
    words = prev ? ", " : "";
    words += Lookup(mantissa, false, false) + " " +
             std::string(kMagnitudes[static_cast<size_t>(magnitude) - 1]);
    if (remainder > 0) {
      words += Lookup(remainder, true, ordinal);
    } else if (ordinal) {
      words += "th";
    }
  }
  return words;
}

// The number words with their values, in the reference's order.
const std::vector<std::pair<std::string, double>>& WordList() {
  static const auto* const list = [] {
    auto* words = new std::vector<std::pair<std::string, double>>();
    auto add = [&](std::string_view word, double value) {
      std::string lower = AsciiLower(word);
      for (const auto& entry : *words) {
        if (entry.first == lower) {
          return;
        }
      }
      words->emplace_back(std::move(lower), value);
    };
    for (size_t i = 0; i < kSmall.size(); ++i) {
      add(kSmall[i], static_cast<double>(i));
    }
    for (size_t i = 0; i < kSmallOrdinals.size(); ++i) {
      add(kSmallOrdinals[i], static_cast<double>(i));
    }
    for (size_t i = 0; i < kDecades.size(); ++i) {
      double value = static_cast<double>((i + 2) * 10);
      add(kDecades[i], value);
      std::string word(kDecades[i]);
      word.pop_back();
      add(word + "ieth", value);  // twentieth; the reference also derives "hundreieth"
    }
    add("hundredth", 100);
    for (size_t i = 0; i < kMagnitudes.size(); ++i) {
      double value = std::pow(10.0, static_cast<double>((i + 1) * 3));
      add(kMagnitudes[i], value);
      add(std::string(kMagnitudes[i]) + "th", value);
    }
    return words;
  }();
  return *list;
}

const std::map<std::u32string, double>& WordValues() {
  static const auto* const values = [] {
    auto* map = new std::map<std::u32string, double>();
    for (const auto& [word, value] : WordList()) {
      (*map)[ToCodePoints(word)] = value;
    }
    return map;
  }();
  return *values;
}

// Splits like the reference's /,\s|\sand\s|[\s\\-]/: ", ", " and ", or one space, backslash or
// hyphen.
std::vector<std::u32string> SplitWords(std::u32string_view text) {
  std::vector<std::u32string> parts;
  size_t start = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t separator = 0;
    if (text[i] == U',' && i + 1 < text.size() && IsJsSpace(text[i + 1])) {
      separator = 2;
    } else if (IsJsSpace(text[i]) && i + 4 < text.size() && text.substr(i + 1, 3) == U"and" &&
               IsJsSpace(text[i + 4])) {
      separator = 5;
    } else if (IsJsSpace(text[i]) || text[i] == U'\\' || text[i] == U'-') {
      separator = 1;
    }
    if (separator == 0) {
      ++i;
      continue;
    }
    parts.emplace_back(text.substr(start, i - start));
    i += separator;
    start = i;
  }
  parts.emplace_back(text.substr(start));
  return parts;
}

}  // namespace

std::string NumberToWords(double value, bool ordinal) { return Lookup(value, false, ordinal); }

const std::vector<std::string>& NumberWords() {
  static const auto* const words = [] {
    auto* list = new std::vector<std::string>();
    for (const auto& entry : WordList()) {
      list->push_back(entry.first);
    }
    return list;
  }();
  return *words;
}

double WordsToNumber(std::u32string_view lower_text) {
  const auto& values = WordValues();
  std::vector<double> segments = {0};
  for (const std::u32string& part : SplitWords(lower_text)) {
    auto it = values.find(part);
    if (it == values.end()) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    double value = it->second;
    if (value < 100) {
      double top = segments.back();
      segments.pop_back();
      if (top >= 1000) {
        segments.push_back(top);
        top = 0;
      }
      segments.push_back(top + value);
    } else {
      segments.back() *= value;
    }
  }
  double sum = 0;
  for (double s : segments) {
    sum += s;
  }
  return sum;
}

std::string ToRoman(double value) {
  struct Numeral {
    int value;
    const char* text;
  };
  static constexpr Numeral kNumerals[] = {
      {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
      {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
  std::string out;
  for (const Numeral& numeral : kNumerals) {
    while (value >= numeral.value) {
      out += numeral.text;
      value -= numeral.value;
    }
  }
  return out;
}

double FromRoman(std::u32string_view upper_text) {
  double decimal = 0;
  double max = 1;
  for (size_t i = upper_text.size(); i-- > 0;) {
    double value;
    switch (upper_text[i]) {
      case U'M':
        value = 1000;
        break;
      case U'D':
        value = 500;
        break;
      case U'C':
        value = 100;
        break;
      case U'L':
        value = 50;
        break;
      case U'X':
        value = 10;
        break;
      case U'V':
        value = 5;
        break;
      case U'I':
        value = 1;
        break;
      default:
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (value < max) {
      decimal -= value;
    } else {
      max = value;
      decimal += value;
    }
  }
  return decimal;
}

std::string ToLetters(double value, char a) {
  std::string letters;
  while (value > 0) {
    letters.insert(letters.begin(),
                   static_cast<char>(a + static_cast<int>(std::fmod(value - 1, 26))));
    value = std::floor((value - 1) / 26);
  }
  return letters;
}

double FromLetters(std::u32string_view letters, char32_t a) {
  double decimal = 0;
  for (size_t i = 0; i < letters.size(); ++i) {
    double digit =
        static_cast<double>(letters[letters.size() - i - 1]) - static_cast<double>(a) + 1;
    decimal += digit * std::pow(26.0, static_cast<double>(i));
  }
  return decimal;
}

}  // namespace erphub::jsonata
