#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "components/component.h"
#include "core/clock.h"
#include "core/component_registry.h"
#include "core/config.h"
#include "core/log.h"
#include "core/message.h"
#include "core/random.h"
#include "engine/circuit_breaker.h"
#include "engine/hub_lookups.h"
#include "engine/worker_pool.h"
#include "ops/metrics.h"
#include "store/store.h"

namespace erphub::net {
class HttpServer;
}

namespace erphub::engine {

class DeliveryRunner;
class EngineMetrics;
class IntakeCommitter;
class Membership;
struct FlowRuntime;
struct OutputMetrics;

struct EngineOptions {
  // Worker threads running steps and deliveries; 0: twice the hardware threads.
  int workers = 0;
  // Threads committing intake to the store (see IntakeCommitter).
  int intake_threads = 2;
  // Back-pressure per flow: intake is refused (kResourceExhausted) while the flow's unfinished
  // deliveries (queued, ready, in flight) reach either bound; <= 0: no bound.
  int64_t max_backlog = 100'000;
  int64_t max_backlog_bytes = int64_t{1} << 30;
  // How often the backlog is read from the store (back-pressure, gauges); less often while a
  // reading takes long, so that readings take at most 5% of the time.
  std::chrono::milliseconds backlog_refresh{500};
  std::chrono::milliseconds lease_duration{30'000};
  // How often to look for work nobody signalled (retries falling due after a restart, work of
  // other processes); this process's own retries are looked for when they fall due.
  std::chrono::milliseconds idle_poll{1000};
  // The store's group commit window (see StoreOptions): under load, a transaction carries more
  // writes, which then share their pages and fsync; an idle hub does not wait.
  std::chrono::microseconds group_commit_window{300};
  // The lease owner name; empty: "HOST:PID".
  std::string node_name;
  // Injected for tests; nullptr: the system's.
  const Clock* clock = nullptr;
  RandomSource* random = nullptr;
  Logger* log = nullptr;
  // Where the engine's metrics go; nullptr: a registry of the engine's own.
  ops::MetricsRegistry* metrics = nullptr;
};

// What Drain found.
struct DrainResult {
  bool drained = false;
  // Deliveries still running when the deadline passed; their leases expire and a restart (or
  // another node) redoes them.
  int still_running = 0;
};

// Runs a configuration: opens the store, builds every flow's input, steps and outputs through the
// registry's factories, takes input durably (each flow's Intake) and works the store's
// deliveries on a pool of workers: steps once per message (a "@steps" delivery that fans out to
// the outputs), then each output, per business key in acceptance order, different keys in
// parallel; retries with backoff and full jitter, dead letters, lineage for every step and
// attempt. Lifecycle: Create, Start, then StopIntake and Drain (or Stop), then destroy.
class Engine {
 public:
  // Every problem building the flows (a key expression that does not compile, a component
  // without a factory, a factory's error) is reported at once as kInvalidArgument, one
  // "file:line:col: path: message" line each. A store that cannot be opened fails as the store
  // says.
  static Result<std::unique_ptr<Engine>> Create(const Config& config,
                                                const ComponentRegistry& registry,
                                                EngineOptions options = {});
  // Stops (without waiting for deliveries to drain) and joins every thread: a delivery still
  // running delays this until it returns.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Starts each flow's input (which adds its routes to `server`, may be null when no input needs
  // a listener; call before the listener starts) and the workers.
  Status Start(net::HttpServer* server);

  // Takes no more input: intakes refuse with kUnavailable, inputs stop, what was submitted is
  // committed. Idempotent.
  void StopIntake();
  // Claims no more work and waits up to `deadline` for the deliveries already claimed. Work not
  // started stays in the store for the next start.
  DrainResult Drain(std::chrono::milliseconds deadline);
  // StopIntake, then Drain.
  DrainResult Stop(std::chrono::milliseconds deadline);

  // The flow's intake (for inputs built outside the engine, and tests); nullptr when unknown.
  components::Intake* intake(std::string_view flow);
  store::Store& store() { return *store_; }
  ops::MetricsRegistry& metrics() { return *metrics_; }
  std::vector<std::string> flow_names() const;
  int workers() const { return workers_; }
  // This node's name: the owner of its leases, shown in /ready and the erphub_node_info metric.
  const std::string& node_name() const { return options_.node_name; }
  // "sqlite" or "postgresql": several nodes may share only a PostgreSQL store.
  const std::string& store_kind() const { return store_kind_; }

  // Ok while the store answers and intake is open; the reason otherwise (for /ready).
  Status CheckStore();
  Status CheckIntake() const;

  // Reads the backlog now (instead of waiting for the next periodic reading).
  Status RefreshBacklog();

  // Every output's circuit breaker (those not turned off), for the /ready detail:
  // {"FLOW/OUTPUT": {"state": "open", "consecutive_failures": 5, "opened_at": ...,
  // "probe_at": ...}}; opened_at and probe_at only while not closed.
  Value CircuitReport() const;

  // The hub nodes sharing the store, for the /ready detail (see Membership::Report).
  Value MembershipReport() const;

 private:
  Engine(EngineOptions options, Logger& log);

  Status Build(const Config& config, const ComponentRegistry& registry);
  std::unique_ptr<CircuitBreaker> MakeBreaker(const FlowConfig& flow, const std::string& output,
                                              const OutputMetrics& metrics);
  // What the claimer may take, and the probes it claims apart, from the circuit breakers.
  std::optional<std::vector<store::OutputRef>> ClaimableOutputs() const;
  std::vector<WorkerPoolOptions::Probe> Probes() const;
  void MonitorBacklog();

  EngineOptions options_;
  Logger& log_;
  const Clock& clock_;
  RandomSource& random_;
  std::string store_kind_;
  int workers_ = 1;
  std::unique_ptr<ops::MetricsRegistry> own_metrics_;
  ops::MetricsRegistry* metrics_ = nullptr;
  std::unique_ptr<EngineMetrics> engine_metrics_;
  std::unique_ptr<MessageIdGenerator> ids_;

  // Declared in teardown order's reverse: the store outlives everything that uses it.
  // Before store_: components built with it may still run while the store closes.
  std::unique_ptr<HubLookups> lookups_;
  std::unique_ptr<store::Store> store_;
  std::map<std::string, std::unique_ptr<FlowRuntime>, std::less<>> flows_;
  std::unique_ptr<IntakeCommitter> committer_;
  std::unique_ptr<DeliveryRunner> runner_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<Membership> membership_;

  std::atomic<bool> intake_open_{false};
  std::mutex lifecycle_mu_;
  bool started_ = false;
  bool intake_stopped_ = false;
  size_t inputs_started_ = 0;

  std::mutex monitor_mu_;
  std::condition_variable monitor_cv_;
  bool monitor_stop_ = false;
  std::thread monitor_;
};

}  // namespace erphub::engine
