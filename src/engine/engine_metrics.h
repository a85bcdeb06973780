#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "components/component.h"
#include "ops/metrics.h"
#include "store/store.h"

namespace erphub::engine {

// The name under which a flow's steps run as one stage of work in the store (a delivery that,
// when completed, fans out into one delivery per output). Config names cannot start with '@'.
inline constexpr std::string_view kStepsStage = "@steps";

// Series of one (flow, output), looked up once. The steps stage has its own, under "@steps".
struct OutputMetrics {
  ops::Counter* delivered = nullptr;
  ops::Counter* failed_attempts = nullptr;
  ops::Counter* dead_lettered = nullptr;
  ops::Histogram* latency = nullptr;
  // Deliveries done with a warning for people (e.g. an ERP total that differs from the order's).
  ops::Counter* warnings = nullptr;
  // The output's circuit breaker: its state (0 closed, 1 open, 2 half-open) and how often it
  // opened. Null for the steps stage.
  ops::Gauge* circuit_state = nullptr;
  ops::Counter* circuit_opened = nullptr;
};

// Series of one flow.
struct FlowMetrics {
  ops::Counter* accepted = nullptr;
  ops::Counter* duplicates = nullptr;
  ops::Counter* quarantined = nullptr;
  ops::Counter* filtered = nullptr;
  ops::Counter* rejected_overloaded = nullptr;
  ops::Counter* rejected_malformed = nullptr;
  ops::Counter* rejected_key = nullptr;
  ops::Counter* rejected_store_full = nullptr;
  std::map<std::string, OutputMetrics, std::less<>> outputs;

  // The series of `output`; nullptr for a name the flow does not have.
  const OutputMetrics* Output(std::string_view output) const;
};

// The engine's metric families (names in src/engine/README.md).
class EngineMetrics {
 public:
  explicit EngineMetrics(ops::MetricsRegistry& registry);

  // Creates the series of a flow and its outputs (so they show as 0 before anything happens).
  FlowMetrics ForFlow(const std::string& flow, const std::vector<std::string>& outputs);

  // Sets the backlog gauges of every flow in `flows` from a snapshot (flows absent from it have
  // no unfinished work: 0).
  void SetBacklog(const std::vector<std::string>& flows,
                  const std::vector<store::FlowBacklog>& backlog);

  // Sets the store's figures.
  void SetStoreStats(const store::StoreStats& stats);
  // Observes the store's durable commits into erphub_store_commit_seconds (for
  // StoreOptions::on_durable_commit; valid as long as the registry).
  store::CommitObserver StoreCommitObserver();

  ops::MetricsRegistry& registry() { return registry_; }

 private:
  ops::MetricsRegistry& registry_;
  ops::CounterFamily& accepted_;
  ops::CounterFamily& rejected_;
  ops::CounterFamily& duplicates_;
  ops::CounterFamily& quarantined_;
  ops::CounterFamily& filtered_;
  ops::CounterFamily& delivered_;
  ops::CounterFamily& failed_attempts_;
  ops::CounterFamily& dead_lettered_;
  ops::HistogramFamily& latency_;
  ops::CounterFamily& warnings_;
  ops::GaugeFamily& circuit_state_;
  ops::CounterFamily& circuit_opened_;
  ops::GaugeFamily& backlog_;
  ops::GaugeFamily& backlog_bytes_;
  ops::GaugeFamily& store_transactions_;
  ops::GaugeFamily& store_operations_;
  ops::HistogramFamily& store_commit_;
};

// What a component counts into: the registry's counter of that name with the component's flow
// (and, for outputs, its output name) as labels.
class ComponentMetrics final : public components::Metrics {
 public:
  ComponentMetrics(ops::MetricsRegistry& registry, ops::Labels labels)
      : registry_(registry), labels_(std::move(labels)) {}

  void Count(std::string_view name, double delta) override;
  void CountLabeled(
      std::string_view name, double delta,
      std::initializer_list<std::pair<std::string_view, std::string_view>> labels) override;
  void Set(std::string_view name, double value) override;

 private:
  ops::MetricsRegistry& registry_;
  const ops::Labels labels_;
};

}  // namespace erphub::engine
