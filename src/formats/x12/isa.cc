#include "formats/x12/isa.h"

#include <cctype>
#include <string>

#include "core/json.h"

namespace erphub::formats::x12 {
namespace {

// An ISA is 106 characters; allow for multi-byte padding and unpadded or overlong fields
// before giving up on finding its 16 separators.
constexpr size_t kMaxIsaBytes = 512;

// Characters when `s` is UTF-8; bytes otherwise (JSON would change such bytes anyway).
size_t CountCharacters(std::string_view s) {
  if (InvalidUtf8Offset(s) != std::string_view::npos) {
    return s.size();
  }
  size_t n = 0;
  for (unsigned char c : s) {
    n += (c & 0xC0) != 0x80;
  }
  return n;
}

bool IsAlnum(unsigned char c) { return std::isalnum(c) != 0; }

// One well-formed UTF-8 character (JSON keeps it unchanged, so it round-trips).
bool IsUtf8Character(std::string_view s) {
  if (s.size() == 1) {
    return static_cast<unsigned char>(s[0]) < 0x80;
  }
  return InvalidUtf8Offset(s) == std::string_view::npos;
}

}  // namespace

size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0) return lead < 0xF0 ? 3 : 1;
  if (lead >= 0xC2) return 2;
  return 1;
}

IsaHeader ReadIsaHeader(std::string_view input, bool more_may_come) {
  IsaHeader isa;
  using Outcome = IsaHeader::Outcome;
  if (input.size() < 4) {
    isa.outcome = more_may_come ? Outcome::kNeedMore : Outcome::kInvalid;
    isa.error = "input ends inside the ISA header";
    return isa;
  }
  char separator = input[3];
  unsigned char sep = static_cast<unsigned char>(separator);
  if (IsAlnum(sep) || sep == ' ' || sep >= 0x80) {
    isa.error = "invalid element separator after ISA";
    return isa;
  }
  size_t pos = 4;
  for (int i = 0; i < 15; ++i) {
    size_t start = pos;
    while (pos < input.size() && input[pos] != separator && pos < kMaxIsaBytes) {
      ++pos;
    }
    if (pos >= kMaxIsaBytes) {
      isa.error = "ISA header has fewer than 16 elements";
      return isa;
    }
    if (pos >= input.size()) {
      isa.outcome = more_may_come ? Outcome::kNeedMore : Outcome::kInvalid;
      isa.error = "input ends inside the ISA header";
      return isa;
    }
    isa.elements[i] = input.substr(start, pos - start);
    ++pos;
  }
  // ISA16 (one character), then the segment terminator (one character, maybe multi-byte).
  size_t isa16_at = pos;
  if (isa16_at + 1 > input.size()) {
    isa.outcome = more_may_come ? Outcome::kNeedMore : Outcome::kInvalid;
    isa.error = "input ends inside the ISA header";
    return isa;
  }
  size_t terminator_at = isa16_at + 1;
  if (terminator_at >= input.size()) {
    isa.outcome = more_may_come ? Outcome::kNeedMore : Outcome::kInvalid;
    isa.error = "input ends before the ISA segment terminator";
    return isa;
  }
  size_t terminator_length = Utf8Length(static_cast<unsigned char>(input[terminator_at]));
  if (terminator_at + terminator_length > input.size()) {
    isa.outcome = more_may_come ? Outcome::kNeedMore : Outcome::kInvalid;
    isa.error = "input ends inside the ISA segment terminator";
    return isa;
  }
  isa.elements[15] = input.substr(isa16_at, 1);
  std::string_view terminator = input.substr(terminator_at, terminator_length);
  unsigned char component = static_cast<unsigned char>(input[isa16_at]);
  unsigned char term0 = static_cast<unsigned char>(terminator[0]);
  if (IsAlnum(term0) || term0 == static_cast<unsigned char>(separator) || term0 == component ||
      term0 == ' ' || IsAlnum(component) || component == sep || component == ' ' ||
      component >= 0x80) {
    // No ISA16: the character after ISA15 is the terminator (seen in real files).
    std::string_view isa15 = isa.elements[14];
    if (isa15.size() >= 2 && !IsAlnum(static_cast<unsigned char>(isa15[1])) &&
        static_cast<unsigned char>(isa15[1]) != sep) {
      size_t len = Utf8Length(static_cast<unsigned char>(isa15[1]));
      if (1 + len <= isa15.size()) {
        isa.isa16_missing = true;
        isa.delimiters.segment = std::string(isa15.substr(1, len));
        isa.delimiters.element = separator;
        isa.delimiters.component = 0;
        isa.elements[14] = isa15.substr(0, 1);
        isa.elements[15] = std::string_view();
        isa.length = static_cast<size_t>(isa15.data() - input.data()) + 1 + len;
        isa.wrong_width_element = 16;
        isa.outcome = Outcome::kOk;
        return isa;
      }
    }
    isa.error = "ISA16 and the segment terminator must be distinct non-alphanumeric characters";
    return isa;
  }
  if (!IsUtf8Character(terminator)) {
    isa.error = "the segment terminator is not a UTF-8 character";
    return isa;
  }
  for (int i = 0; i < 15; ++i) {
    std::string_view e = isa.elements[i];
    if (e.find(terminator) != std::string_view::npos ||
        (i != 10 && e.find(static_cast<char>(component)) != std::string_view::npos)) {
      isa.error = "ISA element " + std::to_string(i + 1) + " contains a delimiter";
      return isa;
    }
  }
  isa.delimiters.element = separator;
  isa.delimiters.component = static_cast<char>(component);
  isa.delimiters.segment = std::string(terminator);
  isa.length = terminator_at + terminator_length;
  for (int i = 0; i < 16; ++i) {
    if (static_cast<int>(CountCharacters(isa.elements[i])) != kIsaWidths[i]) {
      isa.wrong_width_element = i + 1;
      break;
    }
  }
  // ISA11 is the repetition separator from version 00402 on (before, the standards id "U").
  // Older files that put a punctuation character there use it that way too.
  std::string_view isa11 = isa.elements[10];
  if (isa11.size() == 1) {
    unsigned char r = static_cast<unsigned char>(isa11[0]);
    if (!IsAlnum(r) && r != ' ' && r != sep && r != component && r != term0 && r < 0x80) {
      isa.delimiters.repetition = static_cast<char>(r);
    }
  }
  isa.outcome = Outcome::kOk;
  return isa;
}

}  // namespace erphub::formats::x12
