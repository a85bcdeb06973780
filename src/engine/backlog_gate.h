#pragma once

#include <atomic>
#include <cstdint>

namespace erphub::engine {

// Back-pressure for one flow: is its unfinished work past the bound? The store's figures
// (Store::Backlog, read periodically) plus what was handed to the store since the last reading,
// so a burst between two readings is refused too. Counts are deliveries (a message with two
// outputs counts two), not messages. Lock-free.
//
// Every acceptance counts exactly once: Committed must run in the same hold of the commit fence
// (IntakeCommitter::WhileNoneCommits) as the store commit it reports, and Refresh within a
// reading taken under that fence, so a reading includes exactly the commits reported before it.
class BacklogGate {
 public:
  // A limit <= 0 means none.
  BacklogGate(int64_t max_deliveries, int64_t max_bytes)
      : max_deliveries_(max_deliveries), max_bytes_(max_bytes) {}

  bool Overloaded() const {
    return (max_deliveries_ > 0 && count_.load(std::memory_order_relaxed) >= max_deliveries_) ||
           (max_bytes_ > 0 && bytes_.load(std::memory_order_relaxed) >= max_bytes_);
  }

  // Deliveries handed to the store, not yet committed.
  void Submitted(int64_t deliveries) { count_.fetch_add(deliveries); }
  // The store answered for `submitted` of them, of which `stored` were created (the rest were
  // duplicates or failed).
  void Committed(int64_t submitted, int64_t stored) {
    committed_.fetch_add(stored);
    count_.fetch_sub(submitted - stored);
  }
  // A fresh reading of the store: unfinished (queued, ready, in flight) deliveries and their
  // payload bytes. The deliveries committed since the last reading are in it now; those handed
  // over but not committed still count on top. One step, so Overloaded never sees a gap.
  void Refresh(int64_t deliveries, int64_t bytes) {
    const int64_t committed = committed_.exchange(0);
    count_.fetch_add(deliveries - reading_ - committed);
    reading_ = deliveries;
    bytes_.store(bytes);
  }

  int64_t estimate() const { return count_.load(); }
  int64_t max_deliveries() const { return max_deliveries_; }
  int64_t max_bytes() const { return max_bytes_; }

 private:
  const int64_t max_deliveries_;
  const int64_t max_bytes_;
  // The last reading plus the deliveries handed over since (less those not created).
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> bytes_{0};
  // Deliveries created by commits since the last reading.
  std::atomic<int64_t> committed_{0};
  // The last reading; only Refresh, which the fence serializes, touches it.
  int64_t reading_ = 0;
};

}  // namespace erphub::engine
