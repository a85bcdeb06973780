#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace erphub::engine {

// Commits acceptances off the callers' threads (a webhook handler runs on a listener thread and
// must not block on an fsync). Each committer thread takes every request queued so far, of any
// flow, and commits them with one Store::Accept; with several threads one batch commits while the
// next gathers, and the store's group commit may join them further.
class IntakeCommitter {
 public:
  using Done = std::function<void(Result<std::vector<store::Accepted>>)>;

  // Where acceptances' deliveries may go at once, leased (Store::AcceptAndClaim): the worker
  // pool's Offer and Take. Without it, every delivery waits for a claim.
  struct Leasing {
    std::function<std::optional<store::ClaimOptions>()> offer;
    std::function<void(std::vector<store::ClaimedDelivery>)> take;
  };

  // `max_batch` bounds the acceptances in one Accept call.
  IntakeCommitter(store::Store& store, int threads, Leasing leasing = {}, size_t max_batch = 1024);
  ~IntakeCommitter();
  IntakeCommitter(const IntakeCommitter&) = delete;
  IntakeCommitter& operator=(const IntakeCommitter&) = delete;

  // Queues the items; `done` runs once on a committer thread with one Accepted per item, or with
  // the error (kUnavailable after Stop); readings (WhileNoneCommits) wait for it, so keep it
  // short.
  void Submit(std::vector<store::Acceptance> items, Done done);
  // The same with `state` written in the items' transaction (an input's watermark). Such a
  // request commits in a transaction of its own, so that its conditional writes failing
  // (kConflict) fails no other caller.
  void Submit(std::vector<store::Acceptance> items, std::vector<store::StateWrite> state,
              Done done);

  // Runs `job` on a committer thread in turn with the acceptances queued (a write a listener
  // thread must not wait for, such as a quarantine entry), with Status::Ok(); after Stop, at once
  // on the caller's thread with kUnavailable.
  void Post(std::function<void(Status)> job);

  // Commits what is queued, then stops the threads. Idempotent.
  void Stop();

  // Runs `read` while no acceptance commits (commits wait meanwhile, and `read` waits for the
  // running ones, `done` included): a store reading taken in `read` contains exactly the
  // acceptances whose `done` ran before it. Readings take turns; commits do not starve them.
  // `done` must not call this.
  void WhileNoneCommits(const std::function<void()>& read);

 private:
  // Acceptances and their `done`, or a posted `job`.
  struct Request {
    std::vector<store::Acceptance> items;
    std::vector<store::StateWrite> state;
    Done done;
    std::function<void(Status)> job;
  };

  // What one commit may lease for the pool (its offer) and has leased.
  struct Leases {
    std::optional<store::ClaimOptions> room;
    std::vector<store::ClaimedDelivery> taken;
  };

  void Run();
  // Moves `request` into the queue; false, leaving it as it is, after Stop.
  bool Enqueue(Request& request);
  // Commits the batch, then hands what it leased to the pool.
  void Commit(std::vector<Request>& batch);
  void CommitRequests(std::vector<Request>& batch, Leases& leases);
  // Commits requests without state writes in one transaction.
  void CommitShared(std::vector<Request>& batch, Leases& leases);
  // Store::Accept, leasing into `leases` while its room lasts.
  Result<std::vector<store::Accepted>> Accept(std::span<const store::Acceptance> items,
                                              std::span<const store::StateWrite> state,
                                              Leases& leases);
  void CommitFenced(std::vector<Request>& batch);

  store::Store& store_;
  const size_t max_batch_;
  const Leasing leasing_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;

  // The fence between commits (any number at once) and readings (one at a time).
  std::mutex fence_mu_;
  std::condition_variable fence_cv_;
  int committing_ = 0;
  int readings_waiting_ = 0;
  bool reading_ = false;
};

}  // namespace erphub::engine
