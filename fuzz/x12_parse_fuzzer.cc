// X12 bytes -> JSON must not crash in either mode; what parses strictly must render and parse
// back to the same JSON; reading in small chunks must give the same JSON as reading at once;
// acknowledging must not crash.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json.h"
#include "formats/x12/x12.h"

namespace x12 = erphub::formats::x12;

namespace {

std::string Streamed(std::string_view text, const x12::ParseOptions& options, size_t chunk,
                     bool& ok) {
  std::string out;
  x12::JsonStream stream(options, [&out](std::string_view piece) {
    out.append(piece);
    return erphub::Status::Ok();
  });
  ok = true;
  for (size_t at = 0; at < text.size() && ok; at += chunk) {
    ok = stream.Feed(text.substr(at, chunk)).ok();
  }
  ok = ok && stream.Finish().ok();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool lenient : {false, true}) {
    x12::ParseOptions options;
    options.lenient = lenient;
    auto parsed = x12::Parse(text, options);
    bool streamed_ok = false;
    std::string streamed = Streamed(text, options, 7, streamed_ok);
    if (streamed_ok != parsed.ok()) {
      std::abort();
    }
    if (!parsed.ok()) {
      continue;
    }
    std::string json = erphub::ToJson(*parsed);
    if (streamed != json) {
      std::abort();
    }
    auto rendered = x12::Render(*parsed, x12::RenderOptions{});
    if (lenient) {
      continue;
    }
    if (!rendered.ok()) {
      std::abort();
    }
    auto again = x12::Parse(*rendered, options);
    if (!again.ok() || erphub::ToJson(*again) != json) {
      std::abort();
    }
  }
  auto ack = x12::Acknowledge(text);
  (void)ack;
  return 0;
}
