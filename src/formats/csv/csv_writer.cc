#include "formats/csv/csv_writer.h"

namespace erphub::formats::csv {

CsvWriter::CsvWriter(const CsvOptions& options) : options_(options) {
  if (options_.escape == '\0') {
    options_.escape = options_.quote;
  }
  if (options_.quote == '\0') {
    options_.quote = '"';  // a field that must be quoted still needs a quote to be read back
    options_.escape = options_.escape == '\0' ? '"' : options_.escape;
  }
  for (char c : {options_.delimiter, options_.quote, options_.escape, '\n', '\r'}) {
    special_[static_cast<unsigned char>(c)] = true;
  }
}

bool CsvWriter::NeedsQuotes(std::string_view field, bool first, bool only) const {
  if (field.empty()) {
    return only;  // an empty line would be skipped as blank
  }
  if (first && options_.comment != '\0' && field.front() == options_.comment) {
    return true;
  }
  // At the start of a file, a leading U+FEFF would be read as a byte order mark.
  if (first && field.substr(0, 3) == "\xEF\xBB\xBF") {
    return true;
  }
  auto blank = [this](char c) { return (c == ' ' || c == '\t') && c != options_.delimiter; };
  if (options_.trim && (blank(field.front()) || blank(field.back()))) {
    return true;
  }
  for (char c : field) {
    if (special_[static_cast<unsigned char>(c)]) {
      return true;
    }
  }
  return false;
}

void CsvWriter::AppendQuoted(std::string_view field, std::string& out) const {
  out.push_back(options_.quote);
  for (char c : field) {
    if (c == options_.quote || (c == options_.escape && options_.escape != options_.quote)) {
      out.push_back(options_.escape);
    }
    out.push_back(c);
  }
  out.push_back(options_.quote);
}

void CsvWriter::AppendRecord(std::span<const std::string_view> fields, std::string& out) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      out.push_back(options_.delimiter);
    }
    if (NeedsQuotes(fields[i], i == 0, fields.size() == 1)) {
      AppendQuoted(fields[i], out);
    } else {
      out.append(fields[i]);
    }
  }
  out.append(options_.crlf ? "\r\n" : "\n");
}

}  // namespace erphub::formats::csv
