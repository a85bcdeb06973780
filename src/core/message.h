#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "core/value.h"

namespace erphub {

// A message's identity: a UUIDv7 (RFC 9562), whose first 48 bits are the Unix time in
// milliseconds, so ids sort by creation time (as bytes and as text). The nil id (all zero) means
// "no id".
class MessageId {
 public:
  MessageId() = default;
  explicit MessageId(const std::array<uint8_t, 16>& bytes) : bytes_(bytes) {}

  // Parses the canonical text form (8-4-4-4-12 hex digits, either case). kParse otherwise.
  static Result<MessageId> Parse(std::string_view text);

  // Lowercase canonical text form, e.g. "018f3a6b-7c1d-7e2f-8a3b-4c5d6e7f8091".
  std::string ToString() const;

  bool is_nil() const;
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  // The creation time encoded in the id (millisecond resolution).
  Timestamp timestamp() const;

  friend auto operator<=>(const MessageId&, const MessageId&) = default;

 private:
  std::array<uint8_t, 16> bytes_{};
};

// Makes UUIDv7 ids from an injected clock and randomness. Ids from one generator strictly
// increase, also within one millisecond and when the clock steps back (RFC 9562 method 1: a
// 42-bit counter seeded randomly each millisecond; the other 32 bits are random per id).
// Thread-safe.
class MessageIdGenerator {
 public:
  MessageIdGenerator(const Clock& clock, RandomSource& random) : clock_(clock), random_(random) {}
  MessageIdGenerator(const MessageIdGenerator&) = delete;
  MessageIdGenerator& operator=(const MessageIdGenerator&) = delete;

  MessageId Next();

 private:
  const Clock& clock_;
  RandomSource& random_;
  std::mutex mu_;
  int64_t last_ms_ = -1;
  uint64_t counter_ = 0;
};

// Header names and values as received, in order; names compare case-insensitively.
using Headers = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `name` (ASCII case-insensitive), or nullptr.
const std::string* FindHeader(const Headers& headers, std::string_view name);

// One business change in flight.
struct Message {
  MessageId id;
  // The flow that accepted it.
  std::string flow;
  // Orders messages: those with the same flow and key are delivered in acceptance order. Empty
  // means unordered.
  std::string business_key;
  Value payload;
  Headers headers;
  // When the input received it, in UTC.
  Timestamp received_at;
  // Delivery attempts started so far for the delivery being worked, including the current one.
  int attempts = 0;
};

// The idempotency key every attempt of one delivery carries: stable for (flow, message id, output),
// different for any other triple. Text of letters, digits and '-' (53 characters), safe in HTTP
// headers and external-id fields.
std::string IdempotencyKey(std::string_view flow, const MessageId& id, std::string_view output);

}  // namespace erphub

template <>
struct std::hash<erphub::MessageId> {
  size_t operator()(const erphub::MessageId& id) const noexcept {
    uint64_t h = 0;
    for (uint8_t b : id.bytes()) {
      h = h * 1099511628211ULL ^ b;
    }
    return static_cast<size_t>(h);
  }
};
