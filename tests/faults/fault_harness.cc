#include "faults/fault_harness.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace erphub::faults {

namespace fs = std::filesystem;
using integration::ChildProcess;
using integration::ReadFile;
using integration::WaitUntil;

std::string DeliveryReport::Summary() const {
  std::ostringstream out;
  out << "acknowledged " << acknowledged << ", delivered " << delivered << ", duplicated "
      << duplicated << " (re-sent with the same Idempotency-Key " << resent_with_same_key
      << ", key changes " << key_changes << ", keys out of order " << out_of_order_keys
      << ", delivered without acknowledgement " << unacknowledged_delivered << ")";
  for (const std::string& problem : problems) {
    out << "\n  " << problem;
  }
  return out.str();
}

void FaultTest::SetUp() {
  std::string pattern = (fs::temp_directory_path() / "erphub-faults-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  store_path_ = Dir("hub.db");
  net::HttpClientOptions options;
  options.total_timeout = std::chrono::seconds(10);
  client_ = std::make_unique<net::HttpClient>(options);
  ASSERT_TRUE(target_.Up().ok());
}

void FaultTest::TearDown() {
  if (hub_.running()) {
    hub_.Signal(SIGKILL);
    hub_.Wait(kDeadline);
  }
  target_.Down();
  if (HasFailure()) {
    std::string log = HubLog();
    // The end of the log is where a failure shows.
    if (log.size() > 20000) {
      log = "...\n" + log.substr(log.size() - 20000);
    }
    std::fprintf(stderr, "--- erphub log (%d starts) ---\n%s\n", hub_starts_, log.c_str());
  }
  fs::remove_all(dir_);
}

std::string FaultTest::WriteConfig(const FlowOptions& flow) {
  if (hub_port_ == 0) {
    hub_port_ = integration::FreePort();
  }
  std::string config = "listen: 127.0.0.1:" + std::to_string(hub_port_) +
                       "\nstore:\n  url: sqlite:" + store_path_ +
                       "\n  fsync: full\n"
                       "flows:\n"
                       "  orders:\n"
                       "    from:\n"
                       "      webhook:\n"
                       "        path: /webhooks/orders\n"
                       "        signature: {preset: shopify, secret: \"" +
                       std::string(kSecret) +
                       "\"}\n"
                       "    key: $string(id)\n";
  if (flow.map_step) {
    config += "    steps:\n      - map: {expression: '$merge([$, {\"mapped\": true}])'}\n";
  }
  config += "    to:\n      - http: {url: \"" + target_.url() +
            "/orders\", timeout: " + flow.http_timeout + "}\n";
  if (!flow.circuit_breaker.empty()) {
    config += "        circuit_breaker: " + flow.circuit_breaker + "\n";
  }
  config += "    retry: " + flow.retry + "\n    on_dead_letter: " + flow.on_dead_letter + "\n";
  std::ofstream(Dir("erphub.yaml")) << config;
  return Dir("erphub.yaml");
}

void FaultTest::StartHub(const std::string& config, const std::vector<std::string>& args) {
  ASSERT_FALSE(hub_.running()) << "the hub runs already";
  std::vector<std::string> argv = {ERPHUB_BINARY, "run", config, "--log-level", "warn"};
  argv.insert(argv.end(), args.begin(), args.end());
  ++hub_starts_;
  std::ofstream(Dir("hub.err"), std::ios::app) << "--- start " << hub_starts_ << " ---\n";
  Result<ChildProcess> child = ChildProcess::Start(argv, {}, Dir(), Dir("hub.out"), Dir("hub.err"));
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  hub_ = std::move(*child);
  bool ready = WaitUntil(
      [&] {
        if (!hub_.running() || hub_.Wait(std::chrono::milliseconds(0)).has_value()) {
          return true;  // exited: stop waiting, the check below fails
        }
        net::ClientRequest request;
        request.url = "http://127.0.0.1:" + std::to_string(hub_port_) + "/ready";
        request.timeout = std::chrono::milliseconds(1000);
        Result<net::HttpResponse> response = client_->Send(request);
        return response.ok() && response->status == 200;
      },
      kDeadline);
  ASSERT_TRUE(ready && hub_.running()) << "erphub did not become ready:\n" << HubLog();
}

void FaultTest::KillHub() {
  ASSERT_TRUE(hub_.running());
  hub_.Signal(SIGKILL);
  ASSERT_EQ(hub_.Wait(kDeadline), 128 + SIGKILL);
}

std::optional<int> FaultTest::TermHub(std::chrono::milliseconds timeout) {
  hub_.Signal(SIGTERM);
  return hub_.Wait(timeout);
}

std::string FaultTest::HubLog() const {
  return ReadFile(Dir("hub.out")) + ReadFile(Dir("hub.err"));
}

std::string FaultTest::WebhookUrl() const {
  return "http://127.0.0.1:" + std::to_string(hub_port_) + "/webhooks/orders";
}

DriverOptions FaultTest::Driver(int keys, int per_key) const {
  DriverOptions options;
  options.url = WebhookUrl();
  options.secret = kSecret;
  options.keys = keys;
  options.per_key = per_key;
  options.run_id = dir_.filename().string();
  return options;
}

net::HttpResponse FaultTest::Get(const std::string& path) {
  net::ClientRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(hub_port_) + path;
  Result<net::HttpResponse> response = client_->Send(request);
  return response.ok() ? *response : net::HttpResponse::Empty(0);
}

std::optional<double> FaultTest::Metric(const std::string& series) {
  std::istringstream lines(Get("/metrics").body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

bool FaultTest::WaitHubIdle(std::chrono::milliseconds timeout) {
  auto idle = [&] {
    std::string metrics = Get("/metrics").body;
    for (const char* state : {"queued", "ready", "retrying", "in_flight"}) {
      std::string sample =
          std::string("\nerphub_backlog{flow=\"orders\",state=\"") + state + "\"} 0\n";
      if (metrics.find(sample) == std::string::npos) {
        return false;
      }
    }
    return true;
  };
  // The gauges are read from the store every 500 ms (and start at 0): idle counts once the
  // readings of a whole second agree.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<std::chrono::steady_clock::time_point> idle_since;
  while (std::chrono::steady_clock::now() < deadline) {
    auto now = std::chrono::steady_clock::now();
    if (!idle()) {
      idle_since.reset();
    } else if (!idle_since.has_value()) {
      idle_since = now;
    } else if (now - *idle_since >= std::chrono::seconds(1)) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

int64_t FaultTest::PeakRssKib() const {
  std::istringstream lines(ReadFile("/proc/" + std::to_string(hub_.pid()) + "/status"));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stoll(line.substr(6));
    }
  }
  return 0;
}

int64_t FaultTest::EnvInt(const char* name, int64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::stoll(text) : fallback;
}

int FaultTest::RunErphub(const std::string& args) {
  std::string command = "cd '" + Dir() + "' && '" ERPHUB_BINARY "' " + args + " >cli.out 2>cli.err";
  int status = std::system(command.c_str());
  out_ = ReadFile(Dir("cli.out"));
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

DeliveryReport FaultTest::Check(const std::vector<Message>& acknowledged) const {
  DeliveryReport report;
  std::set<std::pair<std::string, int64_t>> acked;
  for (const Message& message : acknowledged) {
    acked.emplace(message.key, message.seq);
  }
  report.acknowledged = acked.size();
  auto note = [&](std::string problem) {
    if (report.problems.size() < 10) {
      report.problems.push_back(std::move(problem));
    }
  };
  std::map<std::pair<std::string, int64_t>, std::set<std::string>> idempotency_keys;
  std::map<std::pair<std::string, int64_t>, int> takes;
  std::map<std::string, int64_t> last_taken_seq;
  std::set<std::string> disordered;
  for (const Request& request : target_.requests()) {
    auto message = std::make_pair(request.key, request.seq);
    idempotency_keys[message].insert(request.idempotency_key);
    report.resent_with_same_key += request.repeat ? 1 : 0;
    if (!request.taken) {
      continue;
    }
    if (++takes[message] > 1) {
      ++report.duplicated;
      note("taken again: " + request.key + "#" + std::to_string(request.seq));
    }
    auto last = last_taken_seq.find(request.key);
    if (last != last_taken_seq.end() && request.seq <= last->second) {
      if (disordered.insert(request.key).second) {
        note("out of order: " + request.key + "#" + std::to_string(request.seq) + " after #" +
             std::to_string(last->second));
      }
    }
    last_taken_seq[request.key] =
        std::max(request.seq, last == last_taken_seq.end() ? request.seq : last->second);
  }
  report.out_of_order_keys = disordered.size();
  for (const auto& [message, keys] : idempotency_keys) {
    if (keys.size() > 1) {
      ++report.key_changes;
      note("several Idempotency-Keys: " + message.first + "#" + std::to_string(message.second));
    }
  }
  for (const auto& [message, count] : takes) {
    if (acked.count(message) == 0) {
      ++report.unacknowledged_delivered;
    }
  }
  for (const auto& message : acked) {
    if (takes.count(message) > 0) {
      ++report.delivered;
    } else {
      note("acknowledged, not delivered: " + message.first + "#" + std::to_string(message.second));
    }
  }
  return report;
}

bool FaultTest::WaitDelivered(const WebhookDriver& driver,
                              std::chrono::milliseconds timeout) const {
  std::vector<std::pair<std::string, int64_t>> acked;
  bool final_list = false;
  return target_.WaitFor(
      [&] {
        if (!final_list) {
          final_list = driver.finished();
          acked.clear();
          for (const Message& message : driver.acknowledged()) {
            acked.emplace_back(message.key, message.seq);
          }
        }
        return final_list && target_.CountTaken(acked) == acked.size();
      },
      timeout);
}

}  // namespace erphub::faults
