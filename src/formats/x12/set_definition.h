#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"

// Transaction-set definitions (segment order, loops, maximum use, element rules), from the data
// files src/formats/data/x12/<set>.json (compiled in). See docs/formats/x12.md for their format.
namespace erphub::formats::x12 {

// A segment tag packed into an integer for fast comparison ("PO1" -> 'P' << 16 | 'O' << 8 | '1').
// The length is in the top byte so that "AB" and "AB\0" differ.
constexpr uint32_t PackTag(std::string_view tag) {
  uint32_t packed = 0;
  size_t n = tag.size() < 3 ? tag.size() : 3;
  for (size_t i = 0; i < n; ++i) {
    packed = (packed << 8) | static_cast<unsigned char>(tag[i]);
  }
  return packed | (static_cast<uint32_t>(tag.size() > 3 ? 4 : tag.size()) << 24);
}

// The tag text of a packed tag (of two or three characters).
std::string UnpackTag(uint32_t packed);

enum class ElementKind { kText, kNumeric, kDecimal, kDate, kTime };

// A check on one element of a segment, reported as an AK4 error when it fails.
struct ElementRule {
  uint32_t position = 0;  // 1-based
  bool required = false;
  uint32_t min_length = 0;
  uint32_t max_length = 0;  // 0: no limit
  // "AN" (any), "ID", "N0".."N9" (implied decimals), "R" (decimal), "DT" (date), "TM" (time).
  std::string type = "AN";
  ElementKind kind = ElementKind::kText;  // what `type` checks
};

struct LoopDefinition;

struct SegmentEntry {
  uint32_t tag = 0;                      // the segment's tag, or the loop's first segment's tag
  uint32_t max_use = 0;                  // 0: unbounded
  bool required = false;                 // mandatory: its absence is AK3 code 3
  const LoopDefinition* loop = nullptr;  // set when this entry is a loop
  std::vector<ElementRule> elements;
};

struct LoopDefinition {
  std::string id;  // "N1", "PO1", "HL"
  // HL loops nest by their parent reference (HL02) instead of by position.
  bool hierarchical = false;
  std::vector<SegmentEntry> entries;  // entries[0] starts the loop (none for the set's body)
  std::vector<uint32_t> tags;         // entries[i].tag, packed together for fast scans
  std::vector<uint32_t> required;     // indexes of the required entries (after the first)
};

struct SetDefinition {
  std::string id;  // "850"
  LoopDefinition body;
  std::vector<std::unique_ptr<LoopDefinition>> loops;  // owns the nested loops
};

// Builds a definition from its JSON data; fails with the place of a malformed entry.
Result<std::unique_ptr<SetDefinition>> SetDefinitionFromJson(const Value& json);

// The definition of a transaction set (ST01), or nullptr when there is none. The definitions are
// parsed once, on first use; thread-safe.
const SetDefinition* FindSetDefinition(std::string_view set_id);

// Whether `tag` is a segment of any known definition (to tell an unknown tag from a misplaced one).
bool IsKnownSegmentTag(std::string_view tag);

}  // namespace erphub::formats::x12
