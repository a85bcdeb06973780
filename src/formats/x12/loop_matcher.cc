#include "formats/x12/loop_matcher.h"

#include <algorithm>
#include <string>
#include <utility>

namespace erphub::formats::x12 {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Digits (with an optional leading minus and, for decimals, one point); counts the digits.
bool IsNumeric(std::string_view value, bool decimal, uint32_t& digits) {
  digits = 0;
  bool point = false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (IsDigit(c)) {
      ++digits;
    } else if (c == '-' && i == 0) {
    } else if (c == '.' && decimal && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits > 0;
}

int TwoDigits(std::string_view s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

bool IsDate(std::string_view value) {
  if ((value.size() != 6 && value.size() != 8) ||
      !std::all_of(value.begin(), value.end(), IsDigit)) {
    return false;
  }
  size_t month_at = value.size() - 4;
  int month = TwoDigits(value, month_at);
  int day = TwoDigits(value, month_at + 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool IsTime(std::string_view value) {
  if (value.size() < 4 || value.size() > 8 || value.size() == 5 ||
      !std::all_of(value.begin(), value.end(), IsDigit)) {
    return false;
  }
  return TwoDigits(value, 0) < 24 && TwoDigits(value, 2) < 60;
}

}  // namespace

void LoopMatcher::Start(const SetDefinition* set) {
  set_ = set;
  frames_.clear();
  missing_.clear();
  hl_ids_seen_.clear();
  if (set != nullptr) {
    frames_.push_back(Frame{&set->body, 0, 0, {}});
    counts_.assign(set->body.entries.size(), 0);
  }
}

void LoopMatcher::CheckRequired(const Frame& frame) {
  for (uint32_t index : frame.loop->required) {
    if (counts_[frame.count_offset + index] != 0) {
      continue;
    }
    const SegmentEntry& entry = frame.loop->entries[index];
    SegmentIssue issue;
    issue.code = "3";
    issue.missing_tag = UnpackTag(entry.tag);
    issue.loop_id = frame.loop == &set_->body ? "" : frame.loop->id;
    issue.message = (entry.loop != nullptr ? "mandatory loop " + entry.loop->id
                                           : "mandatory segment " + issue.missing_tag) +
                    " is missing" + (issue.loop_id.empty() ? "" : " in loop " + issue.loop_id);
    missing_.push_back(std::move(issue));
  }
}

std::vector<SegmentIssue> LoopMatcher::TakeMissing() { return std::exchange(missing_, {}); }

Status LoopMatcher::PopTo(size_t depth, Handler& handler) {
  while (frames_.size() > depth) {
    CheckRequired(frames_.back());
    frames_.pop_back();
    ERPHUB_TRY(handler.EndLoop());
  }
  return Status::Ok();
}

Status LoopMatcher::Open(const SegmentEntry& entry, const SegmentView& segment, Handler& handler) {
  const Frame& parent = frames_.back();
  uint32_t offset = parent.count_offset + static_cast<uint32_t>(parent.loop->entries.size());
  size_t needed = offset + entry.loop->entries.size();
  if (counts_.size() < needed) {
    counts_.resize(needed);
  }
  std::fill(counts_.begin() + offset, counts_.begin() + static_cast<ptrdiff_t>(needed), 0);
  counts_[offset] = 1;
  frames_.push_back(Frame{entry.loop, 0, offset, {}});
  ERPHUB_TRY(handler.StartLoop(entry.loop->id));
  return handler.Segment(segment);
}

void LoopMatcher::CheckElements(const SegmentEntry& entry, const SegmentView& segment,
                                SegmentIssue& issue) {
  if (entry.elements.empty() || !issue.code.empty()) {
    return;
  }
  for (const ElementRule& rule : entry.elements) {
    std::string_view value =
        rule.position < segment.elements.size() ? segment.elements[rule.position] : "";
    const char* code = nullptr;
    const char* what = nullptr;
    uint32_t length = static_cast<uint32_t>(value.size());
    if (value.empty()) {
      if (rule.required) {
        code = "1";
        what = "mandatory element missing";
      }
    } else if (segment.flags[rule.position] & 3) {
      continue;  // composites and repeats are not checked here
    } else if (rule.kind == ElementKind::kNumeric) {
      if (!IsNumeric(value, false, length)) {
        code = "6";
        what = "invalid character in numeric element";
      }
    } else if (rule.kind == ElementKind::kDecimal) {
      if (!IsNumeric(value, true, length)) {
        code = "6";
        what = "invalid character in decimal element";
      }
    } else if (rule.kind == ElementKind::kDate) {
      if (!IsDate(value)) {
        code = "8";
        what = "invalid date";
      }
    } else if (rule.kind == ElementKind::kTime) {
      if (!IsTime(value)) {
        code = "9";
        what = "invalid time";
      }
    }
    if (code == nullptr && !value.empty()) {
      if (length < rule.min_length) {
        code = "4";
        what = "data element too short";
      } else if (rule.max_length != 0 && length > rule.max_length) {
        code = "5";
        what = "data element too long";
      }
    }
    if (code != nullptr) {
      issue.code = "8";
      issue.element_position = rule.position;
      issue.element_code = code;
      issue.element_value = std::string(value);
      char position[8];
      snprintf(position, sizeof(position), "%02u", rule.position);
      issue.message =
          std::string(segment.tag()) + position + ": " + what + " '" + std::string(value) + "'";
      return;
    }
  }
}

Status LoopMatcher::PlaceHierarchical(size_t depth, uint32_t index, const SegmentView& segment,
                                      Handler& handler, SegmentIssue& issue) {
  const SegmentEntry& entry = frames_[depth].loop->entries[index];
  std::string_view id = segment.elements.size() > 1 ? segment.elements[1] : "";
  std::string_view parent = segment.elements.size() > 2 ? segment.elements[2] : "";
  size_t target = depth;
  if (!parent.empty()) {
    for (size_t k = frames_.size() - 1; k > depth; --k) {
      if (frames_[k].loop == entry.loop && frames_[k].hl_id == parent) {
        target = k;
        break;
      }
    }
    if (target == depth &&
        std::find(hl_ids_seen_.begin(), hl_ids_seen_.end(), parent) == hl_ids_seen_.end()) {
      issue.code = "7";
      issue.message = "HL02 '" + std::string(parent) + "' names no earlier HL";
    }
  }
  ERPHUB_TRY(PopTo(target + 1, handler));
  if (target == depth) {
    Frame& frame = frames_[depth];
    frame.position = index;
    uint32_t used = ++counts_[frame.count_offset + index];
    if (entry.max_use != 0 && used > entry.max_use && issue.code.empty()) {
      issue.code = "4";
      issue.message = "loop HL occurs more than " + std::to_string(entry.max_use) + " times";
    }
  }
  CheckElements(entry.loop->entries[0], segment, issue);
  if (!issue.code.empty()) {
    issue.loop_id = entry.loop->id;
  }
  ERPHUB_TRY(Open(entry, segment, handler));
  frames_.back().hl_id = std::string(id);
  if (hl_ids_seen_.size() < 100000) {
    hl_ids_seen_.emplace_back(id);
  }
  return Status::Ok();
}

Status LoopMatcher::Place(const SegmentView& segment, Handler& handler, SegmentIssue& issue) {
  if (set_ == nullptr) {
    return handler.Segment(segment);
  }
  uint32_t tag = PackTag(segment.tag());
  for (size_t d = frames_.size(); d-- > 0;) {
    Frame& frame = frames_[d];
    // Inside nested HL loops only the innermost one takes segments; the outer ones wait for HL.
    bool outer_hl =
        frame.loop->hierarchical && d + 1 < frames_.size() && frames_[d + 1].loop == frame.loop;
    const auto& entries = frame.loop->entries;
    const uint32_t* tags = frame.loop->tags.data();
    const uint32_t size = static_cast<uint32_t>(entries.size());
    uint32_t start = (d > 0 && frame.position == 0) ? 1 : frame.position;
    for (uint32_t i = start; i < size; ++i) {
      if (tags[i] != tag) {
        continue;
      }
      const SegmentEntry& entry = entries[i];
      if (outer_hl && !(entry.loop && entry.loop->hierarchical)) {
        continue;
      }
      if (entry.loop != nullptr && entry.loop->hierarchical) {
        return PlaceHierarchical(d, i, segment, handler, issue);
      }
      ERPHUB_TRY(PopTo(d + 1, handler));
      Frame& owner = frames_[d];
      owner.position = i;
      uint32_t used = ++counts_[owner.count_offset + i];
      if (entry.max_use != 0 && used > entry.max_use) {
        issue.code = entry.loop != nullptr ? "4" : "5";
        issue.message = std::string(entry.loop != nullptr ? "loop " : "segment ") +
                        std::string(segment.tag()) + " occurs more than " +
                        std::to_string(entry.max_use) + " times";
      }
      if (entry.loop != nullptr) {
        CheckElements(entry.loop->entries[0], segment, issue);
        if (!issue.code.empty()) {
          issue.loop_id = entry.loop->id;
        }
        return Open(entry, segment, handler);
      }
      CheckElements(entry, segment, issue);
      if (!issue.code.empty() && owner.loop != &set_->body) {
        issue.loop_id = owner.loop->id;
      }
      return handler.Segment(segment);
    }
  }
  // Not ahead of the current position anywhere: misplaced or unknown. It stays where it is.
  const Frame& top = frames_.back();
  issue.loop_id = top.loop == &set_->body ? "" : top.loop->id;
  for (const Frame& frame : frames_) {
    for (const SegmentEntry& entry : frame.loop->entries) {
      if (entry.tag == tag) {
        issue.code = "7";
        issue.message = "segment " + std::string(segment.tag()) + " is out of sequence";
        return handler.Segment(segment);
      }
    }
  }
  bool known = IsKnownSegmentTag(segment.tag());
  issue.code = known ? "6" : "1";
  issue.message = "segment " + std::string(segment.tag()) +
                  (known ? " is not in transaction set " : " is not a known segment in set ") +
                  set_->id;
  return handler.Segment(segment);
}

Status LoopMatcher::Close(Handler& handler) {
  if (frames_.empty()) {
    return Status::Ok();
  }
  ERPHUB_TRY(PopTo(1, handler));
  CheckRequired(frames_[0]);
  frames_.clear();
  return Status::Ok();
}

}  // namespace erphub::formats::x12
