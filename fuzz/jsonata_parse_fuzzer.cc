// Any text given to the JSONata compiler yields an expression or an error, never a crash.
#include <cstdint>
#include <string_view>

#include "mapping/jsonata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto expression = erphub::jsonata::Expression::Compile(text);
  (void)expression;
  return 0;
}
