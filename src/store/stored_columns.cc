#include "store/stored_columns.h"

#include <algorithm>
#include <set>

#include "core/json.h"

namespace erphub::store {

std::string HeadersToJson(const Headers& headers) {
  Value list = Value::MakeArray();
  for (const auto& [name, value] : headers) {
    list.push_back(Value::MakeArray({Value::Str(name), Value::Str(value)}));
  }
  return ToJson(list);
}

Result<Headers> HeadersFromJson(std::string_view text) {
  ERPHUB_ASSIGN_OR_RETURN(Value list, ParseJson(text));
  Headers headers;
  if (!list.is_array()) {
    return Status(StatusCode::kDataLoss, "stored headers are not a JSON array");
  }
  for (const Value& pair : list.as_array()) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return Status(StatusCode::kDataLoss, "stored header is not a [name, value] pair");
    }
    headers.emplace_back(std::string(pair[0].as_string()), std::string(pair[1].as_string()));
  }
  return headers;
}

Result<Value> PayloadFromJson(std::string_view text) {
  Result<Value> value = ParseJson(text);
  if (!value.ok()) {
    return Status(StatusCode::kDataLoss,
                  "stored payload is not valid JSON: " + value.status().ToString());
  }
  return value;
}

Result<MessageId> IdFromText(std::string_view text) {
  Result<MessageId> id = MessageId::Parse(text);
  if (!id.ok()) {
    return Status(StatusCode::kDataLoss, "stored message id is malformed: " + std::string(text));
  }
  return id;
}

Result<ClaimedDelivery> ClaimedFromRaw(RawClaim raw) {
  ClaimedDelivery d;
  d.lease = std::move(raw.lease);
  ERPHUB_ASSIGN_OR_RETURN(d.message.id, IdFromText(raw.message_id));
  d.message.flow = std::move(raw.flow);
  d.message.business_key = std::move(raw.business_key);
  ERPHUB_ASSIGN_OR_RETURN(d.message.headers, HeadersFromJson(raw.headers));
  d.message.received_at = raw.received_at;
  d.message.attempts = raw.attempt;
  d.output = std::move(raw.output);
  if (raw.delivery_payload) {
    ERPHUB_ASSIGN_OR_RETURN(d.payload, PayloadFromJson(*raw.delivery_payload));
  } else {
    ERPHUB_ASSIGN_OR_RETURN(d.message.payload, PayloadFromJson(raw.message_payload));
    d.payload = d.message.payload;
  }
  d.idempotency_key = IdempotencyKey(d.message.flow, d.message.id, d.output);
  d.attempt = raw.attempt;
  d.eligible_since = raw.eligible_since;
  d.last_error = std::move(raw.last_error);
  return d;
}

Result<std::vector<ClaimedDelivery>> ClaimsFromRaw(std::vector<RawClaim> raw) {
  std::vector<ClaimedDelivery> claims;
  claims.reserve(raw.size());
  for (RawClaim& c : raw) {
    ERPHUB_ASSIGN_OR_RETURN(ClaimedDelivery d, ClaimedFromRaw(std::move(c)));
    claims.push_back(std::move(d));
  }
  return claims;
}

std::vector<ClaimedDelivery> LeasedByCommit(std::vector<RawClaim> raw) {
  Result<std::vector<ClaimedDelivery>> claims = ClaimsFromRaw(std::move(raw));
  return claims.ok() ? std::move(claims).value() : std::vector<ClaimedDelivery>();
}

Result<std::string> SerializePayload(const Value& payload) {
  if (payload.is_undefined() || payload.is_function()) {
    return InvalidArgumentError("a payload must be a JSON value");
  }
  return ToJson(payload);
}

Result<std::string> AcceptancePayloadJson(const Acceptance& item) {
  if (!item.payload_json.empty()) {
    return item.payload_json;
  }
  return SerializePayload(item.message.payload);
}

Status ValidateAcceptance(const Acceptance& item) {
  const Message& m = item.message;
  if (m.flow.empty()) {
    return InvalidArgumentError("a message needs a flow");
  }
  if (m.id.is_nil()) {
    return InvalidArgumentError("a message needs an id", m.flow);
  }
  std::set<std::string_view> seen;
  for (const std::string& output : item.outputs) {
    if (output.empty() || !seen.insert(output).second) {
      return InvalidArgumentError("output names must be distinct and non-empty", m.flow);
    }
  }
  return Status::Ok();
}

std::string DuplicateEventDetail(std::string_view event_id, std::string_view source) {
  return "event " + std::string(event_id) + (source.empty() ? "" : " from " + std::string(source));
}

// The unit separator cannot clash with ordinary names.
std::string LaneOf(std::string_view flow, std::string_view output, std::string_view key) {
  if (key.empty()) {
    return {};
  }
  std::string lane(flow);
  lane += '\x1f';
  lane += output;
  lane += '\x1f';
  lane += key;
  return lane;
}

std::string_view KeyOfLane(std::string_view lane) {
  // Flow and output names hold no unit separator; the key may.
  const size_t first = lane.find('\x1f');
  const size_t second = first == std::string_view::npos ? first : lane.find('\x1f', first + 1);
  return second == std::string_view::npos ? std::string_view() : lane.substr(second + 1);
}

std::vector<LineageEvent> AttemptLineage(const AttemptReport& report, std::string_view output,
                                         int attempt, Timestamp claimed_at,
                                         std::string_view outcome, std::string detail,
                                         Timestamp now) {
  std::vector<LineageEvent> events;
  for (const LineageEvent& event : report.events) {
    LineageEvent e = event;
    if (e.at == Timestamp()) {
      e.at = now;
    }
    if (e.kind == LineageKind::kAttempt && e.attempt == 0) {
      e.attempt = attempt;
    }
    events.push_back(std::move(e));
  }
  LineageEvent ended;
  ended.kind = LineageKind::kAttempt;
  ended.at = report.started_at != Timestamp() ? report.started_at : claimed_at;
  ended.name = std::string(output);
  ended.attempt = attempt;
  ended.duration = report.duration.count() > 0
                       ? report.duration
                       : std::chrono::duration_cast<std::chrono::microseconds>(now - ended.at);
  ended.outcome = std::string(outcome);
  if (!report.detail.empty()) {
    detail = detail.empty() ? report.detail : report.detail + ": " + detail;
  }
  ended.detail = std::move(detail);
  events.push_back(std::move(ended));
  return events;
}

std::string RetryDetail(std::string_view error, Timestamp not_before) {
  return std::string(error) + " (next attempt at " + FormatUtc(not_before) + ")";
}

AttemptedColumns AttemptedColumnsOf(const FollowUpAttempt& attempt, std::string_view output,
                                    Timestamp now) {
  AttemptedColumns c;
  c.not_before = now;
  std::string outcome;
  std::string detail;
  switch (attempt.result) {
    case FollowUpAttempt::Result::kDone:
      c.state = DeliveryState::kDone;
      c.finished = true;
      outcome = "done";
      break;
    case FollowUpAttempt::Result::kRetry:
      c.state = DeliveryState::kReady;
      c.not_before = attempt.not_before;
      c.last_error = attempt.error;
      outcome = "retry";
      detail = RetryDetail(attempt.error, attempt.not_before);
      break;
    case FollowUpAttempt::Result::kDead:
      c.state = DeliveryState::kDead;
      c.finished = true;
      c.last_error = attempt.dead.error;
      c.response_body = attempt.dead.response_body;
      c.failed_at = attempt.dead.failed_at.empty() ? std::string(output) : attempt.dead.failed_at;
      c.blocks_lane = attempt.dead.on_dead_letter == OnDeadLetter::kBlockKey;
      outcome = "dead";
      detail = attempt.dead.error;
      break;
  }
  c.lineage = AttemptLineage(attempt.report, output, 1, attempt.report.started_at, outcome,
                             std::move(detail), now);
  return c;
}

void AddReceivedEvent(std::vector<LineageEvent>& events, Timestamp received_at,
                      std::string source) {
  auto at = std::find_if(events.begin(), events.end(),
                         [&](const LineageEvent& e) { return e.at >= received_at; });
  events.insert(at, LineageEvent{LineageKind::kReceived, received_at, "", 0,
                                 std::chrono::microseconds(0), "", std::move(source)});
}

}  // namespace erphub::store
