#include "formats/edifact/message_grouper.h"

#include <utility>

namespace erphub::formats::edifact {
namespace {

// Items a group occurrence usually holds; reserving them saves regrowing small vectors.
constexpr size_t kTypicalItems = 8;

}  // namespace

void MessageGrouper::Reset(const MessageDefinition* definition, bool keep_segments) {
  definition_ = definition;
  keep_segments_ = keep_segments;
  depth_ = 0;
  OpenFrame(definition_ != nullptr ? &definition_->root : nullptr);
}

void MessageGrouper::OpenFrame(const StructureNode* node) {
  if (depth_ == stack_.size()) {
    stack_.emplace_back();
  }
  Frame& frame = stack_[depth_++];
  frame.node = node;
  frame.position = 0;
  frame.counts.assign(node != nullptr ? node->children.size() : 0, 0);
  frame.items.clear();
  if (keep_segments_) {
    frame.items.reserve(kTypicalItems);
  }
}

void MessageGrouper::CloseFrame() {
  Frame& frame = stack_[--depth_];
  if (!keep_segments_) {
    return;
  }
  Object group;
  group.Reserve(2);
  group.Append("group", Value::Str(frame.node->group));
  group.Append("segments", Value::MakeArray(std::move(frame.items)));
  frame.items = Array();
  stack_[depth_ - 1].items.push_back(Value::MakeObject(std::move(group)));
}

MessageGrouper::Placement MessageGrouper::Add(std::string_view tag, Value segment) {
  if (definition_ == nullptr) {
    if (keep_segments_) {
      stack_[0].items.push_back(std::move(segment));
    }
    return Placement::kOk;
  }
  const uint32_t code = TagCode(tag);
  // Search forward from the current position at the innermost level, then at each enclosing
  // level: the standard's rule for placing a segment in a message.
  for (size_t level = depth_; level-- > 0;) {
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
      while (depth_ > level + 1) {
        CloseFrame();
      }
      Frame& target = stack_[level];
      target.position = i;
      uint32_t count = ++target.counts[i];
      if (!child.is_group()) {
        if (keep_segments_) {
          target.items.push_back(std::move(segment));
        }
        return count > child.max ? Placement::kTooManySegments : Placement::kOk;
      }
      OpenFrame(&child);
      stack_[depth_ - 1].counts[0] = 1;
      if (keep_segments_) {
        stack_[depth_ - 1].items.push_back(std::move(segment));
      }
      return count > child.max ? Placement::kTooManyGroups : Placement::kOk;
    }
  }
  if (keep_segments_) {
    stack_[depth_ - 1].items.push_back(std::move(segment));
  }
  return Placement::kUnexpected;
}

Value MessageGrouper::Finish() {
  while (depth_ > 1) {
    CloseFrame();
  }
  Value body = Value::MakeArray(std::move(stack_[0].items));
  stack_[0].items = Array();
  depth_ = 0;
  return body;
}

}  // namespace erphub::formats::edifact
