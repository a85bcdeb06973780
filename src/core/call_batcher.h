#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace erphub {

// Gathers calls made concurrently from many threads into batches, the way a group commit does:
// a caller that finds no batch running runs one for every call queued so far (waiting up to
// `max_wait` for more while fewer than `max_size` are queued), and each caller returns its own
// result. Calls arriving while a batch runs form the next one, so batches grow with the load and
// an idle caller pays no wait when `max_wait` is zero.
//
// `run` gets the inputs in arrival order and must return one result per input, in that order.
template <typename In, typename Out>
class CallBatcher {
 public:
  using Run = std::function<std::vector<Out>(const std::vector<const In*>&)>;

  CallBatcher(size_t max_size, std::chrono::milliseconds max_wait, Run run)
      : max_size_(max_size == 0 ? 1 : max_size), max_wait_(max_wait), run_(std::move(run)) {}

  Out Call(const In& input) {
    Slot slot{&input, std::nullopt};
    std::unique_lock lock(mu_);
    queue_.push_back(&slot);
    changed_.notify_all();
    for (;;) {
      if (slot.out.has_value()) {
        return std::move(*slot.out);
      }
      if (!running_) {
        RunBatch(lock);
        continue;
      }
      changed_.wait(lock);
    }
  }

  // Batches run so far and the calls they held (for figures and tests).
  size_t batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  size_t calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  struct Slot {
    const In* input;
    std::optional<Out> out;
  };

  // Runs the oldest queued calls as one batch; `lock` is held on entry and on return.
  void RunBatch(std::unique_lock<std::mutex>& lock) {
    running_ = true;
    if (max_wait_.count() > 0) {
      changed_.wait_for(lock, max_wait_, [&] { return queue_.size() >= max_size_; });
    }
    std::vector<Slot*> slots;
    while (!queue_.empty() && slots.size() < max_size_) {
      slots.push_back(queue_.front());
      queue_.pop_front();
    }
    std::vector<const In*> inputs;
    inputs.reserve(slots.size());
    for (const Slot* slot : slots) {
      inputs.push_back(slot->input);
    }
    lock.unlock();
    std::vector<Out> outs = run_(inputs);
    lock.lock();
    for (size_t i = 0; i < slots.size(); ++i) {
      slots[i]->out.emplace(std::move(outs.at(i)));
    }
    ++batches_;
    calls_ += slots.size();
    running_ = false;
    changed_.notify_all();
  }

  const size_t max_size_;
  const std::chrono::milliseconds max_wait_;
  const Run run_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Slot*> queue_;  // guarded by mu_
  bool running_ = false;     // guarded by mu_: a batch is being gathered or run
  size_t batches_ = 0;       // guarded by mu_
  size_t calls_ = 0;         // guarded by mu_
};

}  // namespace erphub
