#pragma once

#include <string>
#include <vector>

namespace erphub::formats::csv {

// The character encodings a CSV file may be in; everything is converted to UTF-8 on reading.
// A UTF-8 byte order mark at the start of the file wins over the declared encoding.
enum class Encoding { kUtf8, kLatin1, kWindows1252 };

// What a typed column holds. Empty fields of typed columns read as null.
enum class ColumnType { kString, kDecimal, kInteger, kDate, kBoolean };

// One declared column: matched by header name, or by position when the file has no header.
struct Column {
  std::string name;
  ColumnType type = ColumnType::kString;
  // For kDate: strftime-style pattern of %Y %m %d %H %M %S and literal characters.
  std::string date_format = "%Y-%m-%d";
};

// What happens to a row that cannot be read (unterminated quote, ragged row when strict, a value
// that does not fit its column's type).
enum class OnBadRow { kFailFile, kQuarantine };

// The CSV dialect and schema. The defaults read RFC 4180 files with a header row.
struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  // Escapes the next character. Equal to `quote`, it means RFC 4180's doubled quote ("").
  char escape = '"';
  // The first record names the columns (JSON rows are objects keyed by it); otherwise rows are
  // arrays.
  bool header = true;
  // Lines starting with this character are skipped; '\0' disables comments.
  char comment = '\0';
  // Removes spaces and tabs around unquoted fields and around quotes.
  bool trim = false;
  Encoding encoding = Encoding::kUtf8;
  // A row with more or fewer fields than the header (or the first row) is an error. When false,
  // missing fields are left out and extra ones are keyed by their 1-based position ("11").
  bool strict = true;
  OnBadRow on_bad_row = OnBadRow::kFailFile;
  // Declared columns; columns not listed are strings.
  std::vector<Column> columns;
  // A row longer than this is an error that ends the file: memory stays bounded.
  size_t max_row_bytes = 64 << 20;
  // Line ending the writer uses.
  bool crlf = false;
};

}  // namespace erphub::formats::csv
