#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "core/value.h"

namespace erphub::jsonata {

// The arguments of one function call: a few values kept inline, so that most calls allocate
// nothing.
class ArgList {
 public:
  static constexpr size_t kInline = 6;

  ArgList() = default;
  ArgList(const ArgList&) = delete;
  ArgList& operator=(const ArgList&) = delete;

  void push_back(Value v) {
    if (heap_.empty() && size_ < kInline) {
      inline_[size_++] = std::move(v);
      return;
    }
    if (heap_.empty()) {
      heap_.reserve(size_ * 2);
      for (size_t i = 0; i < size_; i++) {
        heap_.push_back(std::move(inline_[i]));
      }
    }
    heap_.push_back(std::move(v));
    size_++;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Value& operator[](size_t i) const { return heap_.empty() ? inline_[i] : heap_[i]; }
  std::span<const Value> span() const {
    return heap_.empty() ? std::span<const Value>(inline_, size_) : std::span<const Value>(heap_);
  }
  operator std::span<const Value>() const { return span(); }  // NOLINT: a list is a span

 private:
  Value inline_[kInline];
  size_t size_ = 0;
  std::vector<Value> heap_;
};

}  // namespace erphub::jsonata
