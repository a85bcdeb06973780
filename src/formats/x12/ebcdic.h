#pragma once

#include <string>
#include <string_view>

// EBCDIC interchanges (code page 500): recognised by their "ISA" bytes and decoded to UTF-8, so
// the reader never sees garbage; the writer can encode them back.
namespace erphub::formats::x12 {

// Whether `bytes` starts with "ISA" in EBCDIC (C9 E2 C1).
bool LooksLikeEbcdicIsa(std::string_view bytes);

void AppendEbcdicAsUtf8(std::string_view bytes, std::string& out);

// False when `text` holds a character code page 500 lacks (out is then incomplete).
bool AppendUtf8AsEbcdic(std::string_view text, std::string& out);

}  // namespace erphub::formats::x12
