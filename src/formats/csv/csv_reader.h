#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "formats/csv/csv_options.h"

namespace erphub::formats::csv {

// Splits CSV text into records, streaming: feed it chunks of any size, take records as they
// complete. It keeps only the unread tail of the input, so memory is bounded by the longest
// record plus one chunk, not by the file. Input in Latin-1 or Windows-1252 is converted to UTF-8;
// UTF-8 input is checked. Blank lines and comment lines are skipped. Not thread-safe.
//
//   CsvReader reader(options);
//   reader.Feed(chunk);            // repeat as input arrives, then reader.Finish()
//   while (true) {
//     auto step = reader.Next();   // kRecord: reader.fields() holds it
//     ...                          // kNeedMore: feed more; kEnd: done
//   }
class CsvReader {
 public:
  enum class Step { kRecord, kNeedMore, kEnd };

  explicit CsvReader(const CsvOptions& options);

  // Appends input bytes (in the declared encoding). Invalidates fields() and raw().
  void Feed(std::string_view chunk);
  // Marks the end of the input: the last record may lack its line ending.
  void Finish();

  // Reads the next record. A malformed record (unterminated quote, text after a closing quote,
  // invalid UTF-8, a record longer than max_row_bytes) is kParse naming its line and column; it is
  // consumed, raw() holds its text, and the caller may quarantine it and go on calling Next()
  // while can_continue() (only an over-long record ends the input).
  Result<Step> Next();

  // The fields of the record Next() returned; valid until the next Feed() or Next().
  const std::vector<std::string_view>& fields() const { return fields_; }
  // The record's text as read (UTF-8), including its line ending.
  std::string_view raw() const { return raw_; }
  // 1-based line on which the record starts.
  int64_t line() const { return record_line_; }
  // "line L, column C" of field `index` of the current record (columns count code points).
  std::string FieldPlace(size_t index) const;
  bool can_continue() const { return !fatal_; }

 private:
  enum class Scan { kDone, kNeedMore, kError };

  void Append(std::string_view bytes);
  void DetectBom();
  Scan ScanRecord(size_t start);
  Status ErrorAt(size_t start, size_t at, std::string message);
  // Line and column of byte `at`, counted from the record that starts at `start`.
  std::string PlaceOf(size_t start, size_t at) const;
  void SkipLine(size_t from);

  CsvOptions options_;
  Encoding encoding_;
  bool bom_checked_ = false;
  std::string head_;  // the first bytes, until the BOM check can run
  bool finished_ = false;
  bool fatal_ = false;
  bool special_[256] = {};
  bool check_utf8_ = true;

  std::string buffer_;  // decoded input not yet consumed, from pos_
  size_t pos_ = 0;
  int64_t line_ = 1;  // line of buffer_[pos_]

  // The current record.
  int64_t record_line_ = 1;
  std::string_view raw_;
  std::vector<std::string_view> fields_;
  std::vector<uint32_t> offsets_;  // start of each field, from the record's start
  // Where each field's bytes are during a scan: in buffer_ (from the record's start) or, for
  // fields with escapes, unescaped in scratch_.
  struct Span {
    uint32_t begin;
    uint32_t size;
    bool in_scratch;
  };
  std::vector<Span> spans_;
  std::string scratch_;
  Status error_;
};

}  // namespace erphub::formats::csv
