#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"
#include "net/http_server.h"

namespace erphub::faults {

using SteadyTime = std::chrono::steady_clock::time_point;

// How the target answers one request.
struct Answer {
  enum class Kind {
    kTake,          // takes the message (first time its Idempotency-Key is seen) and answers 201
    kStatus,        // answers `status` (with Retry-After when retry_after >= 0), takes nothing
    kTakeThenReset  // takes the message, then closes the connection without an answer
                    // (the ERP committed, the answer was lost)
  };
  Kind kind = Kind::kTake;
  int status = 201;
  int retry_after = -1;
  std::string body;
  // Answer this much later (a slow target). Combined with any kind.
  std::chrono::milliseconds delay{0};
  // Never answer (the request hangs until the client gives up or the target goes down).
  bool hang = false;
  // Close the connection without taking the message or answering.
  bool reset = false;

  static Answer Take() { return {}; }
  static Answer Status(int status, int retry_after = -1, std::string body = "") {
    Answer a;
    a.kind = Kind::kStatus;
    a.status = status;
    a.retry_after = retry_after;
    a.body = std::move(body);
    return a;
  }
  static Answer Slow(std::chrono::milliseconds delay) {
    Answer a;
    a.delay = delay;
    return a;
  }
  static Answer Reset() {
    Answer a;
    a.kind = Kind::kStatus;
    a.reset = true;
    return a;
  }
  static Answer Hang() {
    Answer a;
    a.kind = Kind::kStatus;
    a.hang = true;
    return a;
  }
  static Answer TakeThenReset() {
    Answer a;
    a.kind = Kind::kTakeThenReset;
    return a;
  }
};

// One request as the target saw it.
struct Request {
  SteadyTime at;
  std::string idempotency_key;
  std::string body;
  // From the body when it is a JSON object with them (the suite's messages): the business key
  // and the message's sequence number within its key; "" and -1 otherwise.
  std::string key;
  int64_t seq = -1;
  // What the target did: the status it answered (0: none, the connection was reset or hung).
  int status = 0;
  // True when this request took the message: the first request with its Idempotency-Key that
  // the target answered with kTake or kTakeThenReset.
  bool taken = false;
  // True when its Idempotency-Key had been taken before (a re-send the key made harmless).
  bool repeat = false;
};

// A scriptable HTTP target standing in for an ERP, in the test process: decides each request's
// answer with a script (a function of the request), records every request with its
// Idempotency-Key and body, treats a repeated taken key as the receiver does (200 with the first
// answer, nothing taken twice), and can go down (connections refused) and come up again on the
// same port.
class ScriptedTarget {
 public:
  using Script = std::function<Answer(const Request& request)>;

  ScriptedTarget();
  ~ScriptedTarget();
  ScriptedTarget(const ScriptedTarget&) = delete;
  ScriptedTarget& operator=(const ScriptedTarget&) = delete;

  // Listens on a free port (or the port of an earlier Up).
  Status Up();
  // Stops listening and drops every connection, hanging and slow answers included: new
  // connections are refused until Up.
  void Down();
  bool up() const;

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Every answer is decided by `script` (default: take everything). Thread-safe.
  void SetScript(Script script);

  std::vector<Request> requests() const;
  size_t request_count() const;
  // Distinct messages taken (by Idempotency-Key).
  size_t taken_count() const;
  // How many of `messages` (key, seq) have been taken at least once.
  size_t CountTaken(const std::vector<std::pair<std::string, int64_t>>& messages) const;
  // Waits until `done()` holds, checking whenever a request arrives and at least every 50 ms.
  bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) const;

 private:
  struct Pending {
    net::Responder responder;
    std::optional<net::HttpResponse> response;  // nullopt: reset
  };

  void OnRequest(net::HttpRequest request, net::Responder responder);
  void RunTimers();

  uint16_t port_ = 0;
  std::unique_ptr<net::HttpServer> server_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  Script script_;
  std::vector<Request> requests_;
  std::unordered_map<std::string, std::string> taken_;  // Idempotency-Key -> first answer body
  std::set<std::pair<std::string, int64_t>> taken_messages_;  // (key, seq)
  uint64_t next_document_ = 1;
  std::vector<net::Responder> hanging_;
  std::multimap<SteadyTime, Pending> timers_;
  bool stopping_ = false;
  std::condition_variable timer_cv_;
  std::thread timer_thread_;
};

}  // namespace erphub::faults
