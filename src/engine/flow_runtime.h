#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "components/component.h"
#include "core/config.h"
#include "engine/backlog_gate.h"
#include "engine/business_key.h"
#include "engine/circuit_breaker.h"
#include "engine/engine_metrics.h"
#include "store/store.h"

namespace erphub::engine {

class FlowIntake;

// One configured flow, built: its components, its compiled key, its counters and its intake.
// Built once by the engine; immutable afterwards except for the thread-safe members.
struct FlowRuntime {
  struct NamedStep {
    std::string name;
    std::unique_ptr<components::Step> step;
  };
  struct NamedOutput {
    std::string name;
    std::unique_ptr<components::Output> output;
  };

  FlowRuntime(const FlowConfig& config, BusinessKey key, int64_t max_backlog,
              int64_t max_backlog_bytes);
  ~FlowRuntime();

  // nullptr when the flow has no output of that name.
  components::Output* FindOutput(std::string_view name) const;
  // The output's circuit breaker; nullptr for the steps stage or an unknown name.
  CircuitBreaker* FindBreaker(std::string_view name) const;
  bool has_steps() const { return !steps.empty(); }

  const FlowConfig& config;
  const std::string& name() const { return config.name; }
  BusinessKey key;
  std::unique_ptr<components::Input> input;
  std::vector<NamedStep> steps;
  std::vector<NamedOutput> outputs;
  // One per output, by name.
  std::map<std::string, std::unique_ptr<CircuitBreaker>, std::less<>> breakers;
  // The deliveries a message starts with: the steps stage, or one per output.
  std::vector<std::string> first_deliveries;
  store::OnDeadLetter on_dead_letter = store::OnDeadLetter::kContinue;
  FlowMetrics metrics;
  std::unique_ptr<ComponentMetrics> input_metrics;
  BacklogGate backlog;
  std::unique_ptr<FlowIntake> intake;
};

}  // namespace erphub::engine
