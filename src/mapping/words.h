#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace erphub::jsonata {

// Number names for XPath format-integer and its inverse, as the reference implementation writes
// and reads them. Values are doubles because the reference computes in doubles: words reach far
// beyond int64 ("ten billion trillion trillion trillion" is 1e46).

// English words in title case: 123 -> "One Hundred and Twenty-Three"; with `ordinal`,
// "One Hundred and Twenty-Third". `value` is a non-negative integer.
std::string NumberToWords(double value, bool ordinal);

// The inverse for lower-case text ("one hundred and twenty-third" -> 123). Cardinal and ordinal
// words are both accepted. NaN when a word is not a number word.
double WordsToNumber(std::u32string_view lower_text);

// Every word WordsToNumber knows, lower case, in the reference's order (which decides what a
// pattern built from them matches first).
const std::vector<std::string>& NumberWords();

// Lower-case Roman numerals (1984 -> "mcmlxxxiv"); empty for zero. `value` is a non-negative
// integer.
std::string ToRoman(double value);
// Upper-case Roman numerals to a number, subtracting a digit smaller than one to its right; NaN
// for any other character.
double FromRoman(std::u32string_view upper_text);

// Spreadsheet-column letters starting at `a` ('a' or 'A'): 1 -> "a", 27 -> "aa"; empty for zero.
std::string ToLetters(double value, char a);
// The inverse; letters are taken by their distance from `a`.
double FromLetters(std::u32string_view letters, char32_t a);

}  // namespace erphub::jsonata
