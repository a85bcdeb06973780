#include "engine/engine.h"

#include <unistd.h>

#include <filesystem>
#include <thread>
#include <utility>

#include "core/thread_name.h"
#include "engine/delivery_runner.h"
#include "engine/engine_metrics.h"
#include "engine/flow_intake.h"
#include "engine/flow_runtime.h"
#include "engine/intake_committer.h"
#include "engine/membership.h"
#include "engine/worker_pool.h"
#include "store/open_store.h"

namespace erphub::engine {
namespace {

std::string DefaultNodeName() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) {
    host[0] = '\0';
  }
  return std::string(host[0] != '\0' ? host : "erphub") + ":" + std::to_string(getpid());
}

int DefaultWorkers() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 2 : static_cast<int>(2 * cores);
}

// "sqlite:data/hub.db" names a file relative to the config's folder, like every other relative
// path in the config.
std::string ResolveStoreUrl(const std::string& url, const std::string& base_dir) {
  for (std::string_view scheme : {"sqlite://", "sqlite:"}) {
    if (url.rfind(scheme, 0) != 0) {
      continue;
    }
    std::filesystem::path path(url.substr(scheme.size()));
    if (path.is_relative() && !base_dir.empty() && path != ":memory:") {
      path = std::filesystem::path(base_dir) / path;
    }
    return "sqlite:" + path.lexically_normal().string();
  }
  return url;
}

template <typename T>
std::unique_ptr<T> BuildComponent(const ComponentConfig& config, const ComponentRegistry& registry,
                                  const ComponentEnv& env, Diagnostics& problems) {
  const std::string kind(ComponentKindName(config.kind));
  const ComponentRegistry::Entry* entry = registry.Find(config.kind, config.type);
  if (entry == nullptr || !entry->factory) {
    problems.Add(config.Problem(
        "", "the " + kind + " \"" + config.type + "\" has no implementation in this build"));
    return nullptr;
  }
  Result<std::unique_ptr<Component>> built = entry->factory(config, env);
  if (!built.ok()) {
    problems.Add(config.Problem("", built.status().ToString()));
    return nullptr;
  }
  T* typed = dynamic_cast<T*>(built->get());
  if (typed == nullptr) {
    problems.Add(
        config.Problem("", "the factory of \"" + config.type + "\" did not build an " + kind));
    return nullptr;
  }
  built->release();
  return std::unique_ptr<T>(typed);
}

}  // namespace

Engine::Engine(EngineOptions options, Logger& log)
    : options_(std::move(options)),
      log_(log),
      clock_(options_.clock != nullptr ? *options_.clock : SystemClock::Default()),
      random_(options_.random != nullptr ? *options_.random : SystemRandom::Default()) {
  workers_ = options_.workers > 0 ? options_.workers : DefaultWorkers();
  if (options_.metrics != nullptr) {
    metrics_ = options_.metrics;
  } else {
    own_metrics_ = std::make_unique<ops::MetricsRegistry>();
    metrics_ = own_metrics_.get();
  }
  engine_metrics_ = std::make_unique<EngineMetrics>(*metrics_);
  ids_ = std::make_unique<MessageIdGenerator>(clock_, random_);
  if (options_.node_name.empty()) {
    options_.node_name = DefaultNodeName();
  }
}

Result<std::unique_ptr<Engine>> Engine::Create(const Config& config,
                                               const ComponentRegistry& registry,
                                               EngineOptions options) {
  Logger& log = options.log != nullptr ? *options.log : Logger::Default();
  std::unique_ptr<Engine> engine(new Engine(std::move(options), log));
  engine->lookups_ = std::make_unique<HubLookups>(config.value_maps);
  ERPHUB_TRY(engine->Build(config, registry));

  store::StoreOptions store_options;
  store_options.clock = &engine->clock_;
  store_options.fsync =
      config.store.fsync == FsyncMode::kFull ? store::FsyncMode::kFull : store::FsyncMode::kNormal;
  store_options.group_commit_window = engine->options_.group_commit_window;
  store_options.on_durable_commit = engine->engine_metrics_->StoreCommitObserver();
  ERPHUB_ASSIGN_OR_RETURN(
      engine->store_,
      store::OpenStore(ResolveStoreUrl(config.store.url, config.base_dir), store_options));
  engine->lookups_->BindStore(engine->store_.get());
  engine->store_kind_ = config.store.url.starts_with("sqlite:") ? "sqlite" : "postgresql";
  engine->metrics_
      ->Gauges("erphub_node_info",
               "This hub node (1): its name, the owner of its leases, and its store's kind")
      .With({{"node", engine->options_.node_name}, {"store", engine->store_kind_}})
      .Set(1);

  engine->membership_ =
      std::make_unique<Membership>(*engine->store_, engine->options_.node_name, engine->clock_,
                                   engine->options_.lease_duration, *engine->metrics_);

  DeliveryRunner::Deps deps;
  deps.store = engine->store_.get();
  deps.clock = &engine->clock_;
  deps.random = &engine->random_;
  deps.log = &engine->log_;
  deps.flows = &engine->flows_;
  Engine* self = engine.get();
  // Retries this process schedules wake the claimer when they fall due; the pool exists before
  // any delivery runs.
  deps.note_due = [self](Timestamp at) { self->pool_->NoteDue(at); };
  engine->runner_ = std::make_unique<DeliveryRunner>(std::move(deps));

  WorkerPoolOptions pool;
  pool.workers = engine->workers_;
  pool.owner = engine->options_.node_name;
  pool.lease_duration = engine->options_.lease_duration;
  pool.idle_poll = engine->options_.idle_poll;
  pool.flows = engine->flow_names();
  pool.clock = &engine->clock_;
  pool.log = &engine->log_;
  pool.claimable = [self] { return self->ClaimableOutputs(); };
  pool.probes = [self] { return self->Probes(); };
  DeliveryRunner* runner = engine->runner_.get();
  engine->pool_ = std::make_unique<WorkerPool>(
      *engine->store_, std::move(pool),
      [runner](const store::ClaimedDelivery& delivery) { return runner->Run(delivery); });
  // An acceptance hands its first deliveries to this node's workers when they have room.
  WorkerPool* pool_ptr = engine->pool_.get();
  engine->committer_ = std::make_unique<IntakeCommitter>(
      *engine->store_, engine->options_.intake_threads,
      IntakeCommitter::Leasing{[pool_ptr] { return pool_ptr->Offer(); },
                               [pool_ptr](std::vector<store::ClaimedDelivery> leased) {
                                 pool_ptr->Take(std::move(leased));
                               }});
  for (auto& [name, flow] : engine->flows_) {
    flow->intake = std::make_unique<FlowIntake>(
        *flow, FlowIntake::Deps{engine->store_.get(), engine->committer_.get(), &engine->clock_,
                                engine->ids_.get(), &engine->intake_open_});
  }
  ERPHUB_TRY(engine->RefreshBacklog());
  return engine;
}

Status Engine::Build(const Config& config, const ComponentRegistry& registry) {
  Diagnostics problems;
  const ComponentEnv env{config.base_dir, &clock_, lookups_.get(), &config.partners};
  for (const FlowConfig& flow_config : config.flows) {
    Result<BusinessKey, Diagnostic> key = BusinessKey::Compile(flow_config, config.file);
    if (!key.ok()) {
      problems.Add(key.error());
    }
    std::unique_ptr<components::Input> input =
        BuildComponent<components::Input>(flow_config.from, registry, env, problems);
    std::vector<FlowRuntime::NamedStep> steps;
    for (const ComponentConfig& step : flow_config.steps) {
      steps.push_back({step.name, BuildComponent<components::Step>(step, registry, env, problems)});
    }
    std::vector<FlowRuntime::NamedOutput> outputs;
    for (const ComponentConfig& output : flow_config.to) {
      if (output.name.empty() || output.name[0] == '@') {
        problems.Add(output.Problem("", "output names may not start with '@'"));
      }
      outputs.push_back(
          {output.name, BuildComponent<components::Output>(output, registry, env, problems)});
    }
    if (!problems.empty()) {
      continue;
    }
    auto flow = std::make_unique<FlowRuntime>(flow_config, std::move(key).value(),
                                              options_.max_backlog, options_.max_backlog_bytes);
    flow->input = std::move(input);
    flow->steps = std::move(steps);
    flow->outputs = std::move(outputs);
    std::vector<std::string> stages;
    if (flow->has_steps()) {
      stages.emplace_back(kStepsStage);
      flow->first_deliveries = {std::string(kStepsStage)};
    }
    for (const FlowRuntime::NamedOutput& output : flow->outputs) {
      stages.push_back(output.name);
      if (!flow->has_steps()) {
        flow->first_deliveries.push_back(output.name);
      }
    }
    flow->on_dead_letter = flow_config.on_dead_letter == DeadLetterPolicy::kBlockKey
                               ? store::OnDeadLetter::kBlockKey
                               : store::OnDeadLetter::kContinue;
    flow->metrics = engine_metrics_->ForFlow(flow_config.name, stages);
    for (const FlowRuntime::NamedOutput& output : flow->outputs) {
      flow->breakers[output.name] =
          MakeBreaker(flow_config, output.name, *flow->metrics.Output(output.name));
    }
    flow->input_metrics =
        std::make_unique<ComponentMetrics>(*metrics_, ops::Labels{{"flow", flow_config.name}});
    flows_.emplace(flow_config.name, std::move(flow));
  }
  if (!problems.empty()) {
    problems.Sort();
    return problems.ToStatus();
  }
  return Status::Ok();
}

std::unique_ptr<CircuitBreaker> Engine::MakeBreaker(const FlowConfig& flow,
                                                    const std::string& output,
                                                    const OutputMetrics& metrics) {
  const CircuitBreakerPolicy policy = flow.PolicyOf(output).circuit_breaker;
  metrics.circuit_state->Set(0);
  auto on_change = [this, policy, flow = flow.name, output, &metrics](CircuitState from,
                                                                      CircuitState to) {
    metrics.circuit_state->Set(static_cast<double>(static_cast<int>(to)));
    if (to == CircuitState::kOpen) {
      metrics.circuit_opened->Inc();
      // Look for work when the probe is due, even if nothing else wakes the claimer.
      if (pool_) {
        pool_->NoteDue(clock_.Now() + policy.cool_down);
      }
    }
    const Value flow_name = Value::Str(flow);
    const Value output_name = Value::Str(output);
    const Value from_name = Value::Str(CircuitStateName(from));
    if (to == CircuitState::kOpen) {
      log_.Warn("circuit.opened", {{"flow", flow_name},
                                   {"output", output_name},
                                   {"from", from_name},
                                   {"cool_down_ms", Value::Int(policy.cool_down.count())}});
    } else {
      log_.Info(to == CircuitState::kClosed ? "circuit.closed" : "circuit.half_open",
                {{"flow", flow_name}, {"output", output_name}, {"from", from_name}});
    }
  };
  return std::make_unique<CircuitBreaker>(policy, clock_, std::move(on_change));
}

std::optional<std::vector<store::OutputRef>> Engine::ClaimableOutputs() const {
  // Asked before every claim and every lease (twice per order): the list is built only when
  // some breaker holds its output back.
  std::vector<CircuitBreaker::Admission> admissions;
  bool paused = false;
  for (const auto& [name, flow] : flows_) {
    for (const auto& [output, breaker] : flow->breakers) {
      const CircuitBreaker::Admission admission = breaker->Admit();
      admissions.push_back(admission);
      paused = paused || admission != CircuitBreaker::Admission::kAll;
      // The wake-up for the probe survives the claimer consuming earlier ones (e.g. the paused
      // deliveries' own retries falling due).
      if (admission == CircuitBreaker::Admission::kNone && pool_ &&
          breaker->state() == CircuitState::kOpen) {
        pool_->NoteDue(breaker->probe_due());
      }
    }
  }
  if (!paused) {
    return std::nullopt;  // every output, including those of deliveries no flow names now
  }
  std::vector<store::OutputRef> claimable;
  size_t next = 0;
  for (const auto& [name, flow] : flows_) {
    if (flow->has_steps()) {
      claimable.push_back(store::OutputRef{name, std::string(kStepsStage)});
    }
    for (const auto& [output, breaker] : flow->breakers) {
      if (admissions[next++] == CircuitBreaker::Admission::kAll) {
        claimable.push_back(store::OutputRef{name, output});
      }
    }
  }
  return claimable;
}

std::vector<WorkerPoolOptions::Probe> Engine::Probes() const {
  std::vector<WorkerPoolOptions::Probe> probes;
  for (const auto& [name, flow] : flows_) {
    for (const auto& [output, breaker] : flow->breakers) {
      if (breaker->Admit() != CircuitBreaker::Admission::kProbe) {
        continue;
      }
      WorkerPoolOptions::Probe probe;
      probe.output = store::OutputRef{name, output};
      CircuitBreaker* probed = breaker.get();
      probe.claimed = [probed](bool claimed) { probed->ProbeClaimed(claimed); };
      probes.push_back(std::move(probe));
    }
  }
  return probes;
}

Value Engine::CircuitReport() const {
  Object report;
  for (const auto& [name, flow] : flows_) {
    for (const auto& [output, breaker] : flow->breakers) {
      if (!breaker->enabled()) {
        continue;
      }
      Object item;
      const CircuitState state = breaker->state();
      item.Append("state", Value::Str(CircuitStateName(state)));
      item.Append("consecutive_failures", Value::Int(breaker->consecutive_failures()));
      if (state != CircuitState::kClosed) {
        item.Append("opened_at", Value::Str(FormatUtc(breaker->opened_at())));
        item.Append("probe_at", Value::Str(FormatUtc(breaker->probe_due())));
      }
      report.Append(name + "/" + output, Value::MakeObject(std::move(item)));
    }
  }
  return Value::MakeObject(std::move(report));
}

Engine::~Engine() {
  StopIntake();
  if (pool_) {
    pool_->Join();
  }
  {
    std::lock_guard<std::mutex> lock(monitor_mu_);
    monitor_stop_ = true;
  }
  monitor_cv_.notify_all();
  if (monitor_.joinable()) {
    monitor_.join();
  }
}

Status Engine::Start(net::HttpServer* server) {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (started_) {
    return Status(StatusCode::kFailedPrecondition, "the engine has already started");
  }
  started_ = true;
  intake_open_.store(true);
  for (auto& [name, flow] : flows_) {
    components::InputContext context;
    context.flow = name;
    context.intake = flow->intake.get();
    context.server = server;
    context.clock = &clock_;
    context.metrics = flow->input_metrics.get();
    Status status = flow->input->Start(context);
    if (!status.ok()) {
      return status.WithContext(flow->config.from.path);
    }
    ++inputs_started_;
  }
  pool_->Start();
  monitor_ = NamedThread("engine-monitor", [this] { MonitorBacklog(); });
  log_.Info("engine.started", {{"flows", Value::Int(static_cast<int64_t>(flows_.size()))},
                               {"workers", Value::Int(workers_)},
                               {"node", Value::Str(options_.node_name)}});
  return Status::Ok();
}

void Engine::StopIntake() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (intake_stopped_) {
    return;
  }
  intake_stopped_ = true;
  intake_open_.store(false);
  size_t stopped = 0;
  for (auto& [name, flow] : flows_) {
    if (stopped++ < inputs_started_) {
      flow->input->Stop();
    }
  }
  if (committer_) {
    committer_->Stop();
  }
  if (started_) {
    log_.Info("engine.intake_stopped");
  }
}

DrainResult Engine::Drain(std::chrono::milliseconds deadline) {
  DrainResult result;
  if (!pool_) {
    result.drained = true;
    return result;
  }
  pool_->StopClaiming();
  result.drained = pool_->WaitIdle(std::chrono::steady_clock::now() + deadline);
  result.still_running = pool_->busy();
  if (result.drained) {
    pool_->Join();
  }
  log_.Info("engine.drained", {{"complete", Value::Bool(result.drained)},
                               {"still_running", Value::Int(result.still_running)}});
  return result;
}

DrainResult Engine::Stop(std::chrono::milliseconds deadline) {
  const auto start = std::chrono::steady_clock::now();
  StopIntake();
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return Drain(std::max(deadline - spent, std::chrono::milliseconds(0)));
}

components::Intake* Engine::intake(std::string_view flow) {
  auto it = flows_.find(flow);
  return it == flows_.end() ? nullptr : it->second->intake.get();
}

std::vector<std::string> Engine::flow_names() const {
  std::vector<std::string> names;
  for (const auto& [name, flow] : flows_) {
    names.push_back(name);
  }
  return names;
}

Status Engine::CheckStore() {
  Result<std::optional<std::string>> probe = store_->GetState("erphub.ready-probe");
  return probe.status();
}

Status Engine::CheckIntake() const {
  if (!intake_open_.load()) {
    return UnavailableError("intake is closed (not started, or shutting down)");
  }
  return Status::Ok();
}

Status Engine::RefreshBacklog() {
  // Under the commit fence, so that every acceptance is in the reading or counted on top of
  // it, never both nor neither.
  Result<std::vector<store::FlowBacklog>> backlog = InternalError("the backlog was not read");
  committer_->WhileNoneCommits([&] {
    backlog = store_->Backlog();
    if (!backlog.ok()) {
      return;
    }
    for (auto& [name, flow] : flows_) {
      int64_t count = 0;
      int64_t bytes = 0;
      for (const store::FlowBacklog& b : *backlog) {
        if (b.flow == name) {
          count = b.queued + b.ready + b.in_flight;
          bytes = b.bytes;
        }
      }
      flow->backlog.Refresh(count, bytes);
    }
  });
  if (!backlog.ok()) {
    return backlog.status();
  }
  engine_metrics_->SetBacklog(flow_names(), *backlog);
  engine_metrics_->SetStoreStats(store_->Stats());
  return Status::Ok();
}

Value Engine::MembershipReport() const { return membership_->Report(); }

void Engine::MonitorBacklog() {
  using SteadyClock = std::chrono::steady_clock;
  // Membership is renewed three times per lease time, so a live node never looks gone.
  const auto beat_every = std::max<std::chrono::milliseconds>(options_.lease_duration / 3,
                                                              std::chrono::milliseconds(1));
  // A reading scans every unfinished delivery and holds intake commits back while it runs
  // (RefreshBacklog): with a long backlog it comes less often, taking at most this share of the
  // time.
  constexpr int kReadingTimeShare = 20;
  auto next_beat = SteadyClock::now();
  // The backlog is read once per period, the first time one period after the start.
  auto next_reading = next_beat + options_.backlog_refresh;
  bool failing = false;
  bool beat_failing = false;
  while (true) {
    if (const auto now = SteadyClock::now(); now >= next_beat) {
      next_beat = now + beat_every;
      Status beat = membership_->Beat();
      if (!beat.ok() && !beat_failing) {
        log_.Warn("engine.membership_unrecorded", {{"error", Value::Str(beat.ToString())}});
      }
      beat_failing = !beat.ok();
    }
    if (const auto start = SteadyClock::now(); start >= next_reading) {
      Status status = RefreshBacklog();
      if (!status.ok() && !failing) {
        log_.Warn("engine.backlog_unreadable", {{"error", Value::Str(status.ToString())}});
      }
      failing = !status.ok();
      const auto end = SteadyClock::now();
      next_reading = end + std::max<SteadyClock::duration>(options_.backlog_refresh,
                                                           (end - start) * kReadingTimeShare);
    }
    std::unique_lock<std::mutex> lock(monitor_mu_);
    monitor_cv_.wait_until(lock, std::min(next_beat, next_reading), [&] { return monitor_stop_; });
    if (monitor_stop_) {
      return;
    }
  }
}

}  // namespace erphub::engine
