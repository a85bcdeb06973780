#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"

namespace erphub {

// JSON text <-> Value. Numbers become exact decimals (see Number); objects keep key order;
// duplicate keys keep the last value in the first key's place. Escaped lone surrogates (\ud800)
// are kept as WTF-8 rather than rejected, so such text round-trips.

struct JsonParseOptions {
  // Nesting deeper than this is a parse error, not a stack overflow.
  int max_depth = 512;
};

// Parses exactly one JSON value (surrounding whitespace allowed). Errors are kParse with the
// context "line L, column C" (1-based, columns in bytes) and a message naming what was expected.
// JSON text must be UTF-8: invalid sequences, overlongs and encoded surrogates are errors, while
// \ud800-style escapes of lone surrogates are kept (as WTF-8) and written back as escapes.
Result<Value> ParseJson(std::string_view text, const JsonParseOptions& options = {});

// Byte offset of the first byte of `text` that is not part of well-formed UTF-8 (overlongs,
// encoded surrogates and code points beyond U+10FFFF are not), or npos when all of it is.
// `allow_lone_surrogates` accepts WTF-8: text that came from JSON with \ud800-style escapes.
size_t InvalidUtf8Offset(std::string_view text, bool allow_lone_surrogates = false);

struct JsonWriteOptions {
  // 0 writes compact JSON; n > 0 indents nested levels by n spaces.
  int indent = 0;
  // Escape non-ASCII as \uXXXX (otherwise UTF-8 passes through).
  bool ascii_only = false;
};

// Writes JSON as JSON.stringify does: undefined and function values are left out of objects and
// written as null inside arrays; an undefined or function value at the top writes nothing.
void AppendJson(std::string& out, const Value& value, const JsonWriteOptions& options = {});
std::string ToJson(const Value& value, const JsonWriteOptions& options = {});

// Appends `s` as a JSON string literal with quotes. Lone surrogates (WTF-8) are written as \uXXXX
// escapes; bytes that are not UTF-8 as U+FFFD, so the output always parses again.
void AppendJsonString(std::string& out, std::string_view s, bool ascii_only = false);

}  // namespace erphub
