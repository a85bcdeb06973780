#include "engine/intake_committer.h"

#include <algorithm>
#include <utility>

#include "core/thread_name.h"

namespace erphub::engine {

IntakeCommitter::IntakeCommitter(store::Store& store, int threads, Leasing leasing,
                                 size_t max_batch)
    : store_(store), max_batch_(std::max<size_t>(max_batch, 1)), leasing_(std::move(leasing)) {
  for (int i = 0; i < std::max(threads, 1); ++i) {
    threads_.emplace_back(NamedThread("intake-commit", [this] { Run(); }));
  }
}

IntakeCommitter::~IntakeCommitter() { Stop(); }

void IntakeCommitter::Submit(std::vector<store::Acceptance> items, Done done) {
  Submit(std::move(items), {}, std::move(done));
}

void IntakeCommitter::Submit(std::vector<store::Acceptance> items,
                             std::vector<store::StateWrite> state, Done done) {
  Request request;
  request.items = std::move(items);
  request.state = std::move(state);
  request.done = std::move(done);
  if (!Enqueue(request)) {
    request.done(UnavailableError("intake has stopped"));
  }
}

void IntakeCommitter::Post(std::function<void(Status)> job) {
  Request request;
  request.job = std::move(job);
  if (!Enqueue(request)) {
    request.job(UnavailableError("intake has stopped"));
  }
}

bool IntakeCommitter::Enqueue(Request& request) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) {
    return false;
  }
  queue_.push_back(std::move(request));
  cv_.notify_one();
  return true;
}

void IntakeCommitter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& thread : threads_) {
    thread.join();
  }
}

void IntakeCommitter::Run() {
  std::vector<Request> batch;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) {
        return;
      }
      size_t items = 0;
      // Always take one request, however large; then whole requests while they fit.
      do {
        items += queue_.front().items.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      } while (!queue_.empty() && items + queue_.front().items.size() <= max_batch_);
    }
    CommitFenced(batch);
    batch.clear();
  }
}

void IntakeCommitter::WhileNoneCommits(const std::function<void()>& read) {
  {
    std::unique_lock<std::mutex> lock(fence_mu_);
    ++readings_waiting_;
    fence_cv_.wait(lock, [&] { return committing_ == 0 && !reading_; });
    --readings_waiting_;
    reading_ = true;
  }
  read();
  {
    std::lock_guard<std::mutex> lock(fence_mu_);
    reading_ = false;
  }
  fence_cv_.notify_all();
}

void IntakeCommitter::CommitFenced(std::vector<Request>& batch) {
  {
    // A waiting reading goes first, so that a steady stream of commits cannot starve it.
    std::unique_lock<std::mutex> lock(fence_mu_);
    fence_cv_.wait(lock, [&] { return !reading_ && readings_waiting_ == 0; });
    ++committing_;
  }
  Commit(batch);
  {
    std::lock_guard<std::mutex> lock(fence_mu_);
    --committing_;
  }
  fence_cv_.notify_all();
}

Result<std::vector<store::Accepted>> IntakeCommitter::Accept(
    std::span<const store::Acceptance> items, std::span<const store::StateWrite> state,
    Leases& leases) {
  const int left = leases.room ? leases.room->limit - static_cast<int>(leases.taken.size()) : 0;
  if (left < 1) {
    return store_.Accept(items, state);
  }
  store::ClaimOptions next = *leases.room;
  next.limit = left;
  return store_.AcceptAndClaim(items, state, next, leases.taken);
}

void IntakeCommitter::Commit(std::vector<Request>& batch) {
  Leases leases;
  if (leasing_.offer) {
    leases.room = leasing_.offer();
  }
  CommitRequests(batch, leases);
  // After the answers: a sender hears 202 before the workers take the CPU.
  if (leases.room) {
    leasing_.take(std::move(leases.taken));
  }
}

void IntakeCommitter::CommitRequests(std::vector<Request>& batch, Leases& leases) {
  if (batch.size() == 1 && !batch[0].job) {
    batch[0].done(Accept(batch[0].items, batch[0].state, leases));
    return;
  }
  // Requests with state writes commit alone; the others share one transaction; posted jobs run
  // after them.
  std::vector<Request> shared;
  std::vector<Request> jobs;
  for (Request& request : batch) {
    if (request.job) {
      jobs.push_back(std::move(request));
    } else if (request.state.empty()) {
      shared.push_back(std::move(request));
    } else {
      request.done(Accept(request.items, request.state, leases));
    }
  }
  CommitShared(shared, leases);
  for (Request& request : jobs) {
    request.job(Status::Ok());
  }
}

void IntakeCommitter::CommitShared(std::vector<Request>& batch, Leases& leases) {
  if (batch.empty()) {
    return;
  }
  std::vector<store::Acceptance> all;
  for (Request& request : batch) {
    std::move(request.items.begin(), request.items.end(), std::back_inserter(all));
  }
  Result<std::vector<store::Accepted>> result = Accept(all, {}, leases);
  if (!result.ok()) {
    for (Request& request : batch) {
      request.done(result.status());
    }
    return;
  }
  size_t next = 0;
  for (Request& request : batch) {
    std::vector<store::Accepted> mine(result->begin() + next,
                                      result->begin() + next + request.items.size());
    next += request.items.size();
    request.done(std::move(mine));
  }
}

}  // namespace erphub::engine
