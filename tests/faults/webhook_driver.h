#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace erphub::faults {

// One message the driver sends: the seq-th message of business key `key`.
struct Message {
  std::string key;
  int64_t seq = 0;
  std::string webhook_id;
  std::string body;
  std::string signature;
};

struct DriverOptions {
  // The hub's webhook URL; the hub may die and come back on the same port.
  std::string url;
  std::string secret;
  int keys = 100;
  // Keys are KeyName(first_key) ... KeyName(first_key + keys - 1).
  int first_key = 0;
  int per_key = 10;
  // Concurrent senders; each owns some keys and sends their messages in sequence order.
  int threads = 8;
  // Re-send a request that got no answer or a 503 (same X-Shopify-Webhook-Id, as Shopify does)
  // until it is acknowledged; false: one try per message (a burst that takes its refusals).
  bool retry_until_acknowledged = true;
  // Pause before re-sending a request that was not acknowledged.
  std::chrono::milliseconds retry_pause{50};
  // Filler added to each body.
  size_t pad_bytes = 0;
  // Distinguishes the runs of one test (webhook ids must be new per message).
  std::string run_id = "run";
};

// What the driver saw, per answer kind.
struct DriverCounts {
  int64_t requests = 0;
  int64_t accepted = 0;    // 202
  int64_t duplicates = 0;  // 200: the hub had this webhook id already
  int64_t refused = 0;     // 503
  int64_t no_answer = 0;   // connection refused or reset, timeout
  int64_t other = 0;       // any other status
  // The last refusal: its body and Retry-After header.
  std::string refusal_body;
  std::string refusal_retry_after;
};

// Sends signed Shopify-style webhooks ({"id": KEY, "seq": N, ...}, X-Shopify-Hmac-Sha256) to the
// hub: per key strictly in sequence (the next one only after the previous was acknowledged or
// given up), different keys concurrently. A message is acknowledged when the hub answers 202, or
// 200 for a webhook id it had already taken (a re-send after an unanswered try).
class WebhookDriver {
 public:
  explicit WebhookDriver(DriverOptions options);
  // Stop() and joins.
  ~WebhookDriver();
  WebhookDriver(const WebhookDriver&) = delete;
  WebhookDriver& operator=(const WebhookDriver&) = delete;

  void Start();
  // Senders finish the request they are in and stop.
  void Stop();
  void Join();
  // True once every message was acknowledged or given up.
  bool finished() const { return finished_threads_.load() == options_.threads; }
  bool WaitFinished(std::chrono::milliseconds timeout) const;

  int64_t total() const { return int64_t{options_.keys} * options_.per_key; }
  DriverCounts counts() const;
  // The messages acknowledged so far, and how many.
  std::vector<Message> acknowledged() const;
  int64_t acknowledged_count() const { return acknowledged_count_.load(); }

  static std::string KeyName(int key);

 private:
  void Send(int thread);

  const DriverOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<int> finished_threads_{0};
  std::atomic<int64_t> acknowledged_count_{0};
  mutable std::mutex mu_;
  DriverCounts counts_;
  std::vector<Message> acknowledged_;
  std::vector<std::thread> threads_;
};

}  // namespace erphub::faults
