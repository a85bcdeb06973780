#include "api/store_json.h"

#include <string>

#include "core/clock.h"

namespace erphub::api {
namespace {

Value Time(Timestamp t) { return Value::Str(FormatUtc(t)); }

Value OptionalTime(const std::optional<Timestamp>& t) {
  return t.has_value() ? Time(*t) : Value::Null();
}

Value TextOrNull(const std::string& text) {
  return text.empty() ? Value::Null() : Value::Str(text);
}

Value MessageJson(const Message& message) {
  Object out;
  out.Append("id", Value::Str(message.id.ToString()));
  out.Append("flow", Value::Str(message.flow));
  out.Append("key", TextOrNull(message.business_key));
  out.Append("received_at", Time(message.received_at));
  out.Append("headers", HeadersJson(message.headers));
  out.Append("payload", message.payload);
  return Value::MakeObject(std::move(out));
}

}  // namespace

Value HeadersJson(const Headers& headers) {
  Object out;
  for (const auto& [name, value] : headers) {
    if (Value* existing = out.FindMutable(name)) {
      *existing = Value::Str(std::string(existing->as_string()) + ", " + value);
    } else {
      out.Append(name, Value::Str(value));
    }
  }
  return Value::MakeObject(std::move(out));
}

Value LineageEventJson(const store::LineageEvent& event) {
  Object out;
  out.Append("event", Value::Str(store::LineageKindName(event.kind)));
  out.Append("at", Time(event.at));
  out.Append("name", TextOrNull(event.name));
  out.Append("attempt", event.attempt > 0 ? Value::Int(event.attempt) : Value::Null());
  out.Append("duration_us", Value::Int(event.duration.count()));
  out.Append("outcome", TextOrNull(event.outcome));
  out.Append("detail", TextOrNull(event.detail));
  return Value::MakeObject(std::move(out));
}

Value DeadLetterEntryJson(const store::DeadLetterEntry& entry) {
  Object out;
  out.Append("id", Value::Int(entry.id));
  out.Append("message_id", Value::Str(entry.message_id.ToString()));
  out.Append("flow", Value::Str(entry.flow));
  out.Append("key", TextOrNull(entry.business_key));
  out.Append("output", Value::Str(entry.output));
  out.Append("failed_at", TextOrNull(entry.failed_at));
  out.Append("error", Value::Str(entry.error));
  out.Append("response_body", TextOrNull(entry.response_body));
  out.Append("attempts", Value::Int(entry.attempts));
  out.Append("dead_at", Time(entry.dead_at));
  out.Append("blocks_key", Value::Bool(entry.blocks_key));
  return Value::MakeObject(std::move(out));
}

Value DeadLetterDetailJson(const store::DeadLetterDetail& detail) {
  Value out = DeadLetterEntryJson(detail.entry);
  out.Set("message", MessageJson(detail.message));
  out.Set("payload", detail.payload);
  Array attempts;
  for (const store::LineageEvent& event : detail.attempts) {
    attempts.push_back(LineageEventJson(event));
  }
  out.Set("attempt_history", Value::MakeArray(std::move(attempts)));
  return out;
}

Value MessageTraceJson(const store::MessageTrace& trace) {
  Object out;
  out.Append("message", MessageJson(trace.message));
  out.Append("event_id", TextOrNull(trace.event_id));
  out.Append("accepted_at", Time(trace.accepted_at));
  Array deliveries;
  for (const store::DeliveryInfo& delivery : trace.deliveries) {
    Object d;
    d.Append("id", Value::Int(delivery.id));
    d.Append("output", Value::Str(delivery.output));
    d.Append("state", Value::Str(store::DeliveryStateName(delivery.state)));
    d.Append("attempts", Value::Int(delivery.attempts));
    d.Append("not_before", Time(delivery.not_before));
    d.Append("last_error", TextOrNull(delivery.last_error));
    d.Append("lease_owner", TextOrNull(delivery.lease_owner));
    d.Append("lease_expires_at", OptionalTime(delivery.lease_expires_at));
    d.Append("finished_at", OptionalTime(delivery.finished_at));
    deliveries.push_back(Value::MakeObject(std::move(d)));
  }
  out.Append("deliveries", Value::MakeArray(std::move(deliveries)));
  Array events;
  for (const store::LineageEvent& event : trace.events) {
    events.push_back(LineageEventJson(event));
  }
  out.Append("lineage", Value::MakeArray(std::move(events)));
  return Value::MakeObject(std::move(out));
}

}  // namespace erphub::api
