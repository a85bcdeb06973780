#pragma once

#include <cstddef>
#include <new>
#include <span>
#include <utility>
#include <vector>

#include "core/value.h"

namespace erphub::jsonata {

// The arguments of one function call: a few values kept inline, so that most calls allocate
// nothing. The inline slots are raw storage: only the values pushed are constructed and
// destroyed, which matters because every call makes one.
class ArgList {
 public:
  static constexpr size_t kInline = 6;

  ArgList() = default;
  ArgList(const ArgList&) = delete;
  ArgList& operator=(const ArgList&) = delete;
  ~ArgList() {
    if (!on_heap_) {
      for (size_t i = 0; i < size_; i++) {
        inline_data()[i].~Value();
      }
    }
  }

  [[gnu::always_inline]] void push_back(Value v) {
    if (!on_heap_ && size_ < kInline) [[likely]] {
      new (&inline_data()[size_]) Value(std::move(v));
      size_++;
      return;
    }
    PushBackSlow(std::move(v));
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Value& operator[](size_t i) const { return span()[i]; }
  std::span<const Value> span() const {
    return on_heap_ ? std::span<const Value>(heap_) : std::span<const Value>(inline_data(), size_);
  }
  operator std::span<const Value>() const { return span(); }  // NOLINT: a list is a span

 private:
  [[gnu::noinline]] void PushBackSlow(Value v) {
    if (!on_heap_) {
      heap_.reserve(size_ * 2);
      for (size_t i = 0; i < size_; i++) {
        heap_.push_back(std::move(inline_data()[i]));
        inline_data()[i].~Value();
      }
      on_heap_ = true;
    }
    heap_.push_back(std::move(v));
    size_++;
  }

  Value* inline_data() { return std::launder(reinterpret_cast<Value*>(storage_)); }
  const Value* inline_data() const {
    return std::launder(reinterpret_cast<const Value*>(storage_));
  }

  alignas(Value) unsigned char storage_[kInline * sizeof(Value)];
  size_t size_ = 0;
  bool on_heap_ = false;
  std::vector<Value> heap_;
};

}  // namespace erphub::jsonata
