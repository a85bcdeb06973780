// Bytes of a logical replication stream (a CopyData frame, then a pgoutput message) must decode
// or be refused with an error, never crash or read out of bounds.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "db/pgoutput.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto frame = erphub::db::pgoutput::DecodeFrame(bytes);
  if (frame.ok() && std::holds_alternative<erphub::db::pgoutput::XLogData>(*frame)) {
    (void)erphub::db::pgoutput::DecodeMessage(
        std::get<erphub::db::pgoutput::XLogData>(*frame).data);
  }
  auto message = erphub::db::pgoutput::DecodeMessage(bytes);
  if (!message.ok() && message.status().code() != erphub::StatusCode::kParse) {
    std::abort();
  }
  return 0;
}
