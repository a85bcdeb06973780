#include "formats/edifact/separators.h"

namespace erphub::formats::edifact {

Separators DefaultSeparators(int syntax_version) {
  Separators separators;
  if (syntax_version >= 4) {
    separators.repetition = '*';
  }
  return separators;
}

Result<Separators> SeparatorsFromUna(std::string_view six) {
  if (six.size() != 6) {
    return ParseError("UNA must be followed by exactly six service characters");
  }
  Separators s;
  s.component = six[0];
  s.element = six[1];
  s.decimal = six[2];
  s.release = six[3] == ' ' ? '\0' : six[3];
  s.repetition = six[4] == ' ' ? '\0' : six[4];
  s.terminator = six[5];
  const char used[] = {s.component, s.element, s.release, s.repetition, s.terminator};
  for (size_t i = 0; i < 5; ++i) {
    if (used[i] == '\0') {
      continue;
    }
    if (used[i] == ' ' || used[i] == '\r' || used[i] == '\n') {
      return ParseError("UNA uses whitespace as a separator");
    }
    if (static_cast<unsigned char>(used[i]) >= 0x80) {
      return ParseError("UNA service characters must be single ASCII characters");
    }
    for (size_t j = i + 1; j < 5; ++j) {
      if (used[i] == used[j]) {
        return ParseError(std::string("UNA uses '") + used[i] + "' for two service characters");
      }
    }
  }
  return s;
}

std::string UnaCharacters(const Separators& s) {
  std::string out;
  out.push_back(s.component);
  out.push_back(s.element);
  out.push_back(s.decimal);
  out.push_back(s.release == '\0' ? ' ' : s.release);
  out.push_back(s.repetition == '\0' ? ' ' : s.repetition);
  out.push_back(s.terminator);
  return out;
}

}  // namespace erphub::formats::edifact
