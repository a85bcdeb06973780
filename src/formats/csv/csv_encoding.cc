#include "formats/csv/csv_encoding.h"

#include <cstdint>

#include "core/utf8.h"

namespace erphub::formats::csv {
namespace {

// Windows-1252 bytes 0x80..0x9F; the rest of the range 0xA0..0xFF equals Latin-1.
constexpr uint16_t kWindows1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

}  // namespace

void AppendAsUtf8(std::string& out, std::string_view bytes, Encoding encoding) {
  if (encoding == Encoding::kUtf8) {
    out.append(bytes);
    return;
  }
  out.reserve(out.size() + bytes.size() + bytes.size() / 8);
  size_t run = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte < 0x80) {
      continue;
    }
    out.append(bytes.data() + run, i - run);
    run = i + 1;
    uint32_t cp = byte;
    if (encoding == Encoding::kWindows1252 && byte < 0xA0) {
      cp = kWindows1252High[byte - 0x80];
    }
    AppendUtf8(out, cp);
  }
  out.append(bytes.data() + run, bytes.size() - run);
}

}  // namespace erphub::formats::csv
