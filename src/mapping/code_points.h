#pragma once

#include <string>
#include <string_view>

#include "core/utf8.h"

namespace erphub::jsonata {

// The picture-string functions follow the reference implementation character by character, so
// they work on code points rather than UTF-8 bytes.

// Decodes UTF-8; a byte that does not start a valid sequence decodes as U+FFFD.
std::u32string ToCodePoints(std::string_view utf8);
std::string ToUtf8(std::u32string_view text);

// JavaScript's \s class: ASCII white space, no-break spaces and the Unicode space separators.
bool IsJsSpace(char32_t cp);

// ASCII-only case mapping (every word, numeral and name the pictures produce is ASCII).
std::u32string AsciiUpper(std::u32string_view text);
std::u32string AsciiLower(std::u32string_view text);
std::string AsciiUpper(std::string_view text);
std::string AsciiLower(std::string_view text);

// Index of `needle` in `text` at or after `from`, or npos; an empty needle is found at `from`,
// as JavaScript's indexOf does.
size_t IndexOf(std::u32string_view text, std::u32string_view needle, size_t from = 0);
size_t LastIndexOf(std::u32string_view text, std::u32string_view needle);

}  // namespace erphub::jsonata
