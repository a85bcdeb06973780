#include "components/outputs/csv_append.h"

#include <algorithm>
#include <fstream>
#include <string_view>

#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_types.h"
#include "formats/csv/csv_writer.h"

namespace erphub::components {
namespace {

namespace csv = formats::csv;

constexpr size_t kHeaderChunk = 64 << 10;

const csv::Column* ColumnNamed(const csv::CsvOptions& options, std::string_view name) {
  for (const csv::Column& column : options.columns) {
    if (column.name == name) {
      return &column;
    }
  }
  return nullptr;
}

}  // namespace

Result<std::vector<std::string>> ReadCsvHeader(const std::filesystem::path& path,
                                               const csv::CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> header;
  if (!in) {
    return header;
  }
  csv::CsvReader reader(options);
  std::string chunk;
  while (true) {
    auto step = reader.Next();
    if (!step.ok()) {
      return step.status().WithContext(path.string());
    }
    if (*step == csv::CsvReader::Step::kRecord) {
      header.assign(reader.fields().begin(), reader.fields().end());
      return header;
    }
    if (*step == csv::CsvReader::Step::kEnd) {
      return header;
    }
    chunk.resize(kHeaderChunk);
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    chunk.resize(static_cast<size_t>(in.gcount()));
    if (chunk.empty()) {
      reader.Finish();
    } else {
      reader.Feed(chunk);
    }
  }
}

Result<std::string> CsvAppendText(const Value& payload, const csv::CsvOptions& options,
                                  std::vector<std::string> header) {
  Array single;
  const Array* rows = nullptr;
  if (payload.is_object()) {
    single.push_back(payload);
    rows = &single;
  } else if (payload.is_array()) {
    rows = &payload.as_array();
  } else {
    return InvalidArgumentError("CSV is written from an object (one row) or an array of rows");
  }
  csv::CsvWriter writer(options);
  std::string out;
  std::vector<std::string> texts;
  std::vector<std::string_view> views;
  auto write = [&] {
    views.assign(texts.begin(), texts.end());
    writer.AppendRecord(views, out);
  };
  bool objects = !rows->empty() && rows->front().is_object();
  if (objects && header.empty()) {
    for (const csv::Column& column : options.columns) {
      header.push_back(column.name);
    }
    for (const Value& row : *rows) {
      if (!row.is_object()) {
        continue;
      }
      for (const auto& [key, value] : row.as_object()) {
        if (std::find(header.begin(), header.end(), key) == header.end()) {
          header.push_back(key);
        }
      }
    }
    if (options.header) {
      texts = header;
      write();
    }
  }
  for (size_t r = 0; r < rows->size(); ++r) {
    const Value& row = (*rows)[r];
    std::string where = "row " + std::to_string(r + 1);
    texts.clear();
    if (row.is_object() && objects) {
      for (const auto& [key, value] : row.as_object()) {
        if (std::find(header.begin(), header.end(), key) == header.end()) {
          return InvalidArgumentError("'" + key + "' is not a column of the file", where);
        }
      }
      for (const std::string& key : header) {
        const csv::Column* column = ColumnNamed(options, key);
        auto text = csv::WriteTypedField(row.Get(key), column ? *column : csv::Column{});
        if (!text.ok()) {
          return text.status().WithContext(where + ", field '" + key + "'");
        }
        texts.push_back(std::move(text).value());
      }
    } else if (row.is_array() && !objects) {
      const Array& fields = row.as_array();
      for (size_t i = 0; i < fields.size(); ++i) {
        const csv::Column* column =
            i < options.columns.size() && !options.header ? &options.columns[i] : nullptr;
        auto text = csv::WriteTypedField(fields[i], column ? *column : csv::Column{});
        if (!text.ok()) {
          return text.status().WithContext(where + ", field " + std::to_string(i + 1));
        }
        texts.push_back(std::move(text).value());
      }
    } else {
      return InvalidArgumentError("every row must be an object, or every row an array", where);
    }
    write();
  }
  return out;
}

}  // namespace erphub::components
