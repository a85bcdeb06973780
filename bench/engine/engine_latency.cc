// Accept-to-delivery latency of the engine at a fixed rate, in process: a flow with one step and
// one output that only records when it is called, on a store with fsync full.
//   engine_latency [RATE_PER_S] [SECONDS] [WORKERS]
// Prints p50/p90/p99/max of the time from acceptance to the output's call, and of Accept itself.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "components/component.h"
#include "core/component_registry.h"
#include "core/component_spec.h"
#include "core/config.h"
#include "core/json.h"
#include "core/log.h"
#include "engine/engine.h"

namespace {

using namespace erphub;
using Clock = std::chrono::system_clock;

class NullInput final : public components::Input {
 public:
  Status Start(const components::InputContext&) override { return Status::Ok(); }
  void Stop() override {}
};

class PassStep final : public components::Step {
 public:
  Result<Value, components::Failure> Process(const Message&, const Value& payload) const override {
    return payload;
  }
};

std::mutex g_mu;
std::vector<double> g_latencies_ms;

class RecordingOutput final : public components::Output {
 public:
  Result<components::Delivered, components::Failure> Deliver(
      const components::Delivery& delivery) override {
    const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(Clock::now());
    const double ms = (ToUnixMicros(Timestamp(now.time_since_epoch())) -
                       ToUnixMicros(delivery.message->received_at)) /
                      1000.0;
    std::lock_guard<std::mutex> lock(g_mu);
    g_latencies_ms.push_back(ms);
    return components::Delivered{200, ""};
  }
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  const int rate = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 5;
  const int workers = argc > 3 ? std::atoi(argv[3]) : 0;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("erphub-latency-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);

  ComponentRegistry registry;
  auto make = [](auto* p) {
    return [p](const ComponentConfig&, const ComponentEnv&) -> Result<std::unique_ptr<Component>> {
      using T = std::remove_pointer_t<decltype(p)>;
      return std::unique_ptr<Component>(std::make_unique<T>());
    };
  };
  (void)registry.Register(ComponentSpec::Input("quiet"), make(static_cast<NullInput*>(nullptr)));
  (void)registry.Register(ComponentSpec::Step("pass"), make(static_cast<PassStep*>(nullptr)));
  (void)registry.Register(ComponentSpec::Output("record"),
                          make(static_cast<RecordingOutput*>(nullptr)));
  const std::string text = "store:\n  url: sqlite:" + (dir / "hub.db").string() +
                           "\n  fsync: full\nflows:\n  orders:\n    from: quiet\n    key: id\n"
                           "    steps:\n      - pass\n    to:\n      - record\n";
  Result<Config, Diagnostics> config = LoadConfigText(text, (dir / "hub.yaml").string(), registry);
  if (!config.ok()) {
    std::fprintf(stderr, "%s", config.error().ToString().c_str());
    return 1;
  }
  Logger quiet([](std::string_view) {});
  engine::EngineOptions options;
  options.workers = workers;
  options.log = &quiet;
  auto engine = engine::Engine::Create(*config, registry, options);
  if (!engine.ok() || !(*engine)->Start(nullptr).ok()) {
    std::fprintf(stderr, "engine: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  components::Intake& intake = *(*engine)->intake("orders");
  const std::string payload =
      R"({"id":0,"customer":{"email":"a@example.com"},"lines":[{"sku":"A-1","qty":2,"price":"18.90"}]})";
  const int total = rate * seconds;
  std::vector<double> accept_ms(total);
  std::atomic<int> accepted{0};
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < total; ++i) {
    std::this_thread::sleep_until(start + std::chrono::microseconds(int64_t{1000000} * i / rate));
    Result<Value> value = ParseJson(payload);
    components::IntakeItem item;
    item.payload = *value;
    Object o = item.payload.as_object();
    o.Set("id", Value::Int(i % 100));
    item.payload = Value::MakeObject(std::move(o));
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<components::IntakeItem> items;
    items.push_back(std::move(item));
    intake.AcceptAsync(std::move(items), [&, i, t0](auto result) {
      if (result.ok()) {
        accept_ms[i] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        accepted.fetch_add(1);
      }
    });
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < give_up) {
    {
      std::lock_guard<std::mutex> lock(g_mu);
      if (static_cast<int>(g_latencies_ms.size()) >= total) {
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> latencies;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    latencies = g_latencies_ms;
  }
  std::printf("rate %d/s for %ds, workers %d: accepted %d, delivered %zu in %.1fs\n", rate, seconds,
              (*engine)->workers(), accepted.load(), latencies.size(), elapsed);
  std::printf("accept->delivery ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
              Percentile(latencies, 0.5), Percentile(latencies, 0.9), Percentile(latencies, 0.99),
              Percentile(latencies, 1.0));
  std::printf("accept (commit) ms:  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
              Percentile(accept_ms, 0.5), Percentile(accept_ms, 0.9), Percentile(accept_ms, 0.99),
              Percentile(accept_ms, 1.0));
  const store::StoreStats stats = (*engine)->store().Stats();
  std::printf("store: %llu transactions, %llu write operations\n",
              static_cast<unsigned long long>(stats.transactions),
              static_cast<unsigned long long>(stats.write_operations));
  (*engine)->Stop(std::chrono::seconds(5));
  engine->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
