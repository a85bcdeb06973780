#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "formats/edifact/separators.h"

namespace erphub::formats::edifact {

// One component of one repetition of one element, as a byte range of the segment text (release
// characters still in place). Element 0 is the segment tag.
struct Piece {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t element = 0;
  uint32_t repetition = 0;
  uint32_t component = 0;
  bool released = false;  // holds a release character, so the text needs unescaping
};

// A segment split in place: `pieces` index into `text` and the vector is reused from segment to
// segment, so splitting allocates nothing once warm.
struct SegmentView {
  std::string_view text;
  std::vector<Piece> pieces;
  uint32_t element_count = 0;  // including the tag

  std::string_view tag() const { return Raw(pieces.front()); }
  std::string_view Raw(const Piece& piece) const {
    return text.substr(piece.begin, piece.end - piece.begin);
  }
  // The first piece of element `element` (repetition 0, component `component`, both 0-based
  // here), or nullptr when the segment does not have it.
  const Piece* Find(uint32_t element, uint32_t component) const;
};

// Offset of the terminator that ends the segment starting at `from`, skipping released ones;
// npos when `text` holds no such terminator.
size_t FindTerminator(std::string_view text, size_t from, const Separators& separators);

// Splits one segment (without its terminator).
void SplitSegment(std::string_view text, const Separators& separators, SegmentView& out);

// Appends the data of `raw`: release characters removed, and ISO-8859-1 bytes converted to UTF-8
// when `raw` is not UTF-8 already (partners declaring UNOC send either).
void AppendData(std::string& out, std::string_view raw, char release, bool released);

// The text of element `element`, component `component` (0-based; element 0 is the tag), or ""
// when absent.
std::string DataOf(const SegmentView& view, uint32_t element, uint32_t component,
                   const Separators& separators);

// The JSON form of a segment: {"tag": "DTM", "elements": [...]}; an element is a string, an array
// of component strings, or {"repeat": [...]} holding one of those per repetition.
Value SegmentToValue(const SegmentView& view, const Separators& separators);

// Whether `tag` is three upper-case letters or digits.
bool IsValidTag(std::string_view tag);

}  // namespace erphub::formats::edifact
