#include "components/codec_config.h"

#include <string>
#include <utility>

#include "components/factory_support.h"

namespace erphub::components {
namespace {

namespace csv = formats::csv;

FieldSpec ColumnSpec() {
  return ObjectField("column")
      .Field(StringField("name").Required().Description(
          "Header name of the column (or any label when the file has no header: columns are "
          "then matched by position)."))
      .Field(EnumField("type", {"string", "decimal", "integer", "date", "boolean"})
                 .Default("string")
                 .Description("decimal: exact number; date: read with `format`."))
      .Field(StringField("format")
                 .Default("%Y-%m-%d")
                 .Description("date: the pattern of %Y %m %d %H %M %S and literal characters."));
}

// One character of the CSV dialect; "tab" and "\t" both mean a tab.
Result<char> DialectChar(const ComponentConfig& config, std::string_view field) {
  std::string_view text = config.GetString(field);
  if (text == "tab") {
    return '\t';
  }
  if (text.size() != 1) {
    return ConfigProblem(config, field, "must be one character (or \"tab\")");
  }
  return text[0];
}

csv::ColumnType ColumnTypeOf(std::string_view name) {
  if (name == "decimal") {
    return csv::ColumnType::kDecimal;
  }
  if (name == "integer") {
    return csv::ColumnType::kInteger;
  }
  if (name == "date") {
    return csv::ColumnType::kDate;
  }
  if (name == "boolean") {
    return csv::ColumnType::kBoolean;
  }
  return csv::ColumnType::kString;
}

}  // namespace

ComponentSpec WithCodecFields(ComponentSpec spec) {
  spec.Field(StringField("delimiter")
                 .Default(",")
                 .Min(1)
                 .Description("CSV: the field separator, one character (\"tab\" for a tab)."))
      .Field(StringField("quote").Default("\"").Min(1).Description("CSV: the quote character."))
      .Field(StringField("escape").Min(1).Description(
          "CSV: the character escaping the next one; by default the quote itself (\"\" as in "
          "RFC 4180)."))
      .Field(BoolField("header").Default(true).Description(
          "CSV: the first row names the columns (rows are objects); otherwise rows are arrays."))
      .Field(StringField("comment").Min(1).Max(1).Description(
          "CSV: lines starting with this character are skipped."))
      .Field(BoolField("trim").Default(false).Description(
          "CSV: remove spaces and tabs around unquoted fields."))
      .Field(EnumField("encoding", {"utf-8", "latin-1", "windows-1252"})
                 .Default("utf-8")
                 .Description("CSV: the file's encoding; text is converted to UTF-8."))
      .Field(BoolField("strict").Default(true).Description(
          "CSV: a row with more or fewer fields than the header is a bad row."))
      .Field(ListField("columns", ColumnSpec())
                 .Description("CSV: typed columns; columns not listed are strings."))
      .Field(BoolField("crlf").Default(false).Description(
          "CSV output: end lines with CR LF instead of LF."))
      .Field(ListField("always_array", StringField("element"))
                 .Description("XML: elements (qualified names) that are always JSON arrays."))
      .Field(MapField("namespaces", StringField("uri"))
                 .Description("XML output: namespaces declared on the root, prefix -> URI."))
      .Field(IntField("indent").Default(2).Min(0).Max(16).Description(
          "XML output: spaces per nesting level (0: one line)."))
      .Field(BoolField("lenient").Default(false).Description(
          "Accept common real-world faults and report each one instead of rejecting the "
          "document (CSV: ragged rows kept, bad rows quarantined)."));
  return spec;
}

Result<formats::CodecOptions> CodecOptionsFrom(const ComponentConfig& config) {
  formats::CodecOptions options;
  options.lenient = config.GetBool("lenient");
  csv::CsvOptions& dialect = options.csv;
  ERPHUB_ASSIGN_OR_RETURN(dialect.delimiter, DialectChar(config, "delimiter"));
  ERPHUB_ASSIGN_OR_RETURN(dialect.quote, DialectChar(config, "quote"));
  dialect.escape = dialect.quote;
  if (config.Has("escape")) {
    ERPHUB_ASSIGN_OR_RETURN(dialect.escape, DialectChar(config, "escape"));
  }
  dialect.header = config.GetBool("header");
  if (config.Has("comment")) {
    dialect.comment = config.GetString("comment")[0];
  }
  dialect.trim = config.GetBool("trim");
  std::string_view encoding = config.GetString("encoding");
  dialect.encoding = encoding == "latin-1"        ? csv::Encoding::kLatin1
                     : encoding == "windows-1252" ? csv::Encoding::kWindows1252
                                                  : csv::Encoding::kUtf8;
  dialect.strict = config.GetBool("strict");
  dialect.crlf = config.GetBool("crlf");
  const Value& columns = config.Get("columns");
  if (columns.is_array()) {
    for (const Value& column : columns.as_array()) {
      csv::Column declared;
      declared.name = std::string(column.Get("name").as_string());
      declared.type = ColumnTypeOf(column.Get("type").as_string());
      declared.date_format = std::string(column.Get("format").as_string());
      dialect.columns.push_back(std::move(declared));
    }
  }
  const Value& always_array = config.Get("always_array");
  if (always_array.is_array()) {
    for (const Value& name : always_array.as_array()) {
      options.xml.always_array.emplace_back(name.as_string());
    }
  }
  const Value& namespaces = config.Get("namespaces");
  if (namespaces.is_object()) {
    for (const auto& [prefix, uri] : namespaces.as_object()) {
      options.xml.namespaces.emplace_back(prefix, std::string(uri.as_string()));
    }
  }
  options.xml.indent = static_cast<int>(config.GetInt("indent"));
  return options;
}

std::optional<formats::Format> ConfiguredFormat(const ComponentConfig& config,
                                                std::string_view field) {
  return formats::FormatFromName(config.GetString(field));
}

}  // namespace erphub::components
