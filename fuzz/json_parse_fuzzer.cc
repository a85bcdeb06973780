// JSON text -> Value -> JSON text must not crash, and what parses must round-trip.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = erphub::ParseJson(text);
  if (parsed.ok()) {
    std::string written = erphub::ToJson(*parsed);
    auto again = erphub::ParseJson(written);
    if (!again.ok() || !erphub::DeepEqual(*parsed, *again)) {
      std::abort();
    }
  }
  return 0;
}
