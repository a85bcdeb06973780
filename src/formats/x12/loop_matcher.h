#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "formats/x12/reader.h"
#include "formats/x12/set_definition.h"

namespace erphub::formats::x12 {

// What is wrong with a segment's place or content, in 997 terms.
struct SegmentIssue {
  std::string code;         // AK304: 1 unrecognized, 3 mandatory segment missing, 4 loop over max,
                            // 5 over max use, 6 not in set, 7 out of sequence, 8 element errors;
                            // empty when the segment is fine
  std::string missing_tag;  // code 3: the segment that is missing
  std::string message;
  std::string loop_id;
  uint32_t element_position = 0;
  std::string element_code;  // AK403
  std::string element_value;
};

// Groups the body segments of one transaction set into the loops of its definition, as they
// arrive: a segment closes the loops it does not belong to and opens the one it starts. A set
// without a definition stays a flat list. Segments it cannot place stay where they are.
class LoopMatcher {
 public:
  // `set` may be nullptr.
  void Start(const SetDefinition* set);
  // Places a body segment, reporting loop ends/starts and the segment to `handler`.
  Status Place(const SegmentView& segment, Handler& handler, SegmentIssue& issue);
  // Closes the loops still open (at SE).
  Status Close(Handler& handler);
  // The mandatory segments found missing (code 3) when loops closed since the last call.
  std::vector<SegmentIssue> TakeMissing();

 private:
  struct Frame {
    const LoopDefinition* loop;
    uint32_t position;      // index of the last entry matched in this loop
    uint32_t count_offset;  // where this frame's per-entry use counts start in counts_
    std::string hl_id;      // HL01 for hierarchical loops
  };

  Status PopTo(size_t depth, Handler& handler);
  void CheckRequired(const Frame& frame);
  Status Open(const SegmentEntry& entry, const SegmentView& segment, Handler& handler);
  void CheckElements(const SegmentEntry& entry, const SegmentView& segment, SegmentIssue& issue);
  Status PlaceHierarchical(size_t depth, uint32_t index, const SegmentView& segment,
                           Handler& handler, SegmentIssue& issue);

  const SetDefinition* set_ = nullptr;
  std::vector<Frame> frames_;
  std::vector<uint32_t> counts_;
  std::vector<std::string> hl_ids_seen_;
  std::vector<SegmentIssue> missing_;
};

}  // namespace erphub::formats::x12
