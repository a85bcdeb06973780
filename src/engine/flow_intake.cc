#include "engine/flow_intake.h"

#include <future>
#include <memory>
#include <utility>

#include "engine/flow_runtime.h"
#include "engine/state_writes.h"

namespace erphub::engine {

using components::IntakeItem;
using components::IntakeResult;

namespace {

// The store's refusal as the input's sender should read it: a full disk says so (the input
// answers 503 with Retry-After: what was accepted before is kept, and intake resumes by itself
// once space is freed).
Status IntakeError(FlowRuntime& flow, const Status& status) {
  if (status.code() != StatusCode::kResourceExhausted) {
    return status.WithContext(flow.name());
  }
  flow.metrics.rejected_store_full->Inc();
  return Status(StatusCode::kResourceExhausted,
                "the hub's store is out of disk space; nothing was accepted, try again later (" +
                    std::string(status.message()) + ")",
                flow.name());
}

}  // namespace

void FlowIntake::AcceptAsync(std::vector<IntakeItem> items,
                             std::function<void(Result<std::vector<IntakeResult>>)> done) {
  Submit(std::move(items), {}, std::move(done));
}

void FlowIntake::Submit(std::vector<IntakeItem> items, std::vector<store::StateWrite> state,
                        Done done) {
  if (!deps_.open->load()) {
    done(UnavailableError("erphub is shutting down; try again later", flow_.name()));
    return;
  }
  if (flow_.backlog.Overloaded()) {
    flow_.metrics.rejected_overloaded->Inc(static_cast<double>(items.size()));
    done(ResourceExhaustedError("the flow's backlog is full; try again later", flow_.name()));
    return;
  }
  std::vector<store::Acceptance> acceptances;
  acceptances.reserve(items.size());
  const Timestamp now = deps_.clock->Now();
  for (size_t i = 0; i < items.size(); ++i) {
    IntakeItem& item = items[i];
    Result<std::string> key = flow_.key.Evaluate(item.payload);
    if (!key.ok()) {
      flow_.metrics.rejected_key->Inc(static_cast<double>(items.size()));
      std::string context = flow_.name() + ".key";
      if (items.size() > 1) {
        context += ", item " + std::to_string(i + 1);
      }
      done(key.status().WithContext(context));
      return;
    }
    store::Acceptance a;
    a.message.id = deps_.ids->Next();
    a.message.flow = flow_.name();
    a.message.business_key = std::move(key).value();
    a.message.payload = std::move(item.payload);
    a.payload_json = std::move(item.payload_json);
    a.message.headers = std::move(item.headers);
    a.message.received_at = now;
    a.event_id = std::move(item.event_id);
    a.outputs = flow_.first_deliveries;
    a.source = std::move(item.source);
    acceptances.push_back(std::move(a));
  }
  const int64_t per_message = static_cast<int64_t>(flow_.first_deliveries.size());
  const int64_t submitted = per_message * static_cast<int64_t>(acceptances.size());
  flow_.backlog.Submitted(submitted);
  FlowRuntime* flow = &flow_;
  deps_.committer->Submit(std::move(acceptances), std::move(state),
                          [flow, per_message, submitted,
                           done = std::move(done)](Result<std::vector<store::Accepted>> accepted) {
                            if (!accepted.ok()) {
                              flow->backlog.Committed(submitted, 0);
                              done(IntakeError(*flow, accepted.status()));
                              return;
                            }
                            std::vector<IntakeResult> results;
                            results.reserve(accepted->size());
                            int64_t fresh = 0;
                            for (const store::Accepted& a : *accepted) {
                              results.push_back(IntakeResult{a.id, a.duplicate});
                              fresh += a.duplicate ? 0 : 1;
                            }
                            flow->backlog.Committed(submitted, fresh * per_message);
                            flow->metrics.accepted->Inc(static_cast<double>(fresh));
                            const auto duplicates = static_cast<int64_t>(results.size()) - fresh;
                            if (duplicates > 0) {
                              flow->metrics.duplicates->Inc(static_cast<double>(duplicates));
                            }
                            done(std::move(results));
                          });
}

Result<std::vector<IntakeResult>> FlowIntake::Accept(std::vector<IntakeItem> items) {
  auto promise = std::make_shared<std::promise<Result<std::vector<IntakeResult>>>>();
  std::future<Result<std::vector<IntakeResult>>> future = promise->get_future();
  AcceptAsync(std::move(items), [promise](Result<std::vector<IntakeResult>> result) {
    promise->set_value(std::move(result));
  });
  return future.get();
}

Result<std::vector<IntakeResult>> FlowIntake::AcceptWithState(
    std::vector<IntakeItem> items, std::vector<components::StateChange> state) {
  std::vector<store::StateWrite> writes;
  writes.reserve(state.size());
  for (components::StateChange& change : state) {
    writes.push_back(ToStateWrite(std::move(change)));
  }
  auto promise = std::make_shared<std::promise<Result<std::vector<IntakeResult>>>>();
  std::future<Result<std::vector<IntakeResult>>> future = promise->get_future();
  Submit(std::move(items), std::move(writes), [promise](Result<std::vector<IntakeResult>> result) {
    promise->set_value(std::move(result));
  });
  return future.get();
}

Result<std::optional<std::string>> FlowIntake::GetState(std::string_view key) {
  return deps_.store->GetState(key);
}

Result<int64_t> FlowIntake::Quarantine(components::QuarantineItem item) {
  store::QuarantineEntry entry;
  entry.flow = flow_.name();
  entry.source = std::move(item.source);
  entry.reason = std::move(item.reason);
  entry.raw = std::move(item.raw);
  entry.headers = std::move(item.headers);
  entry.received_at = deps_.clock->Now();
  Result<int64_t> id = deps_.store->Quarantine(entry);
  if (id.ok()) {
    flow_.metrics.quarantined->Inc();
    flow_.metrics.rejected_malformed->Inc();
  }
  return id;
}

void FlowIntake::QuarantineAsync(components::QuarantineItem item,
                                 std::function<void(Result<int64_t>)> done) {
  deps_.committer->Post(
      [this, item = std::move(item), done = std::move(done)](Status open) mutable {
        done(open.ok() ? Quarantine(std::move(item)) : Result<int64_t>(std::move(open)));
      });
}

bool FlowIntake::Overloaded() const { return flow_.backlog.Overloaded(); }

}  // namespace erphub::engine
