#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "core/thread_name.h"

namespace erphub::components {

// The background thread of a polling input. Stop() wakes a Pause at once and joins the thread;
// it may be called more than once.
class Poller {
 public:
  explicit Poller(std::chrono::milliseconds interval) : interval_(interval) {}
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;
  ~Poller() { Stop(); }

  void Start(std::function<void()> run) { thread_ = NamedThread("input-poller", std::move(run)); }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  bool stopping() const {
    std::lock_guard lock(mu_);
    return stopping_;
  }

  // Waits one interval; false, at once, when stopping.
  bool Pause() { return PauseFor(interval_); }

  // Waits `wait`; false, at once, when stopping.
  bool PauseFor(std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    return !wake_.wait_for(lock, wait, [this] { return stopping_; });
  }

 private:
  const std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace erphub::components
