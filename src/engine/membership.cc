#include "engine/membership.h"

#include <utility>

namespace erphub::engine {
namespace {

ops::GaugeFamily& NodesGauges(ops::MetricsRegistry& metrics) {
  return metrics.Gauges("erphub_nodes",
                        "Hub nodes sharing this store: seen within one lease time (live), or "
                        "within the last day but not since (gone)");
}

}  // namespace

Membership::Membership(store::Store& store, std::string node, const Clock& clock,
                       std::chrono::milliseconds expiry, ops::MetricsRegistry& metrics)
    : store_(store),
      node_(std::move(node)),
      clock_(clock),
      expiry_(expiry),
      started_at_(clock.Now()),
      live_(NodesGauges(metrics).With({{"state", "live"}})),
      gone_(NodesGauges(metrics).With({{"state", "gone"}})) {}

Status Membership::Beat() {
  ERPHUB_TRY(store_.RecordNode(node_, started_at_));
  ERPHUB_ASSIGN_OR_RETURN(std::vector<store::NodeSeen> nodes, store_.Nodes());
  const Timestamp live_since = clock_.Now() - expiry_;
  std::vector<store::NodeSeen> live;
  std::vector<store::NodeSeen> gone;
  for (store::NodeSeen& node : nodes) {
    (node.last_seen >= live_since ? live : gone).push_back(std::move(node));
  }
  live_.Set(static_cast<double>(live.size()));
  gone_.Set(static_cast<double>(gone.size()));
  std::lock_guard<std::mutex> lock(mu_);
  live_nodes_ = std::move(live);
  gone_nodes_ = std::move(gone);
  return Status::Ok();
}

Value Membership::Report() const {
  std::lock_guard<std::mutex> lock(mu_);
  Array live;
  for (const store::NodeSeen& node : live_nodes_) {
    live.push_back(Value::Str(node.name));
  }
  Array gone;
  for (const store::NodeSeen& node : gone_nodes_) {
    Object entry;
    entry.Append("name", Value::Str(node.name));
    entry.Append("last_seen", Value::Str(FormatUtc(node.last_seen)));
    gone.push_back(Value::MakeObject(std::move(entry)));
  }
  Object report;
  report.Append("live", Value::MakeArray(std::move(live)));
  report.Append("gone", Value::MakeArray(std::move(gone)));
  return Value::MakeObject(std::move(report));
}

}  // namespace erphub::engine
