#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "api/dead_letter_routes.h"
#include "cli/commands.h"
#include "components/builtin.h"
#include "core/config.h"
#include "core/config_units.h"
#include "core/log.h"
#include "engine/engine.h"
#include "net/http_server.h"
#include "ops/metrics.h"
#include "ops/ops_routes.h"

namespace erphub::cli {
namespace {

using std::chrono::milliseconds;

struct RunArgs {
  std::string config_file;
  int workers = 0;
  int http_threads = 0;
  std::string drain_timeout = "10s";
  std::string lease_duration = "30s";
  int64_t max_backlog = 100'000;
  std::string max_backlog_bytes = "1GiB";
  std::string log_level = "info";
  std::string node;
};

// The listener's bounds on request bodies must not cut below what any input accepts (inputs
// such as the webhook refuse larger bodies themselves, with their own limit).
constexpr uint64_t kDefaultMaxBody = 1 << 20;

uint64_t LargestInputBody(const Config& config) {
  uint64_t largest = kDefaultMaxBody;
  for (const FlowConfig& flow : config.flows) {
    if (flow.from.Has("max_body")) {
      largest = std::max(largest, flow.from.GetSize("max_body"));
    }
  }
  return largest;
}

// "host:port" or "[v6]:port" (the config checked the form).
void SplitListen(const std::string& listen, net::HttpServerOptions& options) {
  const size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  options.host = host;
  options.port = static_cast<uint16_t>(std::stoi(listen.substr(colon + 1)));
}

std::string SignalName(int signal) { return signal == SIGTERM ? "SIGTERM" : "SIGINT"; }

int Fail(Logger& log, std::string_view event, const Status& status, int exit_code) {
  log.Error(event, {{"error", Value::Str(status.ToString())}});
  return exit_code;
}

int RunHub(const RunArgs& args) {
  Logger& log = Logger::Default();
  Result<LogLevel> level = ParseLogLevel(args.log_level);
  if (!level.ok()) {
    return Fail(log, "run.usage", level.status(), 2);
  }
  log.SetLevel(*level);
  Result<milliseconds> drain = ParseDuration(args.drain_timeout);
  if (!drain.ok()) {
    return Fail(log, "run.usage", drain.status().WithContext("--drain-timeout"), 2);
  }
  Result<milliseconds> lease = ParseDuration(args.lease_duration);
  if (!lease.ok()) {
    return Fail(log, "run.usage", lease.status().WithContext("--lease-duration"), 2);
  }
  if (lease->count() <= 0) {
    return Fail(log, "run.usage", InvalidArgumentError("must be positive", "--lease-duration"), 2);
  }
  Result<uint64_t> backlog_bytes = ParseByteSize(args.max_backlog_bytes);
  if (!backlog_bytes.ok()) {
    return Fail(log, "run.usage", backlog_bytes.status().WithContext("--max-backlog-bytes"), 2);
  }

  ComponentRegistry registry;
  Status registered = components::RegisterBuiltins(registry);
  if (!registered.ok()) {
    return Fail(log, "run.components_failed", registered, 1);
  }
  Result<Config, Diagnostics> config = LoadConfigFile(args.config_file, registry);
  if (!config.ok()) {
    for (const Diagnostic& problem : config.error()) {
      log.Error("config.problem", {{"problem", Value::Str(problem.ToString())}});
    }
    return 2;
  }

  // SIGTERM and SIGINT are taken by sigwait below: block them before any thread starts, so that
  // every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ops::MetricsRegistry metrics;
  engine::EngineOptions options;
  options.workers = args.workers;
  options.max_backlog = args.max_backlog;
  options.max_backlog_bytes = static_cast<int64_t>(*backlog_bytes);
  options.lease_duration = *lease;
  options.node_name = args.node;
  options.log = &log;
  options.metrics = &metrics;
  Result<std::unique_ptr<engine::Engine>> created =
      engine::Engine::Create(*config, registry, options);
  if (!created.ok()) {
    const Status& status = created.status();
    return Fail(log, "run.start_failed", status,
                status.code() == StatusCode::kInvalidArgument ? 2 : 1);
  }
  std::unique_ptr<engine::Engine> engine = std::move(created).value();

  net::HttpServerOptions server_options;
  SplitListen(config->listen, server_options);
  server_options.max_body_bytes = LargestInputBody(*config);
  server_options.io_threads =
      args.http_threads > 0 ? args.http_threads
                            : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  auto server = std::make_unique<net::HttpServer>(server_options);
  engine::Engine* hub = engine.get();
  ops::OpsRoutesOptions routes;
  routes.metrics = &metrics;
  routes.checks = {{"store", [hub] { return hub->CheckStore(); }},
                   {"intake", [hub] { return hub->CheckIntake(); }}};
  routes.details = {{"node",
                     [hub] {
                       Object node;
                       node.Append("name", Value::Str(hub->node_name()));
                       node.Append("store", Value::Str(hub->store_kind()));
                       return Value::MakeObject(std::move(node));
                     }},
                    {"nodes", [hub] { return hub->MembershipReport(); }},
                    {"circuit_breakers", [hub] { return hub->CircuitReport(); }}};
  ops::OpsRoutes ops_routes(std::move(routes));
  Status status = ops_routes.AddRoutes(*server);
  api::DeadLetterApiOptions admin;
  admin.token = config->admin.token;
  admin.store = &engine->store();
  api::DeadLetterApi dead_letter_api(std::move(admin));
  if (status.ok()) {
    status = dead_letter_api.AddRoutes(*server);
  }
  if (status.ok()) {
    status = engine->Start(server.get());
  }
  if (status.ok()) {
    status = server->Start();
  }
  if (!status.ok()) {
    engine->Stop(*drain);
    return Fail(log, "run.start_failed", status, 1);
  }
  log.Info("run.listening", {{"address", Value::Str(server->base_url())},
                             {"config", Value::Str(config->file)},
                             {"flows", Value::Int(static_cast<int64_t>(config->flows.size()))},
                             {"workers", Value::Int(engine->workers())}});

  int signal = 0;
  sigwait(&signals, &signal);
  log.Info("run.stopping", {{"signal", Value::Str(SignalName(signal))},
                            {"drain_timeout_ms", Value::Int(drain->count())}});
  // A second signal while draining ends the process at once.
  std::thread([signals, &log]() mutable {
    int again = 0;
    sigwait(&signals, &again);
    log.Warn("run.aborted", {{"signal", Value::Str(SignalName(again))}});
    std::_Exit(1);
  }).detach();

  const auto deadline = std::chrono::steady_clock::now() + *drain;
  auto remaining = [&] {
    return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(
                                         deadline - std::chrono::steady_clock::now()));
  };
  // Inputs stop (webhooks answer 503) and what they submitted is committed and answered; then
  // the listener finishes the answers it is writing.
  engine->StopIntake();
  server->Stop(std::min(remaining(), milliseconds(2000)));
  engine::DrainResult drained = engine->Drain(remaining());
  if (!drained.drained) {
    // The deliveries still running keep their threads; their leases expire and the next start
    // redoes them. Leave without waiting for them.
    log.Warn("run.stopped", {{"still_running", Value::Int(drained.still_running)}});
    std::_Exit(0);
  }
  server.reset();
  dead_letter_api.Stop();
  ops_routes.Stop();
  engine.reset();
  log.Info("run.stopped");
  return 0;
}

}  // namespace

void AddRunCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run the hub: take input durably, run each flow's steps and deliver to its outputs, with\n"
      "retries, circuit breakers and dead letters. Serves the config's listener (webhooks, GET\n"
      "/health, /ready, /metrics, and the admin API /api/v1/dead-letters, which needs\n"
      "admin.token). Logs one JSON object per line on stderr. SIGTERM or SIGINT stops intake,\n"
      "lets running deliveries finish within the drain timeout and exits 0; work not done stays\n"
      "in the store and the next start resumes it. A relative sqlite: store path is relative to\n"
      "the config file's folder.");
  cmd->add_option("CONFIG", args->config_file, "The YAML config file")->required();
  cmd->add_option("--workers", args->workers,
                  "Worker threads running steps and deliveries (default: 2 x cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--http-threads", args->http_threads,
                  "Threads serving the listener (webhooks, API, health); a connection stays on "
                  "one (default: the number of cores, at least 2)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--drain-timeout", args->drain_timeout,
                  "How long a stop waits for running deliveries (default 10s)");
  cmd->add_option("--node", args->node,
                  "This node's name, the owner of its leases, shown in /ready and metrics "
                  "(default HOST:PID); nodes sharing a PostgreSQL store need distinct names");
  cmd->add_option("--lease-duration", args->lease_duration,
                  "How long a claimed delivery stays leased without renewal; after a crash its "
                  "work resumes once the lease expires (default 30s)");
  cmd->add_option("--max-backlog", args->max_backlog,
                  "Unfinished deliveries per flow past which input is refused with 503 "
                  "(default 100000; 0: no bound)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-backlog-bytes", args->max_backlog_bytes,
                  "Payload bytes per flow past which input is refused (default 1GiB; 0: no bound)");
  cmd->add_option("--log-level", args->log_level, "debug, info (default), warn or error");
  cmd->callback([args, &exit_code] { exit_code = RunHub(*args); });
}

}  // namespace erphub::cli
