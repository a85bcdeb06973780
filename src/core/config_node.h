#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/result.h"

namespace erphub {

struct ConfigEntry;

// A YAML document as erphub reads it: nulls, scalars (as text), sequences and mappings, each with
// the 1-based line and column where it starts, so every later problem can name its place. Scalars
// stay text until a field spec says what type they are.
struct ConfigNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  int line = 0;
  int column = 0;
  // Scalars only: the text, and whether it was written plain (no quotes, no block style, no
  // tag). Only plain scalars resolve to null, booleans and numbers where the type is open.
  std::string text;
  bool plain = false;
  std::vector<ConfigNode> items;     // sequences
  std::vector<ConfigEntry> entries;  // mappings, in file order

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_map() const { return kind == Kind::kMap; }

  // The entry with this key (mappings only), or nullptr.
  const ConfigEntry* Find(std::string_view key) const;
};

// One key: value pair of a mapping; the key's own place is where "unknown field" points.
struct ConfigEntry {
  std::string key;
  int line = 0;
  int column = 0;
  ConfigNode value;
};

// Parses YAML text (the first document). `file` names the text in diagnostics. Syntax errors,
// non-scalar keys and duplicate keys are reported with their places; an empty document is a null
// node.
Result<ConfigNode, Diagnostics> ParseConfigYaml(std::string_view text, std::string_view file);

// "a YAML mapping", "a string", ... for messages that say what was found instead.
std::string_view DescribeKind(const ConfigNode& node);

}  // namespace erphub
