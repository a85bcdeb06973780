#pragma once

// A scriptable HTTP server for tests: it records every request and answers each one with the
// next scripted reply (200, 500, 503 with Retry-After, 422, slow, reset, hang), falling back to a
// default reply. Include it from any test as "../net/test_receiver.h" and link erphub_net.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/result.h"
#include "net/http_server.h"

namespace erphub::net::testing {

struct ScriptedReply {
  int status = 200;
  std::string body;
  Headers headers;
  // Answer only after this long.
  std::chrono::milliseconds delay{0};
  // Close the connection without answering.
  bool reset = false;
  // Never answer (until the receiver stops).
  bool hang = false;

  static ScriptedReply Status(int status, std::string body = "",
                              std::string content_type = "application/json") {
    ScriptedReply reply;
    reply.status = status;
    reply.body = std::move(body);
    if (!reply.body.empty()) {
      reply.headers.Add("Content-Type", std::move(content_type));
    }
    return reply;
  }
  static ScriptedReply Ok(std::string body = "{}") { return Status(200, std::move(body)); }
  static ScriptedReply ServerError(std::string body = "") { return Status(500, std::move(body)); }
  // 503 with a Retry-After of `retry_after_seconds`.
  static ScriptedReply Unavailable(int retry_after_seconds) {
    ScriptedReply reply = Status(503);
    reply.headers.Add("Retry-After", std::to_string(retry_after_seconds));
    return reply;
  }
  static ScriptedReply Unprocessable(std::string body) { return Status(422, std::move(body)); }
  static ScriptedReply Slow(std::chrono::milliseconds delay, ScriptedReply then = Ok()) {
    then.delay = delay;
    return then;
  }
  static ScriptedReply Reset() {
    ScriptedReply reply;
    reply.reset = true;
    return reply;
  }
  static ScriptedReply Hang() {
    ScriptedReply reply;
    reply.hang = true;
    return reply;
  }
};

struct RecordedRequest {
  HttpRequest request;
  std::chrono::steady_clock::time_point received_at;
};

class TestReceiver {
 public:
  // Serves every method and path on 127.0.0.1 and a free port.
  explicit TestReceiver(HttpServerOptions options = DefaultOptions())
      : server_(std::move(options)), timer_thread_([this] { RunTimers(); }) {
    server_.SetFallback([this](HttpRequest request, Responder responder) {
      OnRequest(std::move(request), std::move(responder));
    });
    Status started = server_.Start();
    ERPHUB_CHECK(started.ok());
  }

  ~TestReceiver() {
    server_.Stop(std::chrono::milliseconds(0));
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    timer_thread_.join();
  }

  static HttpServerOptions DefaultOptions() {
    HttpServerOptions options;
    options.io_threads = 2;
    options.max_body_bytes = 64 << 20;
    return options;
  }

  // "http://127.0.0.1:PORT" followed by `path`.
  std::string url(std::string_view path = "") const {
    return server_.base_url() + std::string(path);
  }
  uint16_t port() const { return server_.port(); }

  // Queues `reply` for the next `times` requests that find the queue at this point.
  void Enqueue(ScriptedReply reply, int times = 1) {
    std::lock_guard lock(mu_);
    for (int i = 0; i < times; ++i) {
      script_.push_back(reply);
    }
  }
  // Answers requests when the queue is empty; 200 "{}" unless set.
  void SetDefault(ScriptedReply reply) {
    std::lock_guard lock(mu_);
    default_reply_ = std::move(reply);
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  size_t request_count() const {
    std::lock_guard lock(mu_);
    return requests_.size();
  }
  // Waits until at least `count` requests have arrived; false if the timeout passed first.
  bool WaitForRequests(size_t count,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    std::unique_lock lock(mu_);
    return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
  }

 private:
  using Clock = std::chrono::steady_clock;

  void OnRequest(HttpRequest request, Responder responder) {
    ScriptedReply reply;
    {
      std::lock_guard lock(mu_);
      requests_.push_back({std::move(request), Clock::now()});
      if (script_.empty()) {
        reply = default_reply_;
      } else {
        reply = std::move(script_.front());
        script_.pop_front();
      }
    }
    arrived_.notify_all();
    if (reply.reset) {
      responder.Abort();
      return;
    }
    if (reply.hang) {
      std::lock_guard lock(mu_);
      hung_.push_back(std::move(responder));
      return;
    }
    HttpResponse response;
    response.status = reply.status;
    response.headers = std::move(reply.headers);
    response.body = std::move(reply.body);
    if (reply.delay.count() <= 0) {
      responder.Respond(std::move(response));
      return;
    }
    {
      std::lock_guard lock(mu_);
      timers_.emplace(Clock::now() + reply.delay,
                      std::make_pair(std::move(responder), std::move(response)));
    }
    cv_.notify_all();
  }

  // Answers delayed replies when they are due, off the server's I/O threads.
  void RunTimers() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      if (timers_.empty()) {
        cv_.wait(lock);
        continue;
      }
      auto due = timers_.begin()->first;
      if (Clock::now() < due) {
        cv_.wait_until(lock, due);
        continue;
      }
      auto node = timers_.extract(timers_.begin());
      lock.unlock();
      node.mapped().first.Respond(std::move(node.mapped().second));
      lock.lock();
    }
    timers_.clear();
    hung_.clear();
  }

  HttpServer server_;
  mutable std::mutex mu_;
  mutable std::condition_variable arrived_;
  std::condition_variable cv_;
  std::deque<ScriptedReply> script_;
  ScriptedReply default_reply_ = ScriptedReply::Ok();
  std::vector<RecordedRequest> requests_;
  std::multimap<Clock::time_point, std::pair<Responder, HttpResponse>> timers_;
  std::vector<Responder> hung_;
  bool stopping_ = false;
  std::thread timer_thread_;
};

}  // namespace erphub::net::testing
