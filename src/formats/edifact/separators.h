#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace erphub::formats::edifact {

// The service characters of one interchange. '\0' marks a character not in use (a space in UNA's
// release or repetition position, or no repetition before syntax version 4).
struct Separators {
  char component = ':';
  char element = '+';
  char decimal = '.';
  char release = '?';
  char repetition = '\0';
  char terminator = '\'';

  bool operator==(const Separators&) const = default;
};

// The defaults when an interchange has no UNA; syntax version 4 adds '*' for repetitions.
Separators DefaultSeparators(int syntax_version);

// The six characters after "UNA": component, element, decimal mark, release, repetition,
// terminator. Fails when they are not six or two of the separators coincide.
Result<Separators> SeparatorsFromUna(std::string_view six);

// The six characters that give `separators` back (space for a character not in use).
std::string UnaCharacters(const Separators& separators);

// Whether `c` has a meaning inside segment data (so it is escaped when written).
inline bool IsServiceCharacter(const Separators& s, char c) {
  return c == s.component || c == s.element || c == s.terminator ||
         (s.release != '\0' && c == s.release) || (s.repetition != '\0' && c == s.repetition);
}

}  // namespace erphub::formats::edifact
