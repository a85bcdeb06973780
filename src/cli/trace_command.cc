#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "api/store_json.h"
#include "cli/commands.h"
#include "cli/store_access.h"
#include "cli/text_table.h"
#include "cli/time_text.h"
#include "core/json.h"

namespace erphub::cli {
namespace {

using api::MessageTraceJson;

struct TraceArgs {
  StoreArgs store;
  std::string query;
  std::string flow;
  int limit = 10;
  bool json = false;
  bool payload = false;
};

int Fail(const Status& status) {
  std::string text = "erphub trace: " + status.ToString() + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

std::string RenderTrace(const store::MessageTrace& trace, bool with_payload) {
  const Message& message = trace.message;
  std::string out = "message " + message.id.ToString() + "  flow " + message.flow + "  key " +
                    (message.business_key.empty() ? "(none)" : message.business_key) + "\n";
  out += "  received " + ShortUtc(message.received_at);
  if (!trace.event_id.empty()) {
    out += "  event id " + trace.event_id;
  }
  out += "\n";

  TextTable deliveries({"OUTPUT", "STATE", "ATTEMPTS", "FINISHED", "LAST ERROR"});
  for (const store::DeliveryInfo& delivery : trace.deliveries) {
    std::string state(store::DeliveryStateName(delivery.state));
    if (delivery.lease_expires_at.has_value() && !delivery.lease_owner.empty()) {
      state += " (" + delivery.lease_owner + ")";
    }
    deliveries.AddRow({delivery.output, state, std::to_string(delivery.attempts),
                       delivery.finished_at ? ShortUtc(*delivery.finished_at) : "",
                       OneLine(delivery.last_error, 60)});
  }
  if (!deliveries.empty()) {
    out += "  deliveries:\n" + deliveries.ToString("    ");
  }

  TextTable lineage({"TIME", "EVENT", "NAME", "ATTEMPT", "DURATION", "OUTCOME", "DETAIL"});
  for (const store::LineageEvent& event : trace.events) {
    lineage.AddRow({ShortUtc(event.at), std::string(store::LineageKindName(event.kind)), event.name,
                    event.attempt > 0 ? std::to_string(event.attempt) : "",
                    event.duration.count() > 0 ? HumanDuration(event.duration) : "", event.outcome,
                    OneLine(event.detail, 70)});
  }
  out += "  lineage:\n" + lineage.ToString("    ");
  if (with_payload) {
    out += "  payload:\n" + ToJson(message.payload, JsonWriteOptions{.indent = 2}) + "\n";
  }
  return out;
}

int RunTrace(const TraceArgs& args) {
  Result<std::unique_ptr<store::Store>> opened = OpenOperatorStore(args.store);
  if (!opened.ok()) {
    return Fail(opened.status());
  }
  store::Store& store = **opened;

  // An id names one message; anything else is a business key (several messages, newest last).
  std::vector<MessageId> ids;
  Result<MessageId> id = MessageId::Parse(args.query);
  if (id.ok() && !id->is_nil()) {
    ids.push_back(*id);
  } else {
    Result<std::vector<MessageId>> found =
        store.FindByBusinessKey(args.query, args.flow, args.limit);
    if (!found.ok()) {
      return Fail(found.status());
    }
    ids = std::move(*found);
  }

  std::vector<store::MessageTrace> traces;
  for (const MessageId& message_id : ids) {
    Result<store::MessageTrace> trace = store.Trace(message_id);
    if (!trace.ok()) {
      return Fail(trace.status());
    }
    if (args.flow.empty() || trace->message.flow == args.flow) {
      traces.push_back(std::move(*trace));
    }
  }
  if (traces.empty()) {
    return Fail(NotFoundError("no message has this id or business key" +
                                  (args.flow.empty() ? std::string() : " in flow " + args.flow),
                              args.query));
  }

  std::string out;
  if (args.json) {
    Array items;
    for (const store::MessageTrace& trace : traces) {
      items.push_back(MessageTraceJson(trace));
    }
    out = ToJson(Value::MakeArray(std::move(items)), JsonWriteOptions{.indent = 2}) + "\n";
  } else {
    for (size_t i = 0; i < traces.size(); ++i) {
      out += (i > 0 ? "\n" : "") + RenderTrace(traces[i], args.payload);
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

void AddTraceCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TraceArgs>();
  CLI::App* cmd = app.add_subcommand(
      "trace",
      "Show a message's lineage: when it was received, each step, and each delivery attempt\n"
      "with its time, duration and outcome. Find it by message id, or by business key (the\n"
      "flow's key, e.g. an order id): then every message with that key is shown, oldest first.");
  cmd->add_option("ID_OR_KEY", args->query, "A message id or a business key")->required();
  AddStoreOptions(cmd, args->store);
  cmd->add_option("--flow", args->flow, "Only messages of this flow");
  cmd->add_option("--limit", args->limit, "For a key: at most this many of the newest messages")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--payload", args->payload, "Also print each message's payload as received");
  cmd->add_flag("--json", args->json, "Print a JSON array of traces");
  cmd->callback([args, &exit_code] { exit_code = RunTrace(*args); });
}

}  // namespace erphub::cli
