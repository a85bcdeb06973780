#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "formats/edifact/message_definition.h"

namespace erphub::formats::edifact {

// Places the body segments of one message into segment groups as they arrive, following a message
// definition, and notices segments out of place or repeated too often. Without a definition it
// keeps a flat list. Memory: the message being built.
class MessageGrouper {
 public:
  enum class Placement {
    kOk,
    kTooManySegments,  // over the segment's maximum repeats (placed anyway)
    kTooManyGroups,    // over the group's maximum repeats (placed anyway)
    kUnexpected,       // not allowed at this point (kept where it is)
  };

  // Starts a message of the given definition (nullptr: flat), reusing memory of the last one.
  // Without `keep_segments` only placement is checked and Finish() gives an empty body.
  void Reset(const MessageDefinition* definition, bool keep_segments = true);

  Placement Add(std::string_view tag, Value segment);
  // The body: segments and {"group": "SG2", "segments": [...]} items in order.
  Value Finish();

 private:
  struct Frame {
    const StructureNode* node = nullptr;
    size_t position = 0;
    std::vector<uint32_t> counts;
    Array items;
  };

  void OpenFrame(const StructureNode* node);
  void CloseFrame();

  const MessageDefinition* definition_ = nullptr;
  bool keep_segments_ = true;
  // Frames [0, depth_) are open; the vector keeps closed ones to reuse their memory.
  std::vector<Frame> stack_;
  size_t depth_ = 0;
};

}  // namespace erphub::formats::edifact
