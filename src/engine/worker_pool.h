#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/log.h"
#include "store/store.h"

namespace erphub::engine {

struct WorkerPoolOptions {
  int workers = 1;
  // The lease owner recorded in the store (node and process).
  std::string owner;
  std::chrono::milliseconds lease_duration{30000};
  // Work the store does not signal (a retry falling due, deliveries made ready by another
  // process, an expired lease) is looked for at least this often.
  std::chrono::milliseconds idle_poll{1000};
  // Only deliveries of these flows.
  std::vector<std::string> flows;
  const Clock* clock = nullptr;
  Logger* log = nullptr;
};

// Claims ready deliveries from the store and runs them on N worker threads. One dispatcher thread
// claims only as many deliveries as there are idle workers (so nothing claimed waits for a
// worker), in one store transaction, and sleeps on Store::AwaitWork when there is none; a renewer
// thread extends the leases of running deliveries every lease_duration / 3, so a long delivery
// keeps its lease and a crashed process's leases expire.
class WorkerPool {
 public:
  // Runs one claimed delivery to its outcome (Complete, RetryLater or DeadLetter in the store).
  using Handler = std::function<void(const store::ClaimedDelivery& delivery)>;

  WorkerPool(store::Store& store, WorkerPoolOptions options, Handler handler);
  // Stops claiming and waits for running deliveries, however long they take.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Start();

  // A delivery becomes due at `at` (a retry this process scheduled): look for work then.
  void NoteDue(Timestamp at);

  // Claims nothing more; deliveries already claimed still run. Returns at once.
  void StopClaiming();
  // Waits until no claimed delivery is waiting or running, or until `deadline`. True when idle.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline);
  // StopClaiming, then joins every thread: blocks until running deliveries return.
  void Join();

  // Deliveries claimed and not yet finished.
  int busy() const;

 private:
  void Dispatch();
  void Work();
  void Renew();
  // Sleeps on the store until work may be there, a worker is free, or stop.
  void AwaitWork(uint64_t seen);
  bool StillRunning(int64_t delivery_id) const;

  store::Store& store_;
  const WorkerPoolOptions options_;
  const Handler handler_;
  const Clock& clock_;
  Logger& log_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // workers: a delivery is queued, or stop
  std::condition_variable idle_cv_;   // dispatcher and WaitIdle: a worker became free
  std::condition_variable renew_cv_;  // renewer: stop
  std::deque<store::ClaimedDelivery> queue_;
  int idle_ = 0;
  bool claiming_ = true;
  bool stopping_ = false;
  std::map<int64_t, store::Lease> leases_;  // running deliveries by id

  std::atomic<int64_t> next_due_us_{INT64_MAX};
  std::atomic<bool> stop_claiming_{false};

  std::thread dispatcher_;
  std::thread renewer_;
  std::vector<std::thread> workers_;
  bool started_ = false;
  bool joined_ = false;
};

}  // namespace erphub::engine
