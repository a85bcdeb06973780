#include <algorithm>
#include <cstddef>
#include <new>
#include <vector>

#include "mapping/function_value.h"

namespace erphub::jsonata {

namespace {

struct FrameCache {
  std::vector<void*> free;
  ~FrameCache();
};

// Set when the thread's cache is gone, so that frames released later go back to the heap.
thread_local bool cache_gone = false;

FrameCache::~FrameCache() {
  cache_gone = true;
  for (void* p : free) {
    ::operator delete(p);
  }
}

FrameCache& Cache() {
  thread_local FrameCache cache;
  return cache;
}

}  // namespace

void* Frame::operator new(size_t size) {
  if (size == sizeof(Frame) && !cache_gone) {
    FrameCache& cache = Cache();
    if (!cache.free.empty()) {
      void* p = cache.free.back();
      cache.free.pop_back();
      return p;
    }
  }
  return ::operator new(size);
}

void Frame::operator delete(void* p) {
  if (!cache_gone) {
    FrameCache& cache = Cache();
    if (cache.free.size() < 256) {
      cache.free.push_back(p);
      return;
    }
  }
  ::operator delete(p);
}

namespace {

// Emptied frame lists of finished evaluations on this thread (evaluations may nest).
struct SpareLists {
  std::vector<std::vector<Frame*>> lists;
  ~SpareLists();
};

thread_local bool spare_lists_gone = false;

SpareLists::~SpareLists() { spare_lists_gone = true; }

std::vector<std::vector<Frame*>>& SpareFrameLists() {
  thread_local SpareLists spare;
  return spare.lists;
}

}  // namespace

FrameRegistry::FrameRegistry() {
  if (spare_lists_gone) {
    return;
  }
  auto& spare = SpareFrameLists();
  if (!spare.empty()) {
    frames_ = std::move(spare.back());
    spare.pop_back();
  }
}

FrameRegistry::~FrameRegistry() {
  if (spare_lists_gone || frames_.capacity() == 0 || frames_.capacity() > 4096) {
    return;
  }
  auto& spare = SpareFrameLists();
  if (spare.size() < 8) {
    frames_.clear();
    spare.push_back(std::move(frames_));
  }
}

void FrameRegistry::Add(Frame* frame) {
  if (frames_.size() >= compact_at_) {
    size_t live = 0;
    for (Frame* f : frames_) {
      if (f != nullptr) {
        f->set_registry(this, static_cast<uint32_t>(live));
        frames_[live++] = f;
      }
    }
    frames_.resize(live);
    compact_at_ = std::max<size_t>(256, live * 2);
  }
  frame->set_registry(this, static_cast<uint32_t>(frames_.size()));
  frames_.push_back(frame);
}

}  // namespace erphub::jsonata
