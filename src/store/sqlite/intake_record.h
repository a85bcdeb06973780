#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace erphub::store {

// One acceptance as the intake log keeps it until the store's tables hold it: a new message, or
// a repeated provider event (recorded in the original message's lineage).
struct IntakeRecord {
  enum class Kind : uint8_t { kMessage = 1, kDuplicate = 2 };
  Kind kind = Kind::kMessage;
  // The message's id (text); for kDuplicate, the original's.
  std::string id;
  std::string flow;
  std::string business_key;
  std::string event_id;
  std::string payload_json;  // kMessage only
  std::string headers_json;  // kMessage only
  int64_t received_at_us = 0;
  int64_t accepted_at_us = 0;
  std::vector<std::string> outputs;  // kMessage only
  std::string source;
};

std::string EncodeIntakeRecord(const IntakeRecord& record);
// kDataLoss when the bytes are not a record this build wrote.
Result<IntakeRecord> DecodeIntakeRecord(std::string_view body);

}  // namespace erphub::store
