#include "engine/flow_runtime.h"

#include "engine/flow_intake.h"

namespace erphub::engine {

FlowRuntime::FlowRuntime(const FlowConfig& flow_config, BusinessKey business_key,
                         int64_t max_backlog, int64_t max_backlog_bytes)
    : config(flow_config), key(std::move(business_key)), backlog(max_backlog, max_backlog_bytes) {}

FlowRuntime::~FlowRuntime() = default;

components::Output* FlowRuntime::FindOutput(std::string_view output_name) const {
  for (const NamedOutput& output : outputs) {
    if (output.name == output_name) {
      return output.output.get();
    }
  }
  return nullptr;
}

CircuitBreaker* FlowRuntime::FindBreaker(std::string_view name) const {
  auto it = breakers.find(name);
  return it == breakers.end() ? nullptr : it->second.get();
}

}  // namespace erphub::engine
