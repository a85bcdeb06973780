#include "formats/csv/csv_rows.h"

#include <algorithm>

#include "core/json.h"
#include "formats/csv/csv_types.h"

namespace erphub::formats::csv {

RowShaper::RowShaper(const CsvOptions& options) : options_(options) {
  if (!options_.header) {
    for (const Column& column : options_.columns) {
      column_of_.push_back(&column);
    }
  }
}

Status RowShaper::TakeHeader(const CsvReader& reader) {
  const auto& fields = reader.fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    // Keys must be unique: a repeated name gets a suffix (amount, amount_2), an empty one its
    // position.
    std::string key = fields[i].empty() ? std::to_string(i + 1) : std::string(fields[i]);
    std::string unique = key;
    for (int n = 2; std::find(keys_.begin(), keys_.end(), unique) != keys_.end(); ++n) {
      unique = key + "_" + std::to_string(n);
    }
    keys_.push_back(unique);
    std::string json;
    AppendJsonString(json, unique);
    json += ':';
    json_keys_.push_back(std::move(json));
  }
  column_of_.assign(keys_.size(), nullptr);
  for (const Column& column : options_.columns) {
    auto found = std::find(keys_.begin(), keys_.end(), column.name);
    if (found == keys_.end()) {
      return ParseError("declared column '" + column.name + "' is not in the header",
                        "line " + std::to_string(reader.line()));
    }
    column_of_[static_cast<size_t>(found - keys_.begin())] = &column;
  }
  width_ = keys_.size();
  have_width_ = true;
  return Status();
}

Result<RowShaper::Taken> RowShaper::Take(const CsvReader& reader) {
  if (fatal_) {
    return ParseError("the header could not be read");
  }
  if (options_.header && !have_width_) {
    Status status = TakeHeader(reader);
    if (!status.ok()) {
      fatal_ = true;
      return status;
    }
    return Taken::kHeader;
  }
  const auto& fields = reader.fields();
  if (!have_width_) {
    width_ = fields.size();
    have_width_ = true;
  }
  if (options_.strict && fields.size() != width_) {
    size_t at = fields.size() < width_ ? fields.size() - 1 : width_;
    return ParseError(
        "expected " + std::to_string(width_) + " fields, found " + std::to_string(fields.size()),
        reader.FieldPlace(at));
  }
  fields_.assign(fields.begin(), fields.end());
  typed_.clear();
  for (size_t i = 0; i < fields_.size() && i < column_of_.size(); ++i) {
    const Column* column = column_of_[i];
    if (column == nullptr || column->type == ColumnType::kString) {
      continue;
    }
    typed_.resize(fields_.size());
    auto value = ReadTypedField(fields_[i], *column);
    if (!value.ok()) {
      std::string where = reader.FieldPlace(i);
      if (i < keys_.size()) {
        where += " (" + keys_[i] + ")";
      }
      return ParseError(std::string(value.status().message()), where);
    }
    typed_[i] = std::move(value).value();
  }
  return Taken::kRow;
}

std::string_view RowShaper::KeyOf(size_t index) const {
  if (index < keys_.size()) {
    return keys_[index];
  }
  while (extra_keys_.size() <= index - keys_.size()) {
    extra_keys_.push_back(std::to_string(keys_.size() + extra_keys_.size() + 1));
  }
  return extra_keys_[index - keys_.size()];
}

void RowShaper::AppendJson(std::string& out) const {
  out.push_back(options_.header ? '{' : '[');
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) {
      out.push_back(',');
    }
    if (options_.header) {
      if (i < json_keys_.size()) {
        out.append(json_keys_[i]);
      } else {
        AppendJsonString(out, KeyOf(i));
        out.push_back(':');
      }
    }
    if (i < typed_.size() && typed_[i]) {
      erphub::AppendJson(out, *typed_[i]);
    } else {
      AppendJsonString(out, fields_[i]);
    }
  }
  out.push_back(options_.header ? '}' : ']');
}

Value RowShaper::ToValue() const {
  auto field = [&](size_t i) {
    return i < typed_.size() && typed_[i] ? *typed_[i] : Value::Str(fields_[i]);
  };
  if (!options_.header) {
    Array items;
    items.reserve(fields_.size());
    for (size_t i = 0; i < fields_.size(); ++i) {
      items.push_back(field(i));
    }
    return Value::MakeArray(std::move(items));
  }
  Object object;
  object.Reserve(fields_.size());
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i < keys_.size()) {
      object.Append(keys_[i], field(i));
    } else {
      object.Set(KeyOf(i), field(i));  // a position key may repeat a header name
    }
  }
  return Value::MakeObject(std::move(object));
}

}  // namespace erphub::formats::csv
