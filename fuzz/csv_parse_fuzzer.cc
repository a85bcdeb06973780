// CSV bytes -> JSON must not crash in any dialect; chunked streaming must write what the
// whole-document parse returns; and what parses (strictly) must render and parse back the same.
// Inputs (and the seeds in tests/data/formats/csv/, written for these tests) start with two bytes
// that choose the dialect, encoding, bad-row policy and chunk size; the CSV text follows.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json.h"
#include "formats/csv/csv_document.h"

namespace {

using erphub::formats::csv::CsvOptions;

// The first two bytes choose the dialect and the chunk size.
CsvOptions DialectFrom(uint8_t a) {
  CsvOptions options;
  constexpr char kDelimiters[] = {',', ';', '\t', '|'};
  options.delimiter = kDelimiters[a & 3];
  options.quote = (a & 4) ? '\'' : '"';
  options.escape = (a & 8) ? '\\' : options.quote;
  options.header = (a & 16) == 0;
  options.trim = (a & 32) != 0;
  options.comment = (a & 64) ? '#' : '\0';
  options.strict = (a & 128) == 0;
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  CsvOptions options = DialectFrom(data[0]);
  uint8_t b = data[1];
  options.encoding = static_cast<erphub::formats::csv::Encoding>(b % 3);
  options.on_bad_row = (b & 4) ? erphub::formats::csv::OnBadRow::kQuarantine
                               : erphub::formats::csv::OnBadRow::kFailFile;
  size_t chunk = 1 + (b >> 3);
  std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);

  auto parsed = erphub::formats::csv::ParseCsv(text, options);

  size_t fed = 0;
  std::string streamed;
  auto read = [&]() -> erphub::Result<std::string_view> {
    size_t n = std::min(chunk, text.size() - fed);
    std::string_view piece = text.substr(fed, n);
    fed += n;
    return piece;
  };
  erphub::Status status = erphub::formats::csv::StreamCsvToJson(
      options, read, [&](std::string_view piece) { streamed.append(piece); });
  if (status.ok() != parsed.ok()) {
    std::abort();
  }
  if (!parsed.ok()) {
    return 0;
  }
  auto again = erphub::ParseJson(streamed);
  if (!again.ok() || !erphub::DeepEqual(*again, *parsed)) {
    std::abort();
  }

  // Round trip (ragged rows lose their missing fields, so only strict documents).
  if (options.strict) {
    CsvOptions utf8 = options;
    utf8.encoding = erphub::formats::csv::Encoding::kUtf8;
    auto rendered = erphub::formats::csv::RenderCsv(*parsed, utf8);
    if (!rendered.ok()) {
      std::abort();
    }
    auto reparsed = erphub::formats::csv::ParseCsv(*rendered, utf8);
    if (!reparsed.ok() || !erphub::DeepEqual(*reparsed, *parsed)) {
      std::abort();
    }
  }
  return 0;
}
