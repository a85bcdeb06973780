#include "components/steps/json_schema.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>

#include "components/steps/json_schema_formats.h"
#include "core/json.h"

namespace erphub::components {
namespace {

// ---- Patterns ----

// A compiled ECMAScript-style pattern. PCRE2 in UTF mode with the JavaScript spellings of
// \u escapes; "$" only at the very end, as in JavaScript.
class Pattern {
 public:
  static Result<std::unique_ptr<Pattern>> Compile(std::string_view source) {
    pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
    pcre2_set_compile_extra_options(context, PCRE2_EXTRA_ALT_BSUX);
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(),
                      PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY, &error, &offset, context);
    pcre2_compile_context_free(context);
    if (code == nullptr) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error, message, sizeof(message));
      return InvalidArgumentError(
          "invalid pattern: " + std::string(reinterpret_cast<char*>(message)) + " at offset " +
          std::to_string(offset));
    }
    return std::unique_ptr<Pattern>(new Pattern(code));
  }

  ~Pattern() { pcre2_code_free(code_); }
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // Whether the pattern matches anywhere in `text`. Text that is not UTF-8, or a match that
  // exceeds the backtracking limit, does not match.
  bool Search(std::string_view text) const {
    pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
    int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0, data,
                         MatchContext());
    pcre2_match_data_free(data);
    return rc >= 0;
  }

 private:
  explicit Pattern(pcre2_code* code) : code_(code) {}

  // Bounds backtracking so that a pathological pattern fails a value instead of hanging a
  // worker. Only read during matching, so one context serves every thread.
  static pcre2_match_context* MatchContext() {
    static pcre2_match_context* context = [] {
      pcre2_match_context* c = pcre2_match_context_create(nullptr);
      pcre2_set_match_limit(c, 1'000'000);
      pcre2_set_depth_limit(c, 10'000);
      return c;
    }();
    return context;
  }

  pcre2_code* code_;
};

// ---- The compiled form ----

enum TypeBit : uint8_t {
  kTypeNull = 1,
  kTypeBoolean = 2,
  kTypeObject = 4,
  kTypeArray = 8,
  kTypeNumber = 16,
  kTypeString = 32,
  kTypeInteger = 64,
};

constexpr std::pair<std::string_view, uint8_t> kTypeNames[] = {
    {"null", kTypeNull},       {"boolean", kTypeBoolean}, {"object", kTypeObject},
    {"array", kTypeArray},     {"number", kTypeNumber},   {"string", kTypeString},
    {"integer", kTypeInteger},
};

enum class Format { kNone, kDate, kDateTime, kTime, kEmail, kUuid };

constexpr std::pair<std::string_view, Format> kFormatNames[] = {
    {"date", Format::kDate},   {"date-time", Format::kDateTime}, {"time", Format::kTime},
    {"email", Format::kEmail}, {"uuid", Format::kUuid},
};

struct PatternProperty {
  std::unique_ptr<Pattern> pattern;
  int node;
};

// One schema object (or boolean schema). Child schemas are indices into Compiled::nodes; -1 is
// absent.
struct Node {
  std::string location;  // "file.json#/pointer" or "#/pointer"
  std::optional<bool> boolean_schema;

  uint8_t types = 0;  // 0: any
  std::optional<Value> const_value;
  std::optional<std::vector<Value>> enum_values;

  std::vector<std::pair<std::string, int>> properties;  // sorted by name
  std::vector<PatternProperty> pattern_properties;
  int additional_properties = -1;
  int property_names = -1;
  std::vector<std::string> required;
  std::optional<int64_t> min_properties, max_properties;
  std::vector<std::pair<std::string, std::vector<std::string>>> dependent_required;
  std::vector<std::pair<std::string, int>> dependent_schemas;

  std::vector<int> prefix_items;
  int items = -1;
  int contains = -1;
  std::optional<int64_t> min_contains, max_contains;
  std::optional<int64_t> min_items, max_items;
  bool unique_items = false;

  std::optional<Number> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;

  std::optional<int64_t> min_length, max_length;
  std::unique_ptr<Pattern> pattern;
  std::string pattern_source;
  Format format = Format::kNone;
  std::string format_name;

  std::vector<int> all_of, any_of, one_of;
  int not_schema = -1;
  int if_schema = -1, then_schema = -1, else_schema = -1;
  int ref = -1;
};

// ---- Helpers ----

void AppendPointerToken(std::string& pointer, std::string_view token) {
  pointer.push_back('/');
  for (char c : token) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer.push_back(c);
    }
  }
}

std::string TypeNameOf(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kUndefined:
      return "no value";
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "boolean";
    case ValueKind::kNumber:
      return v.as_number().IsInteger() ? "integer" : "number";
    case ValueKind::kString:
      return "string";
    case ValueKind::kArray:
      return "array";
    case ValueKind::kObject:
      return "object";
    case ValueKind::kFunction:
      return "function";
  }
  return "unknown";
}

std::string TypeSetName(uint8_t types) {
  std::string out;
  int count = 0;
  for (const auto& [name, bit] : kTypeNames) {
    if ((types & bit) != 0) {
      ++count;
    }
  }
  int written = 0;
  for (const auto& [name, bit] : kTypeNames) {
    if ((types & bit) == 0) {
      continue;
    }
    if (written > 0) {
      out += written == count - 1 ? " or " : ", ";
    }
    out += name;
    ++written;
  }
  return out;
}

bool HasType(uint8_t types, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return (types & kTypeNull) != 0;
    case ValueKind::kBool:
      return (types & kTypeBoolean) != 0;
    case ValueKind::kObject:
      return (types & kTypeObject) != 0;
    case ValueKind::kArray:
      return (types & kTypeArray) != 0;
    case ValueKind::kString:
      return (types & kTypeString) != 0;
    case ValueKind::kNumber:
      return (types & kTypeNumber) != 0 ||
             ((types & kTypeInteger) != 0 && v.as_number().IsInteger());
    default:
      return false;
  }
}

// JSON text of a schema constant for messages, shortened.
std::string Preview(const Value& v) {
  std::string text = ToJson(v);
  constexpr size_t kMax = 80;
  if (text.size() > kMax) {
    text.resize(kMax);
    text += "...";
  }
  return text;
}

int64_t CodePointCount(std::string_view s) {
  int64_t count = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++count;
    }
  }
  return count;
}

// "1 item", "2 items"; "property" becomes "properties".
std::string Plural(int64_t n, std::string_view word) {
  std::string out = std::to_string(n) + " " + std::string(word);
  if (n != 1) {
    if (out.back() == 'y') {
      out.back() = 'i';
      out += "es";
    } else {
      out += "s";
    }
  }
  return out;
}

// A member of an object counts only when it has a value.
const Value* Member(const Object& object, std::string_view key) {
  const Value* v = object.Find(key);
  return v != nullptr && !v->is_undefined() ? v : nullptr;
}

const Value& NullValue() {
  static const Value* null_value = new Value(Value::Null());
  return *null_value;
}

bool IsAnnotationKeyword(std::string_view key) {
  static constexpr std::string_view kIgnored[] = {
      "$schema",         "$comment",         "$vocabulary",   "title",    "description",
      "default",         "examples",         "deprecated",    "readOnly", "writeOnly",
      "contentEncoding", "contentMediaType", "contentSchema",
  };
  return std::find(std::begin(kIgnored), std::end(kIgnored), key) != std::end(kIgnored) ||
         key.substr(0, 2) == "x-";
}

Result<std::string> ReadLocalFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFoundError("cannot read schema file", path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

struct JsonSchema::Compiled {
  std::vector<Node> nodes;
  int root = 0;
};

// ---- Compiler ----

namespace {

class SchemaCompiler {
 public:
  explicit SchemaCompiler(const SchemaOptions& options) : options_(options) {
    if (!options_.read_file) {
      options_.read_file = ReadLocalFile;
    }
  }

  Result<JsonSchema::Compiled> Run(const Value& schema) {
    std::string document = options_.source_path.empty()
                               ? std::string()
                               : options_.source_path.lexically_normal().generic_string();
    root_folder_ = std::filesystem::path(document).parent_path();
    documents_[document] = schema;
    compiled_.root = CompileAt(document, "", schema);
    CheckRefCycles();
    if (!errors_.empty()) {
      std::string message = errors_[0].second;
      for (size_t i = 1; i < errors_.size(); ++i) {
        message += "\n" + errors_[i].first + ": " + errors_[i].second;
      }
      return InvalidArgumentError(std::move(message), errors_[0].first);
    }
    return std::move(compiled_);
  }

 private:
  void Error(const std::string& location, std::string message) {
    errors_.emplace_back(location, std::move(message));
  }

  // Identifies a schema place: the document's normalized path, "#", the JSON pointer.
  static std::string Key(const std::string& document, const std::string& pointer) {
    return document + "#" + pointer;
  }

  // Names a schema place in messages: the document relative to the root schema's folder.
  std::string Location(const std::string& document, const std::string& pointer) const {
    if (document.empty()) {
      return "#" + pointer;
    }
    return std::filesystem::path(document).lexically_relative(root_folder_).generic_string() + "#" +
           pointer;
  }

  // Compiles the schema at `pointer` of `document` once; later requests for the same place
  // (including a $ref back to a schema being compiled) get the same node.
  int CompileAt(const std::string& document, const std::string& pointer, const Value& schema) {
    auto [it, inserted] = by_location_.emplace(Key(document, pointer), 0);
    if (!inserted) {
      return it->second;
    }
    int index = static_cast<int>(compiled_.nodes.size());
    it->second = index;
    compiled_.nodes.emplace_back();
    Node node = CompileNode(document, pointer, schema);
    node.location = Location(document, pointer);
    compiled_.nodes[static_cast<size_t>(index)] = std::move(node);
    return index;
  }

  int Child(const std::string& document, const std::string& pointer, std::string_view token,
            const Value& schema) {
    std::string child = pointer;
    AppendPointerToken(child, token);
    return CompileAt(document, child, schema);
  }

  int Child(const std::string& document, const std::string& pointer, std::string_view token,
            size_t index, const Value& schema) {
    std::string child = pointer;
    AppendPointerToken(child, token);
    AppendPointerToken(child, std::to_string(index));
    return CompileAt(document, child, schema);
  }

  std::optional<int64_t> Count(const std::string& where, const Value& v) {
    if (v.is_number()) {
      std::optional<int64_t> n = v.as_number().ToInt64();
      if (n && *n >= 0) {
        return n;
      }
    }
    Error(where, "must be a non-negative integer");
    return std::nullopt;
  }

  std::optional<Number> NumberOf(const std::string& where, const Value& v) {
    if (v.is_number()) {
      return v.as_number();
    }
    Error(where, "must be a number");
    return std::nullopt;
  }

  std::vector<std::string> StringList(const std::string& where, const Value& v) {
    std::vector<std::string> out;
    if (!v.is_array()) {
      Error(where, "must be an array of strings");
      return out;
    }
    for (const Value& item : v.as_array()) {
      if (!item.is_string()) {
        Error(where, "must be an array of strings");
        return {};
      }
      out.emplace_back(item.as_string());
    }
    return out;
  }

  std::vector<int> SchemaList(const std::string& document, const std::string& pointer,
                              std::string_view key, const Value& v) {
    std::vector<int> out;
    std::string where = Location(document, pointer) + "/" + std::string(key);
    if (!v.is_array() || v.as_array().empty()) {
      Error(where, "must be a non-empty array of schemas");
      return out;
    }
    for (size_t i = 0; i < v.as_array().size(); ++i) {
      out.push_back(Child(document, pointer, key, i, v.as_array()[i]));
    }
    return out;
  }

  uint8_t Types(const std::string& where, const Value& v) {
    auto bit_of = [&](const Value& name) -> uint8_t {
      if (name.is_string()) {
        for (const auto& [type_name, bit] : kTypeNames) {
          if (type_name == name.as_string()) {
            return bit;
          }
        }
      }
      Error(where, "unknown type " + Preview(name) +
                       "; expected null, boolean, object, array, number, string or integer");
      return 0;
    };
    if (v.is_array()) {
      uint8_t bits = 0;
      for (const Value& name : v.as_array()) {
        bits |= bit_of(name);
      }
      if (v.as_array().empty()) {
        Error(where, "must name at least one type");
      }
      return bits;
    }
    return bit_of(v);
  }

  Node CompileNode(const std::string& document, const std::string& pointer, const Value& schema) {
    Node node;
    std::string here = Location(document, pointer);
    if (schema.is_bool()) {
      node.boolean_schema = schema.as_bool();
      return node;
    }
    if (!schema.is_object()) {
      Error(here, "a schema must be an object or a boolean");
      node.boolean_schema = true;
      return node;
    }
    for (const auto& [key, value] : schema.as_object()) {
      std::string where = here + "/" + key;
      if (IsAnnotationKeyword(key)) {
        continue;
      }
      if (key == "$id") {
        if (!pointer.empty()) {
          Error(where, "$id is only supported at the root of a schema file");
        }
      } else if (key == "$defs" || key == "definitions") {
        // Compiled eagerly so that mistakes in unused definitions are reported too.
        if (!value.is_object()) {
          Error(where, "must be an object of schemas");
          continue;
        }
        std::string defs = pointer;
        AppendPointerToken(defs, key);
        for (const auto& [name, sub] : value.as_object()) {
          Child(document, defs, name, sub);
        }
      } else if (key == "$ref") {
        if (!value.is_string()) {
          Error(where, "must be a string");
          continue;
        }
        node.ref = ResolveRef(document, value.as_string(), where);
      } else if (key == "type") {
        node.types = Types(where, value);
      } else if (key == "enum") {
        if (!value.is_array()) {
          Error(where, "must be an array");
          continue;
        }
        node.enum_values = value.as_array();
      } else if (key == "const") {
        node.const_value = value;
      } else if (key == "properties" || key == "patternProperties" || key == "dependentSchemas") {
        if (!value.is_object()) {
          Error(where, "must be an object of schemas");
          continue;
        }
        std::string container = pointer;
        AppendPointerToken(container, key);
        for (const auto& [name, sub] : value.as_object()) {
          int child = Child(document, container, name, sub);
          if (key == "properties") {
            node.properties.emplace_back(name, child);
          } else if (key == "dependentSchemas") {
            node.dependent_schemas.emplace_back(name, child);
          } else {
            Result<std::unique_ptr<Pattern>> pattern = Pattern::Compile(name);
            if (!pattern.ok()) {
              Error(where, std::string(pattern.status().message()));
              continue;
            }
            node.pattern_properties.push_back({std::move(*pattern), child});
          }
        }
      } else if (key == "additionalProperties") {
        node.additional_properties = Child(document, pointer, key, value);
      } else if (key == "propertyNames") {
        node.property_names = Child(document, pointer, key, value);
      } else if (key == "required") {
        node.required = StringList(where, value);
      } else if (key == "minProperties") {
        node.min_properties = Count(where, value);
      } else if (key == "maxProperties") {
        node.max_properties = Count(where, value);
      } else if (key == "dependentRequired") {
        if (!value.is_object()) {
          Error(where, "must be an object of string arrays");
          continue;
        }
        for (const auto& [name, list] : value.as_object()) {
          node.dependent_required.emplace_back(name, StringList(where + "/" + name, list));
        }
      } else if (key == "prefixItems") {
        node.prefix_items = SchemaList(document, pointer, key, value);
      } else if (key == "items") {
        if (value.is_array()) {
          Error(where,
                "must be a schema; an array of schemas is spelled prefixItems in draft "
                "2020-12");
          continue;
        }
        node.items = Child(document, pointer, key, value);
      } else if (key == "contains") {
        node.contains = Child(document, pointer, key, value);
      } else if (key == "minContains") {
        node.min_contains = Count(where, value);
      } else if (key == "maxContains") {
        node.max_contains = Count(where, value);
      } else if (key == "minItems") {
        node.min_items = Count(where, value);
      } else if (key == "maxItems") {
        node.max_items = Count(where, value);
      } else if (key == "uniqueItems") {
        if (!value.is_bool()) {
          Error(where, "must be a boolean");
          continue;
        }
        node.unique_items = value.as_bool();
      } else if (key == "minimum") {
        node.minimum = NumberOf(where, value);
      } else if (key == "maximum") {
        node.maximum = NumberOf(where, value);
      } else if (key == "exclusiveMinimum") {
        node.exclusive_minimum = NumberOf(where, value);
      } else if (key == "exclusiveMaximum") {
        node.exclusive_maximum = NumberOf(where, value);
      } else if (key == "multipleOf") {
        node.multiple_of = NumberOf(where, value);
        if (node.multiple_of && (node.multiple_of->IsNegative() || node.multiple_of->IsZero())) {
          Error(where, "must be greater than 0");
          node.multiple_of.reset();
        }
      } else if (key == "minLength") {
        node.min_length = Count(where, value);
      } else if (key == "maxLength") {
        node.max_length = Count(where, value);
      } else if (key == "pattern") {
        if (!value.is_string()) {
          Error(where, "must be a string");
          continue;
        }
        Result<std::unique_ptr<Pattern>> pattern = Pattern::Compile(value.as_string());
        if (!pattern.ok()) {
          Error(where, std::string(pattern.status().message()));
          continue;
        }
        node.pattern = std::move(*pattern);
        node.pattern_source = std::string(value.as_string());
      } else if (key == "format") {
        node.format = FormatOf(where, value);
        if (value.is_string()) {
          node.format_name = std::string(value.as_string());
        }
      } else if (key == "allOf") {
        node.all_of = SchemaList(document, pointer, key, value);
      } else if (key == "anyOf") {
        node.any_of = SchemaList(document, pointer, key, value);
      } else if (key == "oneOf") {
        node.one_of = SchemaList(document, pointer, key, value);
      } else if (key == "not") {
        node.not_schema = Child(document, pointer, key, value);
      } else if (key == "if") {
        node.if_schema = Child(document, pointer, key, value);
      } else if (key == "then") {
        node.then_schema = Child(document, pointer, key, value);
      } else if (key == "else") {
        node.else_schema = Child(document, pointer, key, value);
      } else {
        Error(here, "keyword \"" + key + "\" is not supported");
      }
    }
    std::sort(node.properties.begin(), node.properties.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return node;
  }

  Format FormatOf(const std::string& where, const Value& v) {
    if (v.is_string()) {
      for (const auto& [name, format] : kFormatNames) {
        if (name == v.as_string()) {
          return format;
        }
      }
    }
    Error(where, "format " + Preview(v) +
                     " is not supported; supported: date, date-time, time, email, uuid");
    return Format::kNone;
  }

  // Loads (once) the schema file `path`, relative to the folder of `from`.
  const Value* LoadDocument(const std::string& from, std::string_view path,
                            const std::string& where, std::string* key) {
    if (from.empty()) {
      Error(where, "a $ref to another file needs the schema's own file path");
      return nullptr;
    }
    std::filesystem::path resolved =
        (std::filesystem::path(from).parent_path() / std::filesystem::path(path))
            .lexically_normal();
    *key = resolved.generic_string();
    auto it = documents_.find(*key);
    if (it != documents_.end()) {
      return &it->second;
    }
    Result<std::string> text = options_.read_file(resolved);
    if (!text.ok()) {
      Error(where, "cannot load " + std::string(path) + ": " + text.status().ToString());
      return nullptr;
    }
    Result<Value> parsed = ParseJson(*text);
    if (!parsed.ok()) {
      Error(where, std::string(path) + " is not JSON: " + parsed.status().ToString());
      return nullptr;
    }
    return &documents_.emplace(*key, std::move(*parsed)).first->second;
  }

  static std::optional<std::string> PercentDecode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '%') {
        out.push_back(s[i]);
        continue;
      }
      if (i + 2 >= s.size()) {
        return std::nullopt;
      }
      auto hex = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      int hi = hex(s[i + 1]);
      int lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    return out;
  }

  // Follows a JSON pointer (already percent-decoded) inside `document`.
  static const Value* FollowPointer(const Value& document, std::string_view pointer) {
    const Value* current = &document;
    while (!pointer.empty()) {
      pointer.remove_prefix(1);  // '/'
      size_t slash = pointer.find('/');
      std::string_view raw = pointer.substr(0, slash);
      pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
      std::string token;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
          token.push_back(raw[i + 1] == '0' ? '~' : '/');
          ++i;
        } else {
          token.push_back(raw[i]);
        }
      }
      if (current->is_object()) {
        current = current->as_object().Find(token);
      } else if (current->is_array()) {
        size_t index = 0;
        bool digits = !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || token.size() > 9) {
          return nullptr;
        }
        index = std::stoul(token);
        current = index < current->as_array().size() ? &current->as_array()[index] : nullptr;
      } else {
        return nullptr;
      }
      if (current == nullptr) {
        return nullptr;
      }
    }
    return current;
  }

  int ResolveRef(const std::string& document, std::string_view ref, const std::string& where) {
    size_t hash = ref.find('#');
    std::string_view path = ref.substr(0, hash);
    std::string_view fragment =
        hash == std::string_view::npos ? std::string_view() : ref.substr(hash + 1);
    if (path.find(':') != std::string_view::npos || (!path.empty() && path.front() == '/')) {
      Error(where, "$ref \"" + std::string(ref) +
                       "\" is not supported: only \"#/...\" and relative file paths are");
      return -1;
    }
    if (!fragment.empty() && fragment.front() != '/') {
      Error(where, "$ref \"" + std::string(ref) + "\": anchors are not supported");
      return -1;
    }
    std::optional<std::string> pointer = PercentDecode(fragment);
    if (!pointer) {
      Error(where, "$ref \"" + std::string(ref) + "\" has a malformed %-escape");
      return -1;
    }
    std::string target_document = document;
    const Value* root = nullptr;
    if (path.empty()) {
      root = &documents_.at(document);
    } else {
      root = LoadDocument(document, path, where, &target_document);
      if (root == nullptr) {
        return -1;
      }
    }
    auto existing = by_location_.find(Key(target_document, *pointer));
    if (existing != by_location_.end()) {
      return existing->second;
    }
    const Value* target = FollowPointer(*root, *pointer);
    if (target == nullptr) {
      Error(where, "$ref \"" + std::string(ref) + "\" points to nothing");
      return -1;
    }
    // Copied: compiling may load more documents, and the node only keeps what it needs.
    Value schema = *target;
    return CompileAt(target_document, *pointer, schema);
  }

  // A chain of $ref/allOf/anyOf/... that comes back to itself without descending into the value
  // would recurse forever during validation.
  void CheckRefCycles() {
    std::vector<uint8_t> state(compiled_.nodes.size(), 0);  // 0 new, 1 on the path, 2 done
    for (size_t i = 0; i < compiled_.nodes.size(); ++i) {
      if (state[i] == 0 && FindCycle(static_cast<int>(i), state)) {
        return;
      }
    }
  }

  bool FindCycle(int index, std::vector<uint8_t>& state) {
    state[static_cast<size_t>(index)] = 1;
    const Node& node = compiled_.nodes[static_cast<size_t>(index)];
    std::vector<int> next = {node.ref, node.not_schema, node.if_schema, node.then_schema,
                             node.else_schema};
    next.insert(next.end(), node.all_of.begin(), node.all_of.end());
    next.insert(next.end(), node.any_of.begin(), node.any_of.end());
    next.insert(next.end(), node.one_of.begin(), node.one_of.end());
    for (const auto& [name, child] : node.dependent_schemas) {
      next.push_back(child);
    }
    for (int child : next) {
      if (child < 0) {
        continue;
      }
      uint8_t s = state[static_cast<size_t>(child)];
      if (s == 1) {
        Error(node.location, "$ref cycle: this schema refers back to itself through " +
                                 compiled_.nodes[static_cast<size_t>(child)].location +
                                 " without descending into the value");
        return true;
      }
      if (s == 0 && FindCycle(child, state)) {
        return true;
      }
    }
    state[static_cast<size_t>(index)] = 2;
    return false;
  }

  SchemaOptions options_;
  JsonSchema::Compiled compiled_;
  std::filesystem::path root_folder_;
  std::map<std::string, Value> documents_;
  std::map<std::string, int> by_location_;
  std::vector<std::pair<std::string, std::string>> errors_;
};

// ---- Validator ----

class Validator {
 public:
  Validator(const JsonSchema::Compiled& compiled, std::vector<SchemaFailure>* failures)
      : compiled_(compiled), failures_(failures) {}

  bool Check(int index, const Value& instance) {
    const Node& node = compiled_.nodes[static_cast<size_t>(index)];
    if (node.boolean_schema) {
      if (!*node.boolean_schema) {
        return Fail(node, "", "no value is allowed here");
      }
      return true;
    }
    bool valid = true;
    // Each step reports its own failures; in verdict-only mode the first one ends the check.
    auto step = [&](bool ok) {
      valid = valid && ok;
      return valid || failures_ != nullptr;
    };
    if (node.types != 0 && !HasType(node.types, instance)) {
      std::string found = TypeNameOf(instance);
      if (instance.is_number()) {
        found += " " + instance.as_number().ToString();
      }
      // The other keywords would only repeat the mismatch.
      return Fail(node, "type", "expected " + TypeSetName(node.types) + ", found " + found);
    }
    if (node.const_value && !step(CheckConst(node, instance))) {
      return false;
    }
    if (node.enum_values && !step(CheckEnum(node, instance))) {
      return false;
    }
    if (instance.is_number() && !step(CheckNumber(node, instance.as_number()))) {
      return false;
    }
    if (instance.is_string() && !step(CheckString(node, instance.as_string()))) {
      return false;
    }
    if (instance.is_object() && !step(CheckObject(node, instance.as_object()))) {
      return false;
    }
    if (instance.is_array() && !step(CheckArray(node, instance.as_array()))) {
      return false;
    }
    if (node.ref >= 0 && !step(Check(node.ref, instance))) {
      return false;
    }
    if (!step(CheckCombinators(node, instance))) {
      return false;
    }
    return valid;
  }

 private:
  bool Fail(const Node& node, std::string_view keyword, std::string message) {
    if (failures_ != nullptr) {
      std::string location = node.location;
      if (!keyword.empty()) {
        location += "/";
        location += keyword;
      }
      failures_->push_back({pointer_, std::move(message), std::move(location)});
    }
    return false;
  }

  // Checks `instance` against `index` with only the verdict wanted.
  bool Matches(int index, const Value& instance) {
    std::vector<SchemaFailure>* saved = failures_;
    failures_ = nullptr;
    bool ok = Check(index, instance);
    failures_ = saved;
    return ok;
  }

  // The first failure of `instance` against `index`, for explaining anyOf/oneOf.
  std::string FirstFailure(int index, const Value& instance) {
    std::vector<SchemaFailure> branch;
    std::vector<SchemaFailure>* saved = failures_;
    failures_ = &branch;
    Check(index, instance);
    failures_ = saved;
    if (branch.empty()) {
      return "matches";
    }
    // Relative to the value being explained.
    const SchemaFailure& first = branch.front();
    std::string_view relative = std::string_view(first.pointer).substr(pointer_.size());
    return relative.empty() ? first.message : std::string(relative) + ": " + first.message;
  }

  bool CheckChild(int index, std::string_view token, const Value& instance) {
    size_t length = pointer_.size();
    AppendPointerToken(pointer_, token);
    bool ok = Check(index, instance);
    pointer_.resize(length);
    return ok;
  }

  bool CheckConst(const Node& node, const Value& instance) {
    if (DeepEqual(*node.const_value, instance)) {
      return true;
    }
    return Fail(node, "const", "must equal " + Preview(*node.const_value));
  }

  bool CheckEnum(const Node& node, const Value& instance) {
    for (const Value& allowed : *node.enum_values) {
      if (DeepEqual(allowed, instance)) {
        return true;
      }
    }
    std::string list;
    for (const Value& allowed : *node.enum_values) {
      if (!list.empty()) {
        list += ", ";
      }
      list += ToJson(allowed);
      if (list.size() > 120) {
        list.resize(120);
        list += "...";
        break;
      }
    }
    return Fail(node, "enum", "is not one of the allowed values: " + list);
  }

  bool CheckNumber(const Node& node, const Number& n) {
    bool valid = true;
    std::string text = n.ToString();
    if (node.minimum && Compare(n, *node.minimum) < 0) {
      valid = Fail(node, "minimum", text + " is below the minimum " + node.minimum->ToString());
    }
    if (node.exclusive_minimum && Compare(n, *node.exclusive_minimum) <= 0) {
      valid =
          Fail(node, "exclusiveMinimum",
               text + " is not above the exclusive minimum " + node.exclusive_minimum->ToString());
    }
    if (node.maximum && Compare(n, *node.maximum) > 0) {
      valid = Fail(node, "maximum", text + " is above the maximum " + node.maximum->ToString());
    }
    if (node.exclusive_maximum && Compare(n, *node.exclusive_maximum) >= 0) {
      valid =
          Fail(node, "exclusiveMaximum",
               text + " is not below the exclusive maximum " + node.exclusive_maximum->ToString());
    }
    if (node.multiple_of) {
      Number remainder = n % *node.multiple_of;
      if (!remainder.IsZero()) {
        valid = Fail(node, "multipleOf",
                     text + " is not a multiple of " + node.multiple_of->ToString());
      }
    }
    return valid;
  }

  bool CheckString(const Node& node, std::string_view s) {
    bool valid = true;
    if (node.min_length || node.max_length) {
      int64_t length = CodePointCount(s);
      if (node.min_length && length < *node.min_length) {
        valid = Fail(node, "minLength",
                     "is " + Plural(length, "character") + " long, shorter than the minimum " +
                         std::to_string(*node.min_length));
      }
      if (node.max_length && length > *node.max_length) {
        valid = Fail(node, "maxLength",
                     "is " + Plural(length, "character") + " long, longer than the maximum " +
                         std::to_string(*node.max_length));
      }
    }
    if (node.pattern && !node.pattern->Search(s)) {
      valid = Fail(node, "pattern", "does not match the pattern " + node.pattern_source);
    }
    if (node.format != Format::kNone && !FormatHolds(node.format, s)) {
      valid = Fail(node, "format", "is not a valid " + node.format_name);
    }
    return valid;
  }

  static bool FormatHolds(Format format, std::string_view s) {
    switch (format) {
      case Format::kNone:
        return true;
      case Format::kDate:
        return IsRfc3339Date(s);
      case Format::kDateTime:
        return IsRfc3339DateTime(s);
      case Format::kTime:
        return IsRfc3339Time(s);
      case Format::kEmail:
        return IsEmailAddress(s);
      case Format::kUuid:
        return IsUuid(s);
    }
    return true;
  }

  bool CheckObject(const Node& node, const Object& object) {
    bool valid = true;
    auto step = [&](bool ok) {
      valid = valid && ok;
      return valid || failures_ != nullptr;
    };
    for (const std::string& name : node.required) {
      if (Member(object, name) == nullptr) {
        size_t length = pointer_.size();
        AppendPointerToken(pointer_, name);
        Fail(node, "required", "required property is missing");
        pointer_.resize(length);
        if (!step(false)) {
          return false;
        }
      }
    }
    int64_t present = 0;
    for (const auto& [key, value] : object) {
      if (value.is_undefined()) {
        continue;
      }
      ++present;
      bool evaluated = false;
      auto declared = std::lower_bound(
          node.properties.begin(), node.properties.end(), key,
          [](const std::pair<std::string, int>& p, const std::string& k) { return p.first < k; });
      if (declared != node.properties.end() && declared->first == key) {
        evaluated = true;
        if (!step(CheckChild(declared->second, key, value))) {
          return false;
        }
      }
      for (const PatternProperty& pp : node.pattern_properties) {
        if (pp.pattern->Search(key)) {
          evaluated = true;
          if (!step(CheckChild(pp.node, key, value))) {
            return false;
          }
        }
      }
      if (!evaluated && node.additional_properties >= 0) {
        const Node& additional = compiled_.nodes[static_cast<size_t>(node.additional_properties)];
        bool ok = true;
        if (additional.boolean_schema == false) {
          size_t length = pointer_.size();
          AppendPointerToken(pointer_, key);
          ok = Fail(node, "additionalProperties", "property is not allowed");
          pointer_.resize(length);
        } else {
          ok = CheckChild(node.additional_properties, key, value);
        }
        if (!step(ok)) {
          return false;
        }
      }
      if (node.property_names >= 0) {
        bool ok = Matches(node.property_names, Value::Str(key));
        if (!ok) {
          size_t length = pointer_.size();
          AppendPointerToken(pointer_, key);
          Fail(node, "propertyNames",
               "property name does not conform: " +
                   FirstFailure(node.property_names, Value::Str(key)));
          pointer_.resize(length);
        }
        if (!step(ok)) {
          return false;
        }
      }
    }
    if (node.min_properties && present < *node.min_properties) {
      if (!step(Fail(node, "minProperties",
                     "has " + Plural(present, "property") + ", fewer than the minimum " +
                         std::to_string(*node.min_properties)))) {
        return false;
      }
    }
    if (node.max_properties && present > *node.max_properties) {
      if (!step(Fail(node, "maxProperties",
                     "has " + Plural(present, "property") + ", more than the maximum " +
                         std::to_string(*node.max_properties)))) {
        return false;
      }
    }
    for (const auto& [name, needed] : node.dependent_required) {
      if (Member(object, name) == nullptr) {
        continue;
      }
      for (const std::string& other : needed) {
        if (Member(object, other) == nullptr) {
          size_t length = pointer_.size();
          AppendPointerToken(pointer_, other);
          Fail(node, "dependentRequired", "is required when \"" + name + "\" is present");
          pointer_.resize(length);
          if (!step(false)) {
            return false;
          }
        }
      }
    }
    return valid;
  }

  bool CheckArray(const Node& node, const Array& array) {
    bool valid = true;
    auto step = [&](bool ok) {
      valid = valid && ok;
      return valid || failures_ != nullptr;
    };
    int64_t size = static_cast<int64_t>(array.size());
    if (node.min_items && size < *node.min_items) {
      if (!step(Fail(node, "minItems",
                     "has " + Plural(size, "item") + ", fewer than the minimum " +
                         std::to_string(*node.min_items)))) {
        return false;
      }
    }
    if (node.max_items && size > *node.max_items) {
      if (!step(Fail(node, "maxItems",
                     "has " + Plural(size, "item") + ", more than the maximum " +
                         std::to_string(*node.max_items)))) {
        return false;
      }
    }
    int64_t contained = 0;
    for (size_t i = 0; i < array.size(); ++i) {
      // An undefined element is written as null.
      const Value& item = array[i].is_undefined() ? NullValue() : array[i];
      int schema = i < node.prefix_items.size() ? node.prefix_items[i] : node.items;
      if (schema >= 0) {
        const Node& item_node = compiled_.nodes[static_cast<size_t>(schema)];
        bool ok = true;
        if (item_node.boolean_schema == false && i >= node.prefix_items.size()) {
          ok = Fail(node, "items",
                    "has " + Plural(size, "item") + ", more than the " +
                        std::to_string(node.prefix_items.size()) + " allowed");
          if (!step(ok)) {
            return false;
          }
          break;
        }
        ok = CheckChild(schema, std::to_string(i), item);
        if (!step(ok)) {
          return false;
        }
      }
      if (node.contains >= 0 && Matches(node.contains, item)) {
        ++contained;
      }
    }
    if (node.contains >= 0) {
      int64_t min = node.min_contains.value_or(1);
      if (contained < min) {
        if (!step(Fail(node, "contains",
                       "has " + Plural(contained, "matching item") + ", fewer than the minimum " +
                           std::to_string(min)))) {
          return false;
        }
      }
      if (node.max_contains && contained > *node.max_contains) {
        if (!step(Fail(node, "maxContains",
                       "has " + Plural(contained, "matching item") + ", more than the maximum " +
                           std::to_string(*node.max_contains)))) {
          return false;
        }
      }
    }
    if (node.unique_items) {
      for (size_t i = 0; i < array.size(); ++i) {
        for (size_t j = i + 1; j < array.size(); ++j) {
          if (DeepEqual(array[i], array[j])) {
            return Fail(node, "uniqueItems",
                        "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal");
          }
        }
      }
    }
    return valid;
  }

  bool CheckCombinators(const Node& node, const Value& instance) {
    bool valid = true;
    auto step = [&](bool ok) {
      valid = valid && ok;
      return valid || failures_ != nullptr;
    };
    for (int branch : node.all_of) {
      if (!step(Check(branch, instance))) {
        return false;
      }
    }
    if (!node.any_of.empty()) {
      bool any = false;
      for (int branch : node.any_of) {
        if (Matches(branch, instance)) {
          any = true;
          break;
        }
      }
      if (!any) {
        std::string reasons;
        if (failures_ != nullptr) {
          for (size_t i = 0; i < node.any_of.size(); ++i) {
            reasons += (i == 0 ? " (" : "; ") + std::to_string(i) + ": " +
                       FirstFailure(node.any_of[i], instance);
          }
          reasons += ")";
        }
        if (!step(Fail(node, "anyOf", "matches none of the anyOf schemas" + reasons))) {
          return false;
        }
      }
    }
    if (!node.one_of.empty()) {
      std::vector<size_t> matching;
      for (size_t i = 0; i < node.one_of.size(); ++i) {
        if (Matches(node.one_of[i], instance)) {
          matching.push_back(i);
        }
      }
      if (matching.size() != 1) {
        std::string message;
        if (matching.empty()) {
          message = "matches none of the oneOf schemas";
          if (failures_ != nullptr) {
            for (size_t i = 0; i < node.one_of.size(); ++i) {
              message += (i == 0 ? " (" : "; ") + std::to_string(i) + ": " +
                         FirstFailure(node.one_of[i], instance);
            }
            message += ")";
          }
        } else {
          message = "matches " + std::to_string(matching.size()) + " of the oneOf schemas (";
          for (size_t i = 0; i < matching.size(); ++i) {
            message += (i == 0 ? "" : ", ") + std::to_string(matching[i]);
          }
          message += "), expected exactly one";
        }
        if (!step(Fail(node, "oneOf", std::move(message)))) {
          return false;
        }
      }
    }
    if (node.not_schema >= 0 && Matches(node.not_schema, instance)) {
      if (!step(Fail(node, "not", "matches the schema it must not match"))) {
        return false;
      }
    }
    if (node.if_schema >= 0) {
      int branch = Matches(node.if_schema, instance) ? node.then_schema : node.else_schema;
      if (branch >= 0 && !step(Check(branch, instance))) {
        return false;
      }
    }
    if (instance.is_object()) {
      for (const auto& [name, schema] : node.dependent_schemas) {
        if (Member(instance.as_object(), name) != nullptr && !step(Check(schema, instance))) {
          return false;
        }
      }
    }
    return valid;
  }

  const JsonSchema::Compiled& compiled_;
  std::vector<SchemaFailure>* failures_;  // null: only the verdict is wanted
  std::string pointer_;
};

}  // namespace

std::string SchemaFailure::ToString() const {
  return pointer.empty() ? message : pointer + ": " + message;
}

Result<JsonSchema> JsonSchema::Compile(const Value& schema, const SchemaOptions& options) {
  SchemaCompiler compiler(options);
  ERPHUB_ASSIGN_OR_RETURN(Compiled compiled, compiler.Run(schema));
  return JsonSchema(std::make_shared<const Compiled>(std::move(compiled)));
}

Result<JsonSchema> JsonSchema::CompileFile(const std::filesystem::path& path,
                                           SchemaOptions options) {
  if (!options.read_file) {
    options.read_file = ReadLocalFile;
  }
  ERPHUB_ASSIGN_OR_RETURN(std::string text, options.read_file(path));
  Result<Value> schema = ParseJson(text);
  if (!schema.ok()) {
    return schema.status().WithContext(path.string());
  }
  options.source_path = path;
  return Compile(*schema, options);
}

std::vector<SchemaFailure> JsonSchema::Validate(const Value& instance) const {
  std::vector<SchemaFailure> failures;
  Validator(*compiled_, &failures).Check(compiled_->root, instance);
  return failures;
}

bool JsonSchema::IsValid(const Value& instance) const {
  return Validator(*compiled_, nullptr).Check(compiled_->root, instance);
}

}  // namespace erphub::components
