#include "engine/worker_pool.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "core/thread_name.h"

namespace erphub::engine {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// The longest the dispatcher sleeps on the store without looking at its own stop flag: the
// store's wait cannot be interrupted from here, so this bounds how long StopClaiming takes.
constexpr milliseconds kStopCheckInterval{100};
// Pause after the store failed a claim (e.g. disk full), before trying again.
constexpr milliseconds kClaimErrorPause{1000};

// Workers and recorders yield the CPU to intake when both want it: a burst is acknowledged at
// full speed (callers time out and resend otherwise) and worked off after, within the backlog
// bound. Linux niceness is per thread; without CPU contention it changes nothing.
constexpr int kWorkerNice = 5;

void LowerThreadPriority() {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  ::setpriority(PRIO_PROCESS, tid, kWorkerNice);  // best effort: a failure leaves it as it was
}

}  // namespace

WorkerPool::WorkerPool(store::Store& store, WorkerPoolOptions options, Runner runner)
    : store_(store),
      options_(std::move(options)),
      runner_(std::move(runner)),
      clock_(options_.clock != nullptr ? *options_.clock : SystemClock::Default()),
      log_(options_.log != nullptr ? *options_.log : Logger::Default()),
      workers_(std::max(options_.workers, 1)),
      recorders_(options_.recorders > 0 ? options_.recorders : std::max(16, workers_)),
      prefetch_(std::max(options_.prefetch, 0)) {}

WorkerPool::~WorkerPool() { Join(); }

void WorkerPool::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) {
    return;
  }
  started_ = true;
  idle_workers_ = workers_;
  for (int i = 0; i < workers_; ++i) {
    worker_threads_.emplace_back(NamedThread("worker", [this] { Work(); }));
  }
  for (int i = 0; i < recorders_; ++i) {
    recorder_threads_.emplace_back(NamedThread("recorder", [this] { Record(); }));
  }
  dispatcher_ = NamedThread("dispatcher", [this] { Dispatch(); });
  renewer_ = NamedThread("lease-renewer", [this] { Renew(); });
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
  return idle_cv_.wait_until(lock, deadline, [&] { return held_ == 0; });
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
  // Workers finish the queue, then recorders record everything the workers handed over.
  work_cv_.notify_all();
  for (std::thread& worker : worker_threads_) {
    worker.join();
  }
  record_cv_.notify_all();
  for (std::thread& recorder : recorder_threads_) {
    recorder.join();
  }
  renew_cv_.notify_all();
  renewer_.join();
}

int WorkerPool::busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return held_;
}

bool WorkerPool::StillHeld(int64_t delivery_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return leases_.count(delivery_id) > 0;
}

void WorkerPool::Dispatch() {
  const int max_held = workers_ + prefetch_ + recorders_;
  uint64_t seen = 0;
  // Look for work without waiting for a signal: at start, and after a claim that filled every
  // idle worker (more may be ready).
  bool look = true;
  SteadyClock::time_point next_poll = SteadyClock::now();
  while (true) {
    int limit = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      // A few deliveries wait, claimed, for a worker: a worker that finishes takes the next at
      // once instead of waiting for a claim's commit, and one claim serves many workers.
      auto room = [&] {
        const int running_or_queued = workers_ - idle_workers_ + static_cast<int>(queue_.size());
        return std::min(workers_ + prefetch_ - running_or_queued, max_held - held_);
      };
      idle_cv_.wait(lock, [&] { return !claiming_ || room() > 0; });
      if (!claiming_) {
        return;
      }
      limit = room();
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
    claim.lease_duration = options_.lease_duration;
    claim.flows = options_.flows;
    if (options_.claimable) {
      claim.outputs = options_.claimable();
    }
    std::vector<store::ClaimedDelivery> probes;
    ClaimProbes(limit, probes);
    claim.limit = limit - static_cast<int>(probes.size());
    Result<std::vector<store::ClaimedDelivery>> claimed = std::vector<store::ClaimedDelivery>();
    if (claim.limit > 0) {
      claimed = store_.ClaimDeliveries(claim);
    }
    if (!claimed.ok()) {
      log_.Warn("engine.claim_failed", {{"error", Value::Str(claimed.status().ToString())}});
      claimed = std::vector<store::ClaimedDelivery>();
      if (probes.empty()) {
        std::unique_lock<std::mutex> lock(mu_);
        idle_cv_.wait_for(lock, kClaimErrorPause, [&] { return !claiming_; });
        look = true;
        continue;
      }
    }
    for (store::ClaimedDelivery& probe : probes) {
      claimed->push_back(std::move(probe));
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
      held_ += count;
    }
    work_cv_.notify_all();
    look = count == limit;
  }
}

void WorkerPool::ClaimProbes(int limit, std::vector<store::ClaimedDelivery>& claimed) {
  if (!options_.probes) {
    return;
  }
  for (WorkerPoolOptions::Probe& probe : options_.probes()) {
    if (static_cast<int>(claimed.size()) >= limit) {
      probe.claimed(false);
      continue;
    }
    store::ClaimOptions claim;
    claim.owner = options_.owner;
    claim.limit = 1;
    claim.lease_duration = options_.lease_duration;
    claim.outputs = std::vector<store::OutputRef>{probe.output};
    Result<std::vector<store::ClaimedDelivery>> one = store_.ClaimDeliveries(claim);
    if (!one.ok()) {
      log_.Warn("engine.claim_failed", {{"error", Value::Str(one.status().ToString())}});
    }
    const bool got = one.ok() && !one->empty();
    probe.claimed(got);
    if (got) {
      claimed.push_back(std::move(one->front()));
    }
  }
}

void WorkerPool::AwaitWork(uint64_t seen) {
  milliseconds timeout = std::min(kStopCheckInterval, options_.idle_poll);
  const int64_t due_us = next_due_us_.load();
  if (due_us != INT64_MAX) {
    // Clock time until the retry is due, slept in real time (a fake clock that jumps is seen at
    // the next stop check).
    const int64_t wait_us = due_us - ToUnixMicros(clock_.Now());
    timeout = std::min(timeout, milliseconds(std::max<int64_t>(wait_us / 1000 + 1, 0)));
  }
  store_.AwaitWork(seen, timeout);
}

void WorkerPool::Work() {
  LowerThreadPriority();
  while (true) {
    store::ClaimedDelivery delivery;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return !queue_.empty() || (stopping_ && offers_ == 0); });
      if (queue_.empty()) {
        return;
      }
      delivery = std::move(queue_.front());
      queue_.pop_front();
      --idle_workers_;
    }
    Finish finish = runner_(delivery);
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_.push_back(Finished{std::move(delivery), std::move(finish)});
      ++idle_workers_;
    }
    record_cv_.notify_one();
    idle_cv_.notify_all();
  }
}

void WorkerPool::Record() {
  LowerThreadPriority();
  while (true) {
    Finished item;
    {
      std::unique_lock<std::mutex> lock(mu_);
      // Recorders stop only after the workers have stopped: Join sets stopping_ before joining
      // the workers, so also wait for them to hand over their last outcomes.
      record_cv_.wait(lock, [&] {
        return !finished_.empty() || (stopping_ && idle_workers_ == workers_ && queue_.empty());
      });
      if (finished_.empty()) {
        return;
      }
      item = std::move(finished_.front());
      finished_.pop_front();
    }
    std::optional<store::ClaimOptions> next = Offer(1);
    std::vector<store::ClaimedDelivery> chained =
        item.finish(item.delivery, next ? &*next : nullptr);
    {
      std::lock_guard<std::mutex> lock(mu_);
      leases_.erase(item.delivery.lease.delivery_id);
      --held_;
    }
    if (next) {
      Take(std::move(chained));
    }
    idle_cv_.notify_all();
  }
}

std::optional<store::ClaimOptions> WorkerPool::Offer() { return Offer(0); }

std::optional<store::ClaimOptions> WorkerPool::Offer(int freed) {
  store::ClaimOptions claim;
  {
    std::lock_guard<std::mutex> lock(mu_);
    claim.limit = workers_ + prefetch_ + recorders_ - held_ + freed;
    if (!started_ || !claiming_ || claim.limit < 1) {
      return std::nullopt;
    }
    ++offers_;
  }
  claim.owner = options_.owner;
  claim.lease_duration = options_.lease_duration;
  claim.flows = options_.flows;
  if (options_.claimable) {
    claim.outputs = options_.claimable();
  }
  return claim;
}

void WorkerPool::Take(std::vector<store::ClaimedDelivery> leased) {
  bool wake = !leased.empty();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (store::ClaimedDelivery& delivery : leased) {
      leases_[delivery.lease.delivery_id] = delivery.lease;
      queue_.push_back(std::move(delivery));
      ++held_;
    }
    --offers_;
    // Stopping workers wait for the last offer's answer: no more work will come.
    wake = wake || (stopping_ && offers_ == 0);
  }
  // Most offers come back empty (a recorded delivery with nothing to lease): those wake nobody.
  if (wake) {
    work_cv_.notify_all();
  }
}

void WorkerPool::Renew() {
  const milliseconds interval = std::max(options_.lease_duration / 3, milliseconds(1));
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    renew_cv_.wait_for(lock, interval, [&] { return stopping_ && held_ == 0; });
    if (stopping_ && held_ == 0) {
      return;
    }
    std::map<int64_t, store::Lease> leases = leases_;
    lock.unlock();
    for (const auto& [id, lease] : leases) {
      Result<store::Lease> renewed = store_.RenewLease(lease, options_.lease_duration);
      if (!renewed.ok() && StillHeld(id)) {
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
