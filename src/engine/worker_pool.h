#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/log.h"
#include "store/store.h"

namespace erphub::engine {

struct WorkerPoolOptions {
  // Threads running deliveries (steps, outputs).
  int workers = 1;
  // Threads recording outcomes in the store; 0: max(16, workers). Recording waits for a commit,
  // so workers hand it over and take the next delivery; concurrent recordings share commits.
  int recorders = 0;
  // Deliveries claimed ahead, waiting for a worker, so that one claim (one commit) serves many
  // workers. They run when a worker is free, also while draining.
  int prefetch = 32;
  // The lease owner recorded in the store (node and process).
  std::string owner;
  std::chrono::milliseconds lease_duration{30000};
  // Work the store does not signal (a retry falling due, deliveries made ready by another
  // process, an expired lease) is looked for at least this often.
  std::chrono::milliseconds idle_poll{1000};
  // Only deliveries of these flows.
  std::vector<std::string> flows;
  // The outputs to claim from for now (e.g. all but those whose circuit breaker is open);
  // asked before each claim. Empty function, or nullopt: every output of `flows`.
  std::function<std::optional<std::vector<store::OutputRef>>()> claimable;
  // A single delivery of one output, claimed apart from the rest: a half-open circuit breaker's
  // probe (the output is left out of `claimable`, so the ordinary claim skips it).
  struct Probe {
    store::OutputRef output;
    // Told whether a delivery was claimed (false: none of the output's was ready).
    std::function<void(bool claimed)> claimed;
  };
  // Probes to claim now; asked before each claim, after `claimable`. Empty function: none.
  std::function<std::vector<Probe>()> probes;
  const Clock* clock = nullptr;
  Logger* log = nullptr;
};

// Claims ready deliveries from the store and runs them. One dispatcher thread claims, in one
// store transaction, as many deliveries as the workers can take plus `prefetch` waiting, and
// sleeps on Store::AwaitWork when there is none. A worker runs a delivery and hands its outcome
// to a recorder thread, which reports it to the store; the follow-ups a completion leases to the
// pool join the queue at once (a steps stage's output deliveries skip the claim and its wait). A
// renewer thread extends the leases of deliveries not yet recorded every lease_duration / 3, so
// a long delivery keeps its lease, and a crashed process's leases expire.
class WorkerPool {
 public:
  // Records the outcome of a delivery in the store (Complete, RetryLater or DeadLetter). With
  // `next` (nullptr once claiming stopped), a completion may lease its follow-ups to the pool
  // (Store::CompleteAndClaim); they are returned, to be worked next without waiting for a claim.
  using Finish = std::function<std::vector<store::ClaimedDelivery>(
      const store::ClaimedDelivery& delivery, const store::ClaimOptions* next)>;
  // Runs one claimed delivery's work and returns how to record its outcome.
  using Runner = std::function<Finish(const store::ClaimedDelivery& delivery)>;

  WorkerPool(store::Store& store, WorkerPoolOptions options, Runner runner);
  // Join().
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Start();

  // A delivery becomes due at `at` (a retry this process scheduled): look for work then.
  void NoteDue(Timestamp at);

  // Claims nothing more; deliveries already claimed still run and are recorded. Returns at once.
  void StopClaiming();
  // Waits until every claimed delivery has run and been recorded, or until `deadline`. True when
  // nothing is left.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline);
  // StopClaiming, then joins every thread: blocks until claimed deliveries are done.
  void Join();

  // Deliveries claimed and not yet recorded.
  int busy() const;

  // Room for deliveries leased elsewhere (e.g. by an acceptance, Store::AcceptAndClaim): the
  // options to lease with, or nullopt when the pool takes none now (not started, stopping, or
  // full). Answer every offer with Take, with whatever was leased, also nothing.
  std::optional<store::ClaimOptions> Offer();
  // Queues deliveries leased with an offer's options for the workers.
  void Take(std::vector<store::ClaimedDelivery> leased);

 private:
  struct Finished {
    store::ClaimedDelivery delivery;
    Finish finish;
  };

  void Dispatch();
  // Claims up to `limit` probes (one delivery each) into `claimed`.
  void ClaimProbes(int limit, std::vector<store::ClaimedDelivery>& claimed);
  void Work();
  void Record();
  // An offer of `freed` places (the recorded delivery's) plus any room left.
  std::optional<store::ClaimOptions> Offer(int freed);
  void Renew();
  // Sleeps on the store until work may be there, or the next look is due.
  void AwaitWork(uint64_t seen);
  bool StillHeld(int64_t delivery_id) const;

  store::Store& store_;
  const WorkerPoolOptions options_;
  const Runner runner_;
  const Clock& clock_;
  Logger& log_;
  const int workers_;
  const int recorders_;
  const int prefetch_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;    // workers: a delivery is queued, or stop
  std::condition_variable record_cv_;  // recorders: an outcome is queued, or stop
  std::condition_variable idle_cv_;    // dispatcher and WaitIdle: capacity freed
  std::condition_variable renew_cv_;   // renewer: stop
  std::deque<store::ClaimedDelivery> queue_;
  std::deque<Finished> finished_;
  int idle_workers_ = 0;
  // Offers not yet answered by Take: workers stay until none, as more work may come.
  int offers_ = 0;
  // Claimed and not yet recorded: about workers_ + prefetch_ + recorders_ at most (an offer
  // reserves nothing, so a claim running meanwhile may take the same room).
  int held_ = 0;
  bool claiming_ = true;
  bool stopping_ = false;
  std::map<int64_t, store::Lease> leases_;  // held deliveries by id

  std::atomic<int64_t> next_due_us_{INT64_MAX};

  std::thread dispatcher_;
  std::thread renewer_;
  std::vector<std::thread> worker_threads_;
  std::vector<std::thread> recorder_threads_;
  bool started_ = false;
  bool joined_ = false;
};

}  // namespace erphub::engine
