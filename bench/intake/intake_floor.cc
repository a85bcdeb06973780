// intake_floor: the least work a durable webhook intake can do, as a ceiling for erphub's own
// intake in bench/intake. It answers POST /webhooks/shop/orders with 202 once the body is
// appended to one log file and an fdatasync that covers it has returned; requests that arrive
// while a sync runs share the next one (group commit). Nothing else: no store, no index, no
// de-duplication, no delivery. With --secret it also verifies the Shopify signature (401) and
// parses the JSON for the order id (400), which the webhook contract requires of any intake.
// It uses erphub's HTTP server, whose GET /health runs at nginx's rate in the same bench.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "components/inputs/webhook_signature.h"
#include "core/json.h"
#include "net/http_server.h"
#include "tools/port_file.h"

namespace {

using erphub::net::HttpRequest;
using erphub::net::HttpResponse;
using erphub::net::Responder;

class RequestHeaders final : public erphub::components::HeaderLookup {
 public:
  explicit RequestHeaders(const erphub::net::Headers& headers) : headers_(headers) {}
  std::optional<std::string_view> Find(std::string_view name) const override {
    return headers_.Get(name);
  }

 private:
  const erphub::net::Headers& headers_;
};

// Appends records to a file and answers each once an fdatasync covering it has returned. One
// thread writes and syncs; whatever arrived meanwhile goes in its next write.
class GroupLog {
 public:
  explicit GroupLog(int fd) : fd_(fd), writer_([this] { Run(); }) {}
  ~GroupLog() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    writer_.join();
  }

  void Append(std::string record, Responder responder) {
    {
      std::lock_guard lock(mutex_);
      pending_.push_back({std::move(record), std::move(responder)});
    }
    wake_.notify_one();
  }

  uint64_t syncs() const { return syncs_; }

 private:
  struct Entry {
    std::string record;
    Responder responder;
  };

  void Run() {
    std::vector<Entry> batch;
    std::string bytes;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
        if (pending_.empty()) {
          return;
        }
        batch.swap(pending_);
      }
      bytes.clear();
      for (const Entry& entry : batch) {
        bytes += entry.record;
      }
      bool durable =
          ::write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
          ::fdatasync(fd_) == 0;
      ++syncs_;
      for (Entry& entry : batch) {
        entry.responder.Respond(
            durable ? HttpResponse::Json(202, "{\"id\":\"" + std::to_string(++accepted_) + "\"}")
                    : HttpResponse::Json(503, "{}"));
      }
      batch.clear();
    }
  }

  const int fd_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Entry> pending_;
  bool stopping_ = false;
  uint64_t accepted_ = 0;  // writer thread only
  std::atomic<uint64_t> syncs_{0};
  std::thread writer_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "intake_floor: answers POST /webhooks/shop/orders with 202 after appending the body to\n"
      "--log with an fdatasync shared by the requests waiting for it; nothing else. With --secret\n"
      "it also checks the Shopify signature and parses the JSON. A ceiling for bench/intake."};
  erphub::net::HttpServerOptions options;
  std::string log_path;
  std::string port_file;
  std::string secret;
  app.add_option("--log", log_path, "The file appended to (created or emptied)")->required();
  app.add_option("--port-file", port_file, "Write the bound port (on 127.0.0.1) to this file")
      ->required();
  app.add_option("--secret", secret, "Verify the Shopify signature with this secret");
  app.add_option("--threads", options.io_threads, "HTTP I/O threads")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror(log_path.c_str());
    return 1;
  }
  std::optional<erphub::components::SignatureVerifier> verifier;
  if (!secret.empty()) {
    erphub::components::SignatureConfig config;
    config.preset = erphub::components::SignaturePreset::kShopify;
    config.secrets = {secret};
    verifier = erphub::components::SignatureVerifier::Create(config).value();
  }

  // The server's threads inherit this mask, so only sigwait below sees the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  GroupLog log(fd);
  erphub::net::HttpServer server(options);
  erphub::Status routed = server.AddRoute(
      "POST", "/webhooks/shop/orders", [&](HttpRequest request, Responder responder) {
        std::string record;
        if (verifier) {
          auto event = verifier->Verify(RequestHeaders(request.headers), request.body,
                                        std::chrono::system_clock::now());
          if (!event.ok()) {
            responder.Respond(HttpResponse::Json(401, "{}"));
            return;
          }
          auto order = erphub::ParseJson(request.body);
          const erphub::Value* id =
              order.ok() && order->is_object() ? order->as_object().Find("id") : nullptr;
          if (id == nullptr) {
            responder.Respond(HttpResponse::Json(400, "{}"));
            return;
          }
          record = erphub::ToJson(*id) + "\t" + event->event_id + "\t";
        }
        record += request.body;
        record += '\n';
        log.Append(std::move(record), std::move(responder));
      });
  erphub::Status started = routed.ok() ? server.Start() : routed;
  if (!started.ok() || !erphub::tools::WritePortFile(port_file, server.port())) {
    std::fprintf(stderr, "intake_floor: %s\n",
                 started.ok() ? "cannot write the port file" : started.ToString().c_str());
    return 1;
  }
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server.Stop(std::chrono::seconds(1));
  std::fprintf(stderr, "intake_floor: %llu syncs\n", static_cast<unsigned long long>(log.syncs()));
  return 0;
}
