#include "formats/csv/csv_document.h"

#include <algorithm>
#include <vector>

#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_rows.h"
#include "formats/csv/csv_types.h"
#include "formats/csv/csv_writer.h"

namespace erphub::formats::csv {
namespace {

// Reads every record available now; calls `on_row` for each good row. Returns the error that
// fails the file, if any; kNeedMore or kEnd otherwise.
template <typename OnRow>
Result<CsvReader::Step> Drain(CsvReader& reader, RowShaper& shaper, const CsvOptions& options,
                              const BadRowReport& report, OnRow&& on_row) {
  while (true) {
    auto step = reader.Next();
    Status bad;
    if (!step.ok()) {
      bad = step.status();
      if (!reader.can_continue()) {
        return bad;
      }
    } else if (*step != CsvReader::Step::kRecord) {
      return *step;
    } else {
      auto taken = shaper.Take(reader);
      if (!taken.ok()) {
        if (!shaper.can_continue()) {
          return taken.status();
        }
        bad = taken.status();
      } else if (*taken == RowShaper::Taken::kRow) {
        on_row();
        continue;
      } else {
        continue;
      }
    }
    if (options.on_bad_row == OnBadRow::kFailFile) {
      return bad;
    }
    if (report) {
      report(bad, reader.raw());
    }
  }
}

const Column* FindColumn(const CsvOptions& options, std::string_view name, size_t position) {
  if (!options.header) {
    return position < options.columns.size() ? &options.columns[position] : nullptr;
  }
  for (const Column& column : options.columns) {
    if (column.name == name) {
      return &column;
    }
  }
  return nullptr;
}

std::string RowPlace(size_t row) { return "row " + std::to_string(row + 1); }

}  // namespace

Result<Value> ParseCsv(std::string_view bytes, const CsvOptions& options,
                       const BadRowReport& report) {
  CsvReader reader(options);
  RowShaper shaper(options);
  reader.Feed(bytes);
  reader.Finish();
  Array rows;
  auto done = Drain(reader, shaper, options, report, [&] { rows.push_back(shaper.ToValue()); });
  if (!done.ok()) {
    return done.status();
  }
  return Value::MakeArray(std::move(rows));
}

Status StreamCsvToJson(const CsvOptions& options, const ChunkSource& read, const TextSink& write,
                       const BadRowReport& report) {
  constexpr size_t kFlushBytes = 1 << 16;
  CsvReader reader(options);
  RowShaper shaper(options);
  std::string out = "[";
  bool first = true;
  auto on_row = [&] {
    out.append(first ? "\n" : ",\n");
    first = false;
    shaper.AppendJson(out);
    if (out.size() >= kFlushBytes) {
      write(out);
      out.clear();
    }
  };
  while (true) {
    auto step = Drain(reader, shaper, options, report, on_row);
    if (!step.ok()) {
      write(out);
      return step.status();
    }
    if (*step == CsvReader::Step::kEnd) {
      break;
    }
    auto chunk = read();
    if (!chunk.ok()) {
      write(out);
      return chunk.status();
    }
    if (chunk->empty()) {
      reader.Finish();
    } else {
      reader.Feed(*chunk);
    }
  }
  out.append(first ? "]\n" : "\n]\n");
  write(out);
  return Status();
}

Result<std::string> RenderCsv(const Value& rows, const CsvOptions& options) {
  if (!rows.is_array()) {
    return InvalidArgumentError("CSV is rendered from an array of rows");
  }
  const Array& items = rows.as_array();
  bool objects = !items.empty() && items.front().is_object();
  for (size_t r = 0; r < items.size(); ++r) {
    if (items[r].is_object() != objects || !(items[r].is_object() || items[r].is_array())) {
      return InvalidArgumentError("every row must be an object, or every row an array",
                                  RowPlace(r));
    }
  }
  CsvWriter writer(options);
  std::string out;
  std::vector<std::string> texts;
  std::vector<std::string_view> views;
  auto write_fields = [&]() {
    views.assign(texts.begin(), texts.end());
    writer.AppendRecord(views, out);
  };
  if (!objects) {
    for (size_t r = 0; r < items.size(); ++r) {
      texts.clear();
      const Array& fields = items[r].as_array();
      for (size_t i = 0; i < fields.size(); ++i) {
        const Column* column = FindColumn(options, "", i);
        auto text = WriteTypedField(fields[i], column ? *column : Column{});
        if (!text.ok()) {
          return text.status().WithContext(RowPlace(r) + ", field " + std::to_string(i + 1));
        }
        texts.push_back(std::move(text).value());
      }
      write_fields();
    }
    return out;
  }
  // The header: every key, in the order first seen.
  std::vector<std::string> keys;
  for (const Value& row : items) {
    for (const auto& [key, value] : row.as_object()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        keys.push_back(key);
      }
    }
  }
  if (options.header) {
    texts.assign(keys.begin(), keys.end());
    write_fields();
  }
  std::vector<const Column*> columns;
  for (size_t i = 0; i < keys.size(); ++i) {
    columns.push_back(FindColumn(options, keys[i], i));
  }
  for (size_t r = 0; r < items.size(); ++r) {
    texts.clear();
    for (size_t i = 0; i < keys.size(); ++i) {
      const Value& value = items[r].Get(keys[i]);
      auto text = WriteTypedField(value, columns[i] ? *columns[i] : Column{});
      if (!text.ok()) {
        return text.status().WithContext(RowPlace(r) + ", field '" + keys[i] + "'");
      }
      texts.push_back(std::move(text).value());
    }
    write_fields();
  }
  return out;
}

}  // namespace erphub::formats::csv
