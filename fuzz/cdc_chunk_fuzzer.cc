// A staged snapshot chunk read back from the store (postgres_cdc) must unpack or be refused with
// kParse, never crash or read out of bounds: the input is tried as the stored frame and, packed,
// as the chunk's text. What unpacks has rows without newlines, no more than the text has lines.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "components/inputs/cdc_chunk.h"

namespace {

void Check(const erphub::Result<erphub::components::cdc::Chunk>& chunk) {
  if (!chunk.ok()) {
    if (chunk.status().code() != erphub::StatusCode::kParse) {
      std::abort();
    }
    return;
  }
  for (size_t i = 0; i < chunk->rows(); ++i) {
    if (chunk->row(i).find('\n') != std::string_view::npos) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using erphub::components::cdc::Chunk;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Check(Chunk::Unpack(input));
  erphub::Result<Chunk> packed = Chunk::Unpack(erphub::components::cdc::PackChunk(input));
  Check(packed);
  if (packed.ok() &&
      packed->rows() > static_cast<size_t>(std::count(input.begin(), input.end(), '\n'))) {
    std::abort();
  }
  return 0;
}
