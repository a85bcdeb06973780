#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "core/result.h"
#include "net/http_server.h"

namespace erphub::receiver {

// Answers that fail on purpose, for tests: the next `remaining` requests get `status`.
struct FailureScript {
  int remaining = 0;
  int status = 503;
  std::string body;
  // Sent as Retry-After (seconds) when set.
  int retry_after_seconds = -1;
};

struct ReceiverOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  int io_threads = 2;
  // NDJSON record of every request; empty records nothing.
  std::string record_file;
  // The answer to a request that is taken (first time its Idempotency-Key is seen).
  int ok_status = 201;
  FailureScript failures;
  // Every answer waits this long.
  std::chrono::milliseconds delay{0};
};

// What the receiver has seen so far.
struct ReceiverStats {
  uint64_t requests = 0;
  // Requests taken: answered ok and not a repeat of an Idempotency-Key already taken.
  uint64_t delivered = 0;
  // Requests whose Idempotency-Key had been taken before (answered 200 with the first answer).
  uint64_t duplicates = 0;
  // Requests answered with a scripted failure.
  uint64_t failed = 0;
  // Taken requests that carried no Idempotency-Key.
  uint64_t without_key = 0;
};

// Stands in for an ERP's HTTP API: takes every path and method, records each request (method,
// path, headers, body, arrival time) as one NDJSON line, and answers ok_status with a JSON body
// naming the document it "created". A request repeating an Idempotency-Key that was taken
// before is answered 200 with the first answer and counted as a duplicate, so tests can check
// "delivered exactly once". Control endpoints (not recorded):
//   GET  /_receiver/stats   the counts as JSON
//   POST /_receiver/script  {"fail_next": N, "status": S, "body": "...", "retry_after": SECONDS}
//                           replaces the failure script ({"fail_next": 0} clears it)
class Receiver {
 public:
  explicit Receiver(ReceiverOptions options);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  // Opens the record file and starts listening.
  Status Start();
  void Stop();

  uint16_t port() const { return server_.port(); }
  std::string base_url() const { return server_.base_url(); }
  ReceiverStats stats() const;

 private:
  using SteadyClock = std::chrono::steady_clock;

  void OnRequest(net::HttpRequest request, net::Responder responder);
  net::HttpResponse Control(const net::HttpRequest& request);
  // The answer to a request, decided and recorded under the lock.
  net::HttpResponse Answer(const net::HttpRequest& request);
  void Record(const net::HttpRequest& request, int status, bool duplicate, int64_t at_us);
  void RunTimers();

  ReceiverOptions options_;
  net::HttpServer server_;
  mutable std::mutex mu_;
  FILE* record_ = nullptr;
  ReceiverStats stats_;
  FailureScript failures_;
  // Idempotency-Key -> the body of the answer it got when taken.
  std::unordered_map<std::string, std::string> taken_;
  uint64_t next_document_ = 1;

  std::condition_variable timer_cv_;
  std::multimap<SteadyClock::time_point, std::pair<net::Responder, net::HttpResponse>> timers_;
  bool stopping_ = false;
  std::thread timer_thread_;
};

}  // namespace erphub::receiver
