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

}  // namespace erphub::jsonata
