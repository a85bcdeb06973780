#include "store/sqlite/intake_record.h"

#include <cstring>

namespace erphub::store {
namespace {

constexpr uint8_t kVersion = 1;

void PutU32(std::string& out, uint32_t value) { out.append(reinterpret_cast<char*>(&value), 4); }
void PutI64(std::string& out, int64_t value) { out.append(reinterpret_cast<char*>(&value), 8); }
void PutText(std::string& out, std::string_view text) {
  PutU32(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

// Reads fields in order; any overrun marks the whole decode failed.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  bool at_end() const { return data_.empty(); }

  uint8_t Byte() {
    if (!Need(1)) return 0;
    uint8_t value = static_cast<uint8_t>(data_[0]);
    data_.remove_prefix(1);
    return value;
  }
  uint32_t U32() {
    uint32_t value = 0;
    if (Need(4)) std::memcpy(&value, data_.data(), 4), data_.remove_prefix(4);
    return value;
  }
  int64_t I64() {
    int64_t value = 0;
    if (Need(8)) std::memcpy(&value, data_.data(), 8), data_.remove_prefix(8);
    return value;
  }
  std::string Text() {
    const uint32_t size = U32();
    if (!Need(size)) return {};
    std::string text(data_.substr(0, size));
    data_.remove_prefix(size);
    return text;
  }

 private:
  bool Need(size_t n) {
    if (data_.size() < n) ok_ = false;
    return ok_;
  }
  std::string_view data_;
  bool ok_ = true;
};

}  // namespace

std::string EncodeIntakeRecord(const IntakeRecord& r) {
  std::string out;
  out.reserve(64 + r.id.size() + r.flow.size() + r.business_key.size() + r.event_id.size() +
              r.payload_json.size() + r.headers_json.size() + r.source.size());
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(r.kind));
  PutText(out, r.id);
  PutText(out, r.flow);
  PutText(out, r.business_key);
  PutText(out, r.event_id);
  PutText(out, r.payload_json);
  PutText(out, r.headers_json);
  PutI64(out, r.received_at_us);
  PutI64(out, r.accepted_at_us);
  PutU32(out, static_cast<uint32_t>(r.outputs.size()));
  for (const std::string& output : r.outputs) PutText(out, output);
  PutText(out, r.source);
  return out;
}

Result<IntakeRecord> DecodeIntakeRecord(std::string_view body) {
  Reader in(body);
  IntakeRecord r;
  const uint8_t version = in.Byte();
  const uint8_t kind = in.Byte();
  r.id = in.Text();
  r.flow = in.Text();
  r.business_key = in.Text();
  r.event_id = in.Text();
  r.payload_json = in.Text();
  r.headers_json = in.Text();
  r.received_at_us = in.I64();
  r.accepted_at_us = in.I64();
  const uint32_t outputs = in.U32();
  for (uint32_t i = 0; in.ok() && i < outputs; ++i) r.outputs.push_back(in.Text());
  r.source = in.Text();
  if (!in.ok() || !in.at_end() || version != kVersion ||
      (kind != static_cast<uint8_t>(IntakeRecord::Kind::kMessage) &&
       kind != static_cast<uint8_t>(IntakeRecord::Kind::kDuplicate))) {
    return Status(StatusCode::kDataLoss, "an intake log record is not in this build's format");
  }
  r.kind = static_cast<IntakeRecord::Kind>(kind);
  return r;
}

}  // namespace erphub::store
