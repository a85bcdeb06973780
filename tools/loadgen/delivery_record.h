#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace erphub::loadgen {

// Follows erphub-receiver's NDJSON record while it grows and notes when each order was taken:
// the first answered-ok, non-duplicate request whose canonical body names the order
// ("external_id": "shopify:<order id>").
class DeliveryRecord {
 public:
  explicit DeliveryRecord(std::string path) : path_(std::move(path)) {}

  // Reads the lines added since the last call. Returns how many new deliveries it found.
  size_t Poll();

  // Order id -> the time it was taken, in Unix microseconds.
  const std::unordered_map<int64_t, int64_t>& delivered() const { return delivered_; }
  // Requests for an order that was already taken (answered as duplicates, or taken twice).
  uint64_t repeats() const { return repeats_; }

 private:
  std::string path_;
  uint64_t offset_ = 0;
  std::string partial_;
  std::unordered_map<int64_t, int64_t> delivered_;
  uint64_t repeats_ = 0;
};

}  // namespace erphub::loadgen
