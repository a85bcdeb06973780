#include "faults/webhook_driver.h"

#include <cstdio>

#include "core/json.h"
#include "core/value.h"
#include "net/http_client.h"
#include "tools/loadgen/signed_orders.h"

namespace erphub::faults {
namespace {

Message MakeMessage(const DriverOptions& options, int key, int64_t seq) {
  Message message;
  message.key = WebhookDriver::KeyName(options.first_key + key);
  message.seq = seq;
  message.webhook_id = options.run_id + "-" + message.key + "-" + std::to_string(seq);
  Object body;
  body.Append("id", Value::Str(message.key));
  body.Append("seq", Value::Int(seq));
  body.Append("webhook", Value::Str(message.webhook_id));
  if (options.pad_bytes > 0) {
    body.Append("pad", Value::Str(std::string(options.pad_bytes, 'x')));
  }
  message.body = ToJson(Value::MakeObject(std::move(body)));
  message.signature = loadgen::ShopifySignature(options.secret, message.body);
  return message;
}

}  // namespace

std::string WebhookDriver::KeyName(int key) {
  char name[16];
  std::snprintf(name, sizeof name, "k%04d", key);
  return name;
}

WebhookDriver::WebhookDriver(DriverOptions options) : options_(std::move(options)) {}

WebhookDriver::~WebhookDriver() {
  Stop();
  Join();
}

void WebhookDriver::Start() {
  for (int t = 0; t < options_.threads; ++t) {
    threads_.emplace_back([this, t] { Send(t); });
  }
}

void WebhookDriver::Stop() { stop_ = true; }

void WebhookDriver::Join() {
  for (std::thread& thread : threads_) {
    thread.join();
  }
  threads_.clear();
}

bool WebhookDriver::WaitFinished(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!finished()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

DriverCounts WebhookDriver::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

std::vector<Message> WebhookDriver::acknowledged() const {
  std::lock_guard lock(mu_);
  return acknowledged_;
}

void WebhookDriver::Send(int thread) {
  net::HttpClientOptions client_options;
  client_options.connect_timeout = std::chrono::seconds(2);
  client_options.total_timeout = std::chrono::seconds(15);
  client_options.user_agent = "Shopify-Captain-Hook";
  net::HttpClient client(client_options);
  std::vector<int> keys;
  for (int key = thread; key < options_.keys; key += options_.threads) {
    keys.push_back(key);
  }
  for (int64_t seq = 0; seq < options_.per_key && !stop_; ++seq) {
    for (int key : keys) {
      Message message = MakeMessage(options_, key, seq);
      net::ClientRequest request;
      request.method = "POST";
      request.url = options_.url;
      request.headers.Add("Content-Type", "application/json");
      request.headers.Add("X-Shopify-Topic", "orders/create");
      request.headers.Add("X-Shopify-Shop-Domain", "erphub-faults.myshopify.com");
      request.headers.Add("X-Shopify-Webhook-Id", message.webhook_id);
      request.headers.Add("X-Shopify-Hmac-Sha256", message.signature);
      request.body = message.body;
      while (!stop_) {
        Result<net::HttpResponse> response = client.Send(request);
        int status = response.ok() ? response->status : 0;
        bool acknowledged = status == 202 || status == 200;
        {
          std::lock_guard lock(mu_);
          ++counts_.requests;
          switch (status) {
            case 202:
              ++counts_.accepted;
              break;
            case 200:
              ++counts_.duplicates;
              break;
            case 503:
              ++counts_.refused;
              counts_.refusal_body = response->body;
              counts_.refusal_retry_after = response->headers.GetOr("Retry-After", "");
              break;
            case 0:
              ++counts_.no_answer;
              break;
            default:
              ++counts_.other;
              break;
          }
          if (acknowledged) {
            acknowledged_.push_back(message);
            ++acknowledged_count_;
          }
        }
        if (acknowledged || !options_.retry_until_acknowledged) {
          break;
        }
        std::this_thread::sleep_for(options_.retry_pause);
      }
      if (stop_) {
        break;
      }
    }
  }
  ++finished_threads_;
}

}  // namespace erphub::faults
