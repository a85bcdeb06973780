#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.h"
#include "core/result.h"
#include "core/value.h"
#include "store/store.h"

// How the stores (sqlite/, postgres/) write messages into columns and read them back: the same
// text in both, so that a message reads the same whichever store holds it. A stored value that
// does not read back is kDataLoss.
namespace erphub::store {

// Headers as a JSON array of [name, value] pairs (order and repeats kept).
std::string HeadersToJson(const Headers& headers);
Result<Headers> HeadersFromJson(std::string_view text);

// Store::RecordNode forgets nodes not seen for a day.
inline constexpr int64_t kForgetNodeAfterMicros = int64_t{24} * 3600 * 1'000'000;

// A payload as JSON text; undefined and functions are no payload.
Result<std::string> SerializePayload(const Value& payload);
// The JSON text an acceptance stores: its payload_json as it came, or its payload serialized.
Result<std::string> AcceptancePayloadJson(const Acceptance& item);
Result<Value> PayloadFromJson(std::string_view text);

Result<MessageId> IdFromText(std::string_view text);

// A claimed delivery's columns as a claim reads them inside its transaction (parsed after the
// commit, off the writer's time).
struct RawClaim {
  Lease lease;
  std::string output;
  std::optional<std::string> delivery_payload;  // nullopt: the delivery works on the message's
  int attempt = 0;                              // since the last replay
  Timestamp eligible_since;
  std::string last_error;
  std::string message_id;
  std::string flow;
  std::string business_key;
  std::string message_payload;  // read only for a delivery without a payload of its own
  std::string headers;
  Timestamp received_at;
};

// The delivery a claim hands out. The message's payload is parsed only when the delivery works
// on it: a follow-up carries its own (the steps' result), and the message's stays undefined.
Result<ClaimedDelivery> ClaimedFromRaw(RawClaim raw);
// The same for each of a claim's rows.
Result<std::vector<ClaimedDelivery>> ClaimsFromRaw(std::vector<RawClaim> raw);
// The deliveries a committed write (an acceptance, a completion) leased, for its caller. A row
// that cannot be read gives none rather than failing a write that stands: the leases expire,
// and the claim that takes the deliveries again reports why.
std::vector<ClaimedDelivery> LeasedByCommit(std::vector<RawClaim> raw);

// What Accept checks before it writes: a flow, an id, distinct output names.
Status ValidateAcceptance(const Acceptance& item);

// The lineage events that end one attempt of a delivery of `output` (attempt number `attempt`,
// claimed at `claimed_at`): the report's own events (timed `now` where they are not), then the
// attempt itself with `outcome` and the report's detail before `detail`.
std::vector<LineageEvent> AttemptLineage(const AttemptReport& report, std::string_view output,
                                         int attempt, Timestamp claimed_at,
                                         std::string_view outcome, std::string detail,
                                         Timestamp now);

// The detail of a retry's lineage event: the error and when the next attempt is due.
std::string RetryDetail(std::string_view error, Timestamp not_before);

// How a follow-up attempted before it was stored is written: the columns its attempt set, and
// the lineage events that record the attempt (attempt 1).
struct AttemptedColumns {
  // kDone, kDead, or kReady for a retry (which waits behind its lane's head, if it has one).
  DeliveryState state = DeliveryState::kDone;
  Timestamp not_before;  // a retry's; else now
  std::string last_error;
  std::string response_body;
  std::string failed_at;
  bool blocks_lane = false;
  bool finished = false;  // done or dead: finished_at is now
  std::vector<LineageEvent> lineage;
};
AttemptedColumns AttemptedColumnsOf(const FollowUpAttempt& attempt, std::string_view output,
                                    Timestamp now);

// The detail of the "duplicate" lineage event a repeated provider event gives its original.
std::string DuplicateEventDetail(std::string_view event_id, std::string_view source);

// The "received" event of a message, kept in its row (received_at, source) rather than as a
// lineage row of its own: put into `events` (oldest first) where its time belongs. Messages
// stored before schema version 4 have a NULL source and a lineage row instead.
void AddReceivedEvent(std::vector<LineageEvent>& events, Timestamp received_at, std::string source);

// The lane of a delivery (flow, output, business key) as one text key; empty for a message
// without a key, which is unordered.
std::string LaneOf(std::string_view flow, std::string_view output, std::string_view key);
// The business key a lane was made of (LaneOf's inverse); empty for an unordered delivery.
std::string_view KeyOfLane(std::string_view lane);

}  // namespace erphub::store
