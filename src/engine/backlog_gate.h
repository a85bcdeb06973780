#pragma once

#include <atomic>
#include <cstdint>

namespace erphub::engine {

// Back-pressure for one flow: is its unfinished work past the bound? The store's figures
// (Store::Backlog, read periodically) plus what was handed to the store since the last reading,
// so a burst between two readings is refused too. Counts are deliveries (a message with two
// outputs counts two), not messages. Lock-free.
class BacklogGate {
 public:
  // A limit <= 0 means none.
  BacklogGate(int64_t max_deliveries, int64_t max_bytes)
      : max_deliveries_(max_deliveries), max_bytes_(max_bytes) {}

  bool Overloaded() const {
    const int64_t count = stored_.load(std::memory_order_relaxed) +
                          added_.load(std::memory_order_relaxed) +
                          submitted_.load(std::memory_order_relaxed);
    return (max_deliveries_ > 0 && count >= max_deliveries_) ||
           (max_bytes_ > 0 && bytes_.load(std::memory_order_relaxed) >= max_bytes_);
  }

  // Deliveries handed to the store, not yet committed.
  void Submitted(int64_t deliveries) { submitted_.fetch_add(deliveries); }
  // The store answered for `submitted` of them, of which `stored` were created.
  void Committed(int64_t submitted, int64_t stored) {
    added_.fetch_add(stored);
    submitted_.fetch_sub(submitted);
  }
  // A fresh reading of the store: unfinished (queued, ready, in flight) deliveries and their
  // payload bytes. Call Begin before reading the store and Refresh after: work added in between
  // counts twice until the next reading, never zero times.
  void BeginRefresh() { added_.store(0); }
  void Refresh(int64_t deliveries, int64_t bytes) {
    stored_.store(deliveries);
    bytes_.store(bytes);
  }

  int64_t estimate() const { return stored_.load() + added_.load() + submitted_.load(); }
  int64_t max_deliveries() const { return max_deliveries_; }
  int64_t max_bytes() const { return max_bytes_; }

 private:
  const int64_t max_deliveries_;
  const int64_t max_bytes_;
  std::atomic<int64_t> stored_{0};
  std::atomic<int64_t> bytes_{0};
  std::atomic<int64_t> added_{0};
  std::atomic<int64_t> submitted_{0};
};

}  // namespace erphub::engine
