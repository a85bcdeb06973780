#include "formats/edifact/message_grouper.h"

#include <utility>

namespace erphub::formats::edifact {

MessageGrouper::MessageGrouper(const MessageDefinition* definition) : definition_(definition) {
  if (definition_ != nullptr) {
    OpenFrame(&definition_->root);
  } else {
    stack_.push_back(Frame{nullptr, 0, {}, {}});
  }
}

void MessageGrouper::OpenFrame(const StructureNode* node) {
  Frame frame{node, 0, std::vector<uint32_t>(node->children.size(), 0), {}};
  stack_.push_back(std::move(frame));
}

void MessageGrouper::CloseFrame() {
  Frame frame = std::move(stack_.back());
  stack_.pop_back();
  Object group;
  group.Reserve(2);
  group.Append("group", Value::Str(frame.node->group));
  group.Append("segments", Value::MakeArray(std::move(frame.items)));
  stack_.back().items.push_back(Value::MakeObject(std::move(group)));
}

MessageGrouper::Placement MessageGrouper::Add(std::string_view tag, Value segment) {
  if (definition_ == nullptr) {
    stack_.back().items.push_back(std::move(segment));
    return Placement::kOk;
  }
  const uint32_t code = TagCode(tag);
  // Search forward from the current position at the innermost level, then at each enclosing
  // level: the standard's rule for placing a segment in a message.
  for (size_t level = stack_.size(); level-- > 0;) {
    Frame& frame = stack_[level];
    const auto& children = frame.node->children;
    // Inside a group occurrence its first segment is not repeated: it starts a new occurrence.
    size_t from = frame.position;
    if (level > 0 && from == 0) {
      from = 1;
    }
    for (size_t i = from; i < children.size(); ++i) {
      const StructureNode& child = children[i];
      if (child.trigger != code) {
        continue;
      }
      while (stack_.size() > level + 1) {
        CloseFrame();
      }
      Frame& target = stack_[level];
      target.position = i;
      uint32_t count = ++target.counts[i];
      Placement placement = Placement::kOk;
      if (!child.is_group()) {
        target.items.push_back(std::move(segment));
        if (count > child.max) {
          placement = Placement::kTooManySegments;
        }
        return placement;
      }
      if (count > child.max) {
        placement = Placement::kTooManyGroups;
      }
      OpenFrame(&child);
      stack_.back().counts[0] = 1;
      stack_.back().items.push_back(std::move(segment));
      return placement;
    }
  }
  stack_.back().items.push_back(std::move(segment));
  return Placement::kUnexpected;
}

Value MessageGrouper::Finish() {
  while (stack_.size() > 1) {
    CloseFrame();
  }
  Value body = Value::MakeArray(std::move(stack_.back().items));
  stack_.clear();
  return body;
}

}  // namespace erphub::formats::edifact
