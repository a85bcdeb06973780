// EDIFACT bytes -> JSON must not crash; what parses must render and parse back to the same JSON,
// and acknowledging any input must not crash either.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/value.h"
#include "formats/edifact/edifact.h"

namespace {

void CheckRoundTrip(const erphub::Value& document) {
  auto rendered = erphub::formats::edifact::Render(document, {});
  if (!rendered.ok()) {
    std::abort();  // whatever Parse produced, Render must be able to write
  }
  auto again = erphub::formats::edifact::Parse(*rendered, {});
  if (!again.ok() || !erphub::DeepEqual(document, *again)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto strict = erphub::formats::edifact::Parse(bytes, {.lenient = false});
  if (strict.ok()) {
    CheckRoundTrip(*strict);
  }
  auto lenient = erphub::formats::edifact::Parse(bytes, {.lenient = true});
  if (strict.ok() && !lenient.ok()) {
    std::abort();  // lenient accepts everything strict does
  }
  (void)erphub::formats::edifact::Acknowledge(bytes);
  return 0;
}
