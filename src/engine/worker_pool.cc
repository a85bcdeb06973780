#include "engine/worker_pool.h"

#include <algorithm>
#include <utility>

namespace erphub::engine {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// The longest the dispatcher sleeps on the store without looking at its own stop flag: the
// store's wait cannot be interrupted from here, so this bounds how long StopClaiming takes.
constexpr milliseconds kStopCheckInterval{100};
// Pause after the store failed a claim (e.g. disk full), before trying again.
constexpr milliseconds kClaimErrorPause{1000};

}  // namespace

WorkerPool::WorkerPool(store::Store& store, WorkerPoolOptions options, Handler handler)
    : store_(store),
      options_(std::move(options)),
      handler_(std::move(handler)),
      clock_(options_.clock != nullptr ? *options_.clock : SystemClock::Default()),
      log_(options_.log != nullptr ? *options_.log : Logger::Default()) {}

WorkerPool::~WorkerPool() { Join(); }

void WorkerPool::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) {
    return;
  }
  started_ = true;
  idle_ = std::max(options_.workers, 1);
  for (int i = 0; i < idle_; ++i) {
    workers_.emplace_back([this] { Work(); });
  }
  dispatcher_ = std::thread([this] { Dispatch(); });
  renewer_ = std::thread([this] { Renew(); });
}

void WorkerPool::NoteDue(Timestamp at) {
  const int64_t us = ToUnixMicros(at);
  int64_t current = next_due_us_.load();
  while (us < current && !next_due_us_.compare_exchange_weak(current, us)) {
  }
}

void WorkerPool::StopClaiming() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    claiming_ = false;
  }
  idle_cv_.notify_all();
}

bool WorkerPool::WaitIdle(SteadyClock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  const int workers = static_cast<int>(workers_.size());
  return idle_cv_.wait_until(lock, deadline, [&] { return queue_.empty() && idle_ == workers; });
}

void WorkerPool::Join() {
  StopClaiming();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_ || joined_) {
      return;
    }
    joined_ = true;
  }
  dispatcher_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  renew_cv_.notify_all();
  for (std::thread& worker : workers_) {
    worker.join();
  }
  renewer_.join();
}

bool WorkerPool::StillRunning(int64_t delivery_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return leases_.count(delivery_id) > 0;
}

int WorkerPool::busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(workers_.size()) - idle_;
}

void WorkerPool::Dispatch() {
  uint64_t seen = 0;
  // Look for work without waiting for a signal: at start, and after a claim that filled every
  // idle worker (more may be ready).
  bool look = true;
  SteadyClock::time_point next_poll = SteadyClock::now();
  while (true) {
    int limit = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      idle_cv_.wait(lock, [&] { return !claiming_ || idle_ > 0; });
      if (!claiming_) {
        return;
      }
      limit = idle_;
    }
    const uint64_t generation = store_.WorkGeneration();
    const int64_t now_us = ToUnixMicros(clock_.Now());
    int64_t due_us = next_due_us_.load();
    const bool due = now_us >= due_us || SteadyClock::now() >= next_poll;
    if (!look && generation == seen && !due) {
      AwaitWork(seen);
      continue;
    }
    look = false;
    seen = generation;
    next_poll = SteadyClock::now() + options_.idle_poll;
    if (now_us >= due_us) {
      // Claiming now takes every due delivery there is room for; a later NoteDue may win.
      next_due_us_.compare_exchange_strong(due_us, INT64_MAX);
    }

    store::ClaimOptions claim;
    claim.owner = options_.owner;
    claim.limit = limit;
    claim.lease_duration = options_.lease_duration;
    claim.flows = options_.flows;
    Result<std::vector<store::ClaimedDelivery>> claimed = store_.ClaimDeliveries(claim);
    if (!claimed.ok()) {
      log_.Warn("engine.claim_failed", {{"error", Value::Str(claimed.status().ToString())}});
      std::unique_lock<std::mutex> lock(mu_);
      idle_cv_.wait_for(lock, kClaimErrorPause, [&] { return !claiming_; });
      look = true;
      continue;
    }
    const int count = static_cast<int>(claimed->size());
    if (count == 0) {
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (store::ClaimedDelivery& delivery : *claimed) {
        leases_[delivery.lease.delivery_id] = delivery.lease;
        queue_.push_back(std::move(delivery));
      }
      idle_ -= count;
    }
    work_cv_.notify_all();
    look = count == limit;
  }
}

void WorkerPool::AwaitWork(uint64_t seen) {
  milliseconds timeout = kStopCheckInterval;
  const int64_t due_us = next_due_us_.load();
  if (due_us != INT64_MAX) {
    // Clock time until the retry is due, slept in real time (a fake clock that jumps is seen at
    // the next stop check).
    const int64_t wait_us = due_us - ToUnixMicros(clock_.Now());
    timeout = std::min(timeout, milliseconds(std::max<int64_t>(wait_us / 1000 + 1, 0)));
  }
  timeout = std::min(timeout, options_.idle_poll);
  store_.AwaitWork(seen, timeout);
}

void WorkerPool::Work() {
  while (true) {
    store::ClaimedDelivery delivery;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) {
        return;
      }
      delivery = std::move(queue_.front());
      queue_.pop_front();
    }
    handler_(delivery);
    {
      std::lock_guard<std::mutex> lock(mu_);
      leases_.erase(delivery.lease.delivery_id);
      ++idle_;
    }
    idle_cv_.notify_all();
  }
}

void WorkerPool::Renew() {
  const milliseconds interval = std::max(options_.lease_duration / 3, milliseconds(1));
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    renew_cv_.wait_for(lock, interval, [&] { return stopping_; });
    if (stopping_) {
      return;
    }
    std::map<int64_t, store::Lease> leases = leases_;
    lock.unlock();
    for (const auto& [id, lease] : leases) {
      Result<store::Lease> renewed = store_.RenewLease(lease, options_.lease_duration);
      if (!renewed.ok() && StillRunning(id)) {
        // The outcome's report will fail on the lost lease; another owner redoes the work.
        log_.Warn(
            "engine.lease_renewal_failed",
            {{"delivery", Value::Int(id)}, {"error", Value::Str(renewed.status().ToString())}});
      }
    }
    lock.lock();
  }
}

}  // namespace erphub::engine
