#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "formats/x12/x12.h"

// Reading the fixed-width ISA header, which defines the delimiters of its interchange.
namespace erphub::formats::x12 {

// Widths of ISA01..ISA16 in characters.
inline constexpr std::array<int, 16> kIsaWidths = {2, 10, 2, 10, 2, 15, 2, 15,
                                                   6, 4,  1, 5,  9, 1,  1, 1};

struct IsaHeader {
  enum class Outcome { kOk, kNeedMore, kInvalid };
  Outcome outcome = Outcome::kInvalid;
  std::string error;  // kInvalid: why
  Delimiters delimiters;
  size_t length = 0;  // bytes of the ISA segment including its terminator
  // The 16 elements (views into the input).
  std::array<std::string_view, 16> elements;
  // First element (1-based) whose width is not the fixed one, 0 when all are right.
  int wrong_width_element = 0;
  bool isa16_missing = false;
};

// Reads the ISA at the start of `input` (which starts with "ISA"). kNeedMore when `input` ends
// before the header does and more may come.
IsaHeader ReadIsaHeader(std::string_view input, bool more_may_come);

// Length in bytes of the UTF-8 character starting with `lead` (1 for bytes that start none).
size_t Utf8Length(unsigned char lead);

}  // namespace erphub::formats::x12
