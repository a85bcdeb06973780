#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "components/component.h"
#include "core/clock.h"
#include "core/message.h"
#include "engine/intake_committer.h"
#include "store/store.h"

namespace erphub::engine {

struct FlowRuntime;

// The engine's durable intake for one flow (components::Intake): evaluates the flow's key on
// each item, refuses when the flow's backlog is full or the hub is stopping, and hands the
// messages to the committer with the flow's first deliveries.
class FlowIntake final : public components::Intake {
 public:
  struct Deps {
    store::Store* store = nullptr;
    IntakeCommitter* committer = nullptr;
    const Clock* clock = nullptr;
    MessageIdGenerator* ids = nullptr;
    // False once the engine stops taking input.
    const std::atomic<bool>* open = nullptr;
  };

  FlowIntake(FlowRuntime& flow, Deps deps) : flow_(flow), deps_(deps) {}

  void AcceptAsync(
      std::vector<components::IntakeItem> items,
      std::function<void(Result<std::vector<components::IntakeResult>>)> done) override;
  Result<std::vector<components::IntakeResult>> Accept(
      std::vector<components::IntakeItem> items) override;
  Result<std::vector<components::IntakeResult>> AcceptWithState(
      std::vector<components::IntakeItem> items,
      std::vector<components::StateChange> state) override;
  Result<std::optional<std::string>> GetState(std::string_view key) override;
  Result<int64_t> Quarantine(components::QuarantineItem item) override;
  // On a committer thread.
  void QuarantineAsync(components::QuarantineItem item,
                       std::function<void(Result<int64_t>)> done) override;
  bool Overloaded() const override;

 private:
  using Done = std::function<void(Result<std::vector<components::IntakeResult>>)>;
  void Submit(std::vector<components::IntakeItem> items, std::vector<store::StateWrite> state,
              Done done);

  FlowRuntime& flow_;
  const Deps deps_;
};

}  // namespace erphub::engine
