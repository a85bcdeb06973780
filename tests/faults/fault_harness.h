#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faults/scripted_target.h"
#include "faults/webhook_driver.h"
#include "integration/process.h"
#include "net/http_client.h"

namespace erphub::faults {

// The flow the fault cases run: signed webhooks keyed by their "id", an optional map step (so a
// message passes the steps stage and then the output stage), one HTTP output to the target.
struct FlowOptions {
  bool map_step = true;
  std::string retry = "{initial: 50ms, max_delay: 1s, max_attempts: 100000, max_age: 1h}";
  std::string on_dead_letter = "continue";
  std::string http_timeout = "3s";
  // The output's circuit breaker: on, as by default, with a cool-down short enough for a test
  // (the default's 30 s would make every outage in the suite last at least that long).
  std::string circuit_breaker = "{failures: 5, cool_down: 1s}";
};

// What checking the target's record against the acknowledged messages found.
struct DeliveryReport {
  size_t acknowledged = 0;
  // Acknowledged messages the target took, counted once each.
  size_t delivered = 0;
  // Takes beyond the first of one message (a message taken under two Idempotency-Keys, or twice
  // under one): must be 0.
  size_t duplicated = 0;
  // Requests that repeated an already-taken Idempotency-Key (re-sends the key made harmless).
  size_t resent_with_same_key = 0;
  // Messages whose attempts did not all carry one Idempotency-Key.
  size_t key_changes = 0;
  // Keys whose messages were taken out of sequence order.
  size_t out_of_order_keys = 0;
  // Taken messages the driver never saw acknowledged (allowed: sent, then the answer was lost).
  size_t unacknowledged_delivered = 0;
  std::vector<std::string> problems;  // the first few, for the failure message

  std::string Summary() const;
};

// Each test gets a scratch folder, a ScriptedTarget and the real `erphub run` binary on a free
// port, which it can kill -9, SIGTERM and restart on the same store and port.
class FaultTest : public ::testing::Test {
 protected:
  static constexpr char kSecret[] = "shpss_erphub_faults_5b2e9d0c7a1f4e6b";
  // Generous: the suite must pass on a loaded 2-core machine, also under sanitizers.
  static constexpr std::chrono::milliseconds kDeadline{60000};

  void SetUp() override;
  void TearDown() override;

  std::string Dir(const std::string& name = "") const { return (dir_ / name).string(); }
  // The store file; tests may move it (e.g. onto a small filesystem) before the first start.
  std::string store_path_;

  // Writes the config for `flow` and returns its path.
  std::string WriteConfig(const FlowOptions& flow = {});

  // Starts `erphub run CONFIG` with `args` (e.g. {"--lease-duration", "2s"}); waits for /ready.
  void StartHub(const std::string& config, const std::vector<std::string>& args = {});
  // kill -9; waits until it is gone.
  void KillHub();
  // SIGTERM; the exit code, or nullopt when it has not exited within `timeout`.
  std::optional<int> TermHub(std::chrono::milliseconds timeout);
  bool hub_running() const { return hub_.running(); }
  pid_t hub_pid() const { return hub_.pid(); }
  std::string HubLog() const;

  std::string WebhookUrl() const;
  DriverOptions Driver(int keys, int per_key) const;
  net::HttpResponse Get(const std::string& path);
  std::optional<double> Metric(const std::string& series);
  // Waits until the hub has no unfinished delivery of the flow (queued, ready, retrying, in
  // flight), so nothing more will reach the target.
  bool WaitHubIdle(std::chrono::milliseconds timeout);
  // VmHWM of the running hub in KiB (its peak resident set), 0 when unreadable.
  int64_t PeakRssKib() const;
  // How many integers from the environment (e.g. FAULT_MESSAGES for case 1), else `fallback`.
  static int64_t EnvInt(const char* name, int64_t fallback);
  // Runs `erphub ARGS` (shell words) in the scratch folder; keeps stdout in out_.
  int RunErphub(const std::string& args);

  // Compares the target's record with what the driver saw acknowledged.
  DeliveryReport Check(const std::vector<Message>& acknowledged) const;
  // Waits until the target took every acknowledged message.
  bool WaitDelivered(const WebhookDriver& driver, std::chrono::milliseconds timeout) const;

  std::filesystem::path dir_;
  ScriptedTarget target_;
  std::unique_ptr<net::HttpClient> client_;
  integration::ChildProcess hub_;
  uint16_t hub_port_ = 0;
  int hub_starts_ = 0;
  std::string out_;
};

}  // namespace erphub::faults
