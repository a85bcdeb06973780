#include "engine/engine_metrics.h"

namespace erphub::engine {

const OutputMetrics* FlowMetrics::Output(std::string_view output) const {
  auto it = outputs.find(output);
  return it == outputs.end() ? nullptr : &it->second;
}

EngineMetrics::EngineMetrics(ops::MetricsRegistry& registry)
    : registry_(registry),
      accepted_(registry.Counters("erphub_accepted_total",
                                  "Messages accepted into the store (duplicates excluded).")),
      rejected_(registry.Counters(
          "erphub_rejected_total",
          "Input refused, by reason: signature, malformed, too_large, overloaded, key, "
          "store_full.")),
      duplicates_(
          registry.Counters("erphub_duplicates_total", "Repeated provider events stored once.")),
      quarantined_(registry.Counters("erphub_quarantined_total",
                                     "Input kept in quarantine with its reason.")),
      filtered_(registry.Counters("erphub_filtered_total",
                                  "Messages a filter step completed without delivering them.")),
      delivered_(
          registry.Counters("erphub_delivered_total",
                            "Deliveries completed (for @steps: messages through the steps).")),
      failed_attempts_(registry.Counters("erphub_failed_attempts_total",
                                         "Attempts that failed, transient or permanent.")),
      dead_lettered_(registry.Counters("erphub_dead_lettered_total", "Deliveries dead-lettered.")),
      latency_(registry.Histograms("erphub_delivery_latency_seconds",
                                   "Time from acceptance to completed delivery.",
                                   ops::LatencyBuckets())),
      warnings_(registry.Counters("erphub_delivery_warnings_total",
                                  "Deliveries done with a warning for people to look at.")),
      circuit_state_(registry.Gauges("erphub_circuit_state",
                                     "An output's circuit breaker: 0 closed, 1 open (paused), 2 "
                                     "half-open (probing).")),
      circuit_opened_(registry.Counters("erphub_circuit_opened_total",
                                        "Times an output's circuit breaker opened.")),
      backlog_(registry.Gauges("erphub_backlog",
                               "Unfinished deliveries by state: queued, ready, retrying, "
                               "in_flight, dead.")),
      backlog_bytes_(registry.Gauges("erphub_backlog_bytes",
                                     "Payload bytes of queued, ready and in-flight deliveries.")),
      store_transactions_(registry.Gauges("erphub_store_transactions",
                                          "Write transactions committed since start.")),
      store_operations_(registry.Gauges("erphub_store_write_operations",
                                        "Write operations since start (group commit shares "
                                        "transactions among them).")),
      store_commit_(registry.Histograms(
          "erphub_store_commit_seconds",
          "How long the store's commits that waited for the disk took (its fsync).",
          {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10})) {}

store::CommitObserver EngineMetrics::StoreCommitObserver() {
  ops::Histogram& commits = store_commit_.With({});
  return [&commits](std::chrono::microseconds took) {
    commits.Observe(std::chrono::duration<double>(took).count());
  };
}

FlowMetrics EngineMetrics::ForFlow(const std::string& flow,
                                   const std::vector<std::string>& outputs) {
  FlowMetrics m;
  const ops::Labels labels{{"flow", flow}};
  m.accepted = &accepted_.With(labels);
  m.duplicates = &duplicates_.With(labels);
  m.quarantined = &quarantined_.With(labels);
  m.filtered = &filtered_.With(labels);
  m.rejected_overloaded = &rejected_.With({{"flow", flow}, {"reason", "overloaded"}});
  m.rejected_malformed = &rejected_.With({{"flow", flow}, {"reason", "malformed"}});
  m.rejected_key = &rejected_.With({{"flow", flow}, {"reason", "key"}});
  m.rejected_store_full = &rejected_.With({{"flow", flow}, {"reason", "store_full"}});
  for (const std::string& output : outputs) {
    const ops::Labels out{{"flow", flow}, {"output", output}};
    OutputMetrics series{&delivered_.With(out), &failed_attempts_.With(out),
                         &dead_lettered_.With(out), &latency_.With(out), &warnings_.With(out)};
    if (output != kStepsStage) {
      series.circuit_state = &circuit_state_.With(out);
      series.circuit_opened = &circuit_opened_.With(out);
    }
    m.outputs[output] = series;
  }
  SetBacklog({flow}, {});
  return m;
}

void EngineMetrics::SetBacklog(const std::vector<std::string>& flows,
                               const std::vector<store::FlowBacklog>& backlog) {
  for (const std::string& flow : flows) {
    store::FlowBacklog b;
    for (const store::FlowBacklog& item : backlog) {
      if (item.flow == flow) {
        b = item;
      }
    }
    backlog_.With({{"flow", flow}, {"state", "queued"}}).Set(static_cast<double>(b.queued));
    backlog_.With({{"flow", flow}, {"state", "ready"}})
        .Set(static_cast<double>(b.ready - b.retrying));
    backlog_.With({{"flow", flow}, {"state", "retrying"}}).Set(static_cast<double>(b.retrying));
    backlog_.With({{"flow", flow}, {"state", "in_flight"}}).Set(static_cast<double>(b.in_flight));
    backlog_.With({{"flow", flow}, {"state", "dead"}}).Set(static_cast<double>(b.dead));
    backlog_bytes_.With({{"flow", flow}}).Set(static_cast<double>(b.bytes));
  }
}

void EngineMetrics::SetStoreStats(const store::StoreStats& stats) {
  store_transactions_.Get().Set(static_cast<double>(stats.transactions));
  store_operations_.Get().Set(static_cast<double>(stats.write_operations));
}

void ComponentMetrics::Count(std::string_view name, double delta) { CountLabeled(name, delta, {}); }

void ComponentMetrics::CountLabeled(
    std::string_view name, double delta,
    std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  ops::CounterFamily* family = registry_.TryCounters(name, "Counted by a component.");
  if (family == nullptr) {
    return;
  }
  ops::Labels all = labels_;
  for (const auto& [key, value] : labels) {
    if (ops::IsValidLabelName(key)) {
      all.emplace_back(std::string(key), std::string(value));
    }
  }
  family->With(all).Inc(delta);
}

void ComponentMetrics::Set(std::string_view name, double value) {
  ops::GaugeFamily* family = registry_.TryGauges(name, "Set by a component.");
  if (family != nullptr) {
    family->With(labels_).Set(value);
  }
}

}  // namespace erphub::engine
