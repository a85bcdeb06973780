#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"

namespace erphub::formats::edifact {

// One entry of a message's structure: a segment with its maximum repeats, or a segment group
// (named as in the UN directory, "SG25") whose first entry is the segment that starts it.
struct StructureNode {
  std::string tag;    // segment tag; empty for a group
  std::string group;  // group name; empty for a segment
  uint32_t max = 1;
  std::vector<StructureNode> children;
  // TagCode of the segment that starts this node: its own tag, or its group's first segment's.
  uint32_t trigger = 0;

  bool is_group() const { return !group.empty(); }
};

// A segment tag as one number, for quick comparison (0 for tags that are not three bytes).
inline uint32_t TagCode(std::string_view tag) {
  if (tag.size() != 3) {
    return 0;
  }
  return (static_cast<uint32_t>(static_cast<unsigned char>(tag[0])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(tag[1])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(tag[2]));
}

// The body of a message between UNH and UNT, read from src/formats/data/edifact/<TYPE>.json.
struct MessageDefinition {
  std::string type;
  StructureNode root;  // a group named after the message
};

// The definition of message `type` ("ORDERS"), loaded once per process and shared; nullptr when
// there is none (the message stays a flat segment list).
const MessageDefinition* FindMessageDefinition(std::string_view type);

// Builds a definition from its JSON form (what the data files hold).
Result<MessageDefinition> MessageDefinitionFromJson(const Value& json);

// Content rules for a segment tag whatever the message (from segments.json). Positions are
// 1-based element and component numbers (component 0: a simple element).
struct SegmentRules {
  struct Position {
    uint32_t element;
    uint32_t component;
  };
  struct ComponentLimit {
    uint32_t element;
    uint32_t max_components;
  };
  std::vector<Position> numeric;
  std::vector<ComponentLimit> max_components;
};
const SegmentRules* FindSegmentRules(std::string_view tag);

}  // namespace erphub::formats::edifact
