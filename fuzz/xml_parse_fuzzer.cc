// XML bytes -> JSON must not crash; what parses must render (indented and not) and parse back
// to the same JSON.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "formats/xml/xml_document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  erphub::formats::xml::XmlOptions options;
  options.always_array = {"item", "a"};
  bool lenient = size > 0 && (data[size - 1] & 1) != 0;
  auto parsed = erphub::formats::xml::ParseXml(text, options, lenient);
  if (!parsed.ok()) {
    return 0;
  }
  for (int indent : {0, 2}) {
    options.indent = indent;
    auto rendered = erphub::formats::xml::RenderXml(*parsed, options);
    if (!rendered.ok()) {
      std::abort();
    }
    auto again = erphub::formats::xml::ParseXml(*rendered, options, lenient);
    if (!again.ok() || !erphub::DeepEqual(*again, *parsed)) {
      std::abort();
    }
  }
  return 0;
}
