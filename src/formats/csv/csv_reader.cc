#include "formats/csv/csv_reader.h"

#include <algorithm>
#include <cstring>

#include "core/json.h"
#include "formats/csv/csv_encoding.h"

namespace erphub::formats::csv {
namespace {

constexpr size_t kLargestRecord = (size_t{1} << 31) - 1;  // spans hold 32-bit offsets

}  // namespace

CsvReader::CsvReader(const CsvOptions& options) : options_(options), encoding_(options.encoding) {
  options_.max_row_bytes = std::min(options_.max_row_bytes, kLargestRecord);
  if (options_.escape == '\0') {
    options_.escape = options_.quote;
  }
  special_[static_cast<unsigned char>(options_.delimiter)] = true;
  special_[static_cast<unsigned char>('\n')] = true;
  special_[static_cast<unsigned char>('\r')] = true;
  if (options_.escape != options_.quote) {
    special_[static_cast<unsigned char>(options_.escape)] = true;
  }
}

void CsvReader::Feed(std::string_view chunk) {
  if (!bom_checked_) {
    head_.append(chunk);
    if (head_.size() >= 3) {
      DetectBom();
    }
    return;
  }
  Append(chunk);
}

void CsvReader::Finish() {
  if (!bom_checked_) {
    DetectBom();
  }
  finished_ = true;
}

void CsvReader::DetectBom() {
  bom_checked_ = true;
  std::string head = std::move(head_);
  head_.clear();
  std::string_view bytes = head;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    encoding_ = Encoding::kUtf8;
    bytes.remove_prefix(3);
  }
  check_utf8_ = encoding_ == Encoding::kUtf8;
  Append(bytes);
}

void CsvReader::Append(std::string_view bytes) {
  // Keep only the unread tail: memory stays bounded by the longest record.
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  AppendAsUtf8(buffer_, bytes, encoding_);
}

std::string CsvReader::PlaceOf(size_t start, size_t at) const {
  int64_t line = record_line_;
  size_t line_start = start;
  for (size_t i = start; i < at && i < buffer_.size(); ++i) {
    if (buffer_[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  int64_t column = 1;
  for (size_t i = line_start; i < at && i < buffer_.size(); ++i) {
    if ((static_cast<unsigned char>(buffer_[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string CsvReader::FieldPlace(size_t index) const {
  if (index >= offsets_.size()) {
    return "line " + std::to_string(record_line_);
  }
  size_t start = static_cast<size_t>(raw_.data() - buffer_.data());
  return PlaceOf(start, start + offsets_[index]);
}

Status CsvReader::ErrorAt(size_t start, size_t at, std::string message) {
  return ParseError(std::move(message), PlaceOf(start, at));
}

// Ends a malformed record at the next line break, so that reading can go on after it.
void CsvReader::SkipLine(size_t from) {
  size_t end = buffer_.find('\n', from);
  end = end == std::string::npos ? buffer_.size() : end + 1;
  for (size_t i = pos_; i < end; ++i) {
    if (buffer_[i] == '\n') {
      ++line_;
    }
  }
  raw_ = std::string_view(buffer_).substr(pos_, end - pos_);
  pos_ = end;
}

Result<CsvReader::Step> CsvReader::Next() {
  fields_.clear();
  raw_ = {};
  while (true) {
    if (fatal_) {
      return Step::kEnd;
    }
    const size_t n = buffer_.size();
    const char* b = buffer_.data();
    if (pos_ == n) {
      return finished_ && bom_checked_ ? Step::kEnd : Step::kNeedMore;
    }
    char c = b[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
      continue;
    }
    if (c == '\r') {
      if (pos_ + 1 == n && !finished_) {
        return Step::kNeedMore;
      }
      pos_ += (pos_ + 1 < n && b[pos_ + 1] == '\n') ? 2 : 1;
      ++line_;
      continue;
    }
    if (options_.comment != '\0' && c == options_.comment) {
      size_t end = buffer_.find('\n', pos_);
      if (end == std::string::npos) {
        if (!finished_) {
          return Step::kNeedMore;
        }
        pos_ = n;
        continue;
      }
      pos_ = end + 1;
      ++line_;
      continue;
    }
    record_line_ = line_;
    switch (ScanRecord(pos_)) {
      case Scan::kDone:
        return Step::kRecord;
      case Scan::kNeedMore:
        if (n - pos_ > options_.max_row_bytes) {
          fatal_ = true;
          raw_ = std::string_view(buffer_).substr(pos_);
          return ParseError("record longer than " + std::to_string(options_.max_row_bytes) +
                                " bytes (unterminated quote?)",
                            "line " + std::to_string(record_line_));
        }
        return Step::kNeedMore;
      case Scan::kError:
        return std::move(error_);
    }
  }
}

CsvReader::Scan CsvReader::ScanRecord(const size_t start) {
  const char* b = buffer_.data();
  const size_t n = buffer_.size();
  const char quote = options_.quote;
  const char escape = options_.escape;
  const char delimiter = options_.delimiter;
  const bool distinct_escape = escape != quote;
  const bool trim = options_.trim;
  const bool quoting = quote != '\0';
  // Trimming removes spaces and tabs, unless the tab is the delimiter.
  auto is_blank = [delimiter](char c) { return (c == ' ' || c == '\t') && c != delimiter; };
  spans_.clear();
  offsets_.clear();
  scratch_.clear();
  int64_t newlines = 0;
  size_t i = start;
  while (true) {
    offsets_.push_back(static_cast<uint32_t>(i - start));
    if (trim) {
      while (i < n && is_blank(b[i])) {
        ++i;
      }
    }
    if (quoting && i < n && b[i] == quote) {
      const size_t open = i;
      ++i;
      size_t segment = i;
      bool copied = false;
      const auto scratch_begin = static_cast<uint32_t>(scratch_.size());
      while (true) {
        // Inside quotes only the quote, the escape and line breaks (for counting) matter.
        while (i < n && b[i] != quote && b[i] != '\n' && !(distinct_escape && b[i] == escape)) {
          ++i;
        }
        if (i == n) {
          if (!finished_) {
            return Scan::kNeedMore;
          }
          error_ = ErrorAt(start, open, "unterminated quoted field");
          raw_ = std::string_view(buffer_).substr(start);
          pos_ = n;
          line_ += newlines;
          return Scan::kError;
        }
        if (b[i] == '\n') {
          ++newlines;
          ++i;
          continue;
        }
        if (distinct_escape && b[i] == escape) {
          if (i + 1 == n) {
            if (!finished_) {
              return Scan::kNeedMore;
            }
            ++i;
            continue;  // a trailing escape: the quote is unterminated, reported above
          }
          scratch_.append(b + segment, i - segment);
          scratch_.push_back(b[i + 1]);
          if (b[i + 1] == '\n') {
            ++newlines;
          }
          i += 2;
          segment = i;
          copied = true;
          continue;
        }
        // A quote: doubled (an escaped quote) or closing.
        if (i + 1 == n && !finished_) {
          return Scan::kNeedMore;
        }
        if (!distinct_escape && i + 1 < n && b[i + 1] == quote) {
          scratch_.append(b + segment, i + 1 - segment);
          i += 2;
          segment = i;
          copied = true;
          continue;
        }
        break;
      }
      if (copied) {
        scratch_.append(b + segment, i - segment);
        spans_.push_back(
            {scratch_begin, static_cast<uint32_t>(scratch_.size() - scratch_begin), true});
      } else {
        spans_.push_back(
            {static_cast<uint32_t>(segment - start), static_cast<uint32_t>(i - segment), false});
      }
      ++i;  // the closing quote
      if (trim) {
        while (i < n && is_blank(b[i])) {
          ++i;
        }
      }
      if (i < n && b[i] != delimiter && b[i] != '\n' && b[i] != '\r') {
        // The bad record ends at the line break: wait for it, so that chunking does not matter.
        if (!finished_ && buffer_.find('\n', i) == std::string::npos) {
          return Scan::kNeedMore;
        }
        error_ = ErrorAt(start, i, "unexpected character after a closing quote");
        SkipLine(i);
        return Scan::kError;
      }
      if (i == n && !finished_) {
        return Scan::kNeedMore;
      }
    } else {
      size_t field_begin = i;
      bool copied = false;
      const auto scratch_begin = static_cast<uint32_t>(scratch_.size());
      size_t segment = i;
      while (true) {
        while (i < n && !special_[static_cast<unsigned char>(b[i])]) {
          ++i;
        }
        if (i < n && distinct_escape && b[i] == escape) {
          if (i + 1 == n) {
            if (!finished_) {
              return Scan::kNeedMore;
            }
            ++i;
            break;
          }
          scratch_.append(b + segment, i - segment);
          scratch_.push_back(b[i + 1]);
          if (b[i + 1] == '\n') {
            ++newlines;
          }
          i += 2;
          segment = i;
          copied = true;
          continue;
        }
        break;
      }
      if (i == n && !finished_) {
        return Scan::kNeedMore;
      }
      size_t field_end = i;
      if (copied) {
        scratch_.append(b + segment, field_end - segment);
        size_t size = scratch_.size() - scratch_begin;
        if (trim) {
          while (size > 0 && is_blank(scratch_[scratch_begin + size - 1])) {
            --size;
          }
        }
        spans_.push_back({scratch_begin, static_cast<uint32_t>(size), true});
      } else {
        if (trim) {
          while (field_end > field_begin && is_blank(b[field_end - 1])) {
            --field_end;
          }
        }
        spans_.push_back({static_cast<uint32_t>(field_begin - start),
                          static_cast<uint32_t>(field_end - field_begin), false});
      }
    }
    // After a field: a delimiter, a line break, or the end of the input.
    if (i < n && b[i] == delimiter) {
      ++i;
      continue;
    }
    if (i < n && b[i] == '\n') {
      ++i;
      ++newlines;
    } else if (i < n && b[i] == '\r') {
      if (i + 1 == n && !finished_) {
        return Scan::kNeedMore;
      }
      i += (i + 1 < n && b[i + 1] == '\n') ? 2 : 1;
      ++newlines;
    }
    break;
  }
  if (i - start > options_.max_row_bytes) {
    fatal_ = true;
    error_ = ParseError("record longer than " + std::to_string(options_.max_row_bytes) + " bytes",
                        "line " + std::to_string(record_line_));
    raw_ = std::string_view(buffer_).substr(start, i - start);
    pos_ = i;
    return Scan::kError;
  }
  raw_ = std::string_view(buffer_).substr(start, i - start);
  if (check_utf8_) {
    size_t bad = InvalidUtf8Offset(raw_);
    if (bad != std::string_view::npos) {
      error_ = ErrorAt(start, start + bad, "invalid UTF-8 (is the file's encoding declared?)");
      pos_ = i;
      line_ += newlines;
      return Scan::kError;
    }
  }
  pos_ = i;
  line_ += newlines;
  fields_.reserve(spans_.size());
  for (const Span& span : spans_) {
    const char* base = span.in_scratch ? scratch_.data() : b + start;
    fields_.emplace_back(base + span.begin, span.size);
  }
  return Scan::kDone;
}

}  // namespace erphub::formats::csv
