#include "core/spec_validator.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

#include "core/config_units.h"
#include "core/json.h"

namespace erphub {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

// How a value is named in a message: quoted, or not at all when it is a secret.
std::string Shown(std::string_view text, bool secret) {
  return secret ? std::string("the value") : Quoted(text);
}

std::string Join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += items[i];
  }
  return out;
}

std::string Expected(const FieldSpec& spec) {
  switch (spec.type()) {
    case FieldType::kString:
      return "a string";
    case FieldType::kInt:
      return "an integer";
    case FieldType::kNumber:
      return "a number";
    case FieldType::kBool:
      return "true or false";
    case FieldType::kDuration:
      return "a duration such as 30s or 5m";
    case FieldType::kSize:
      return "a size such as 512KB or 1MB";
    case FieldType::kEnum:
      return "one of " + Join(spec.enum_values());
    case FieldType::kObject:
      return "a mapping of fields";
    case FieldType::kList:
      return "a list";
    case FieldType::kMap:
      return "a mapping";
    case FieldType::kAny:
      return "a value";
  }
  return "a value";
}

std::optional<bool> ParseBool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  return std::nullopt;
}

bool IsNull(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

size_t CodePoints(std::string_view s) {
  size_t count = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++count;
    }
  }
  return count;
}

bool IsPlainKey(std::string_view key) {
  if (key.empty()) {
    return false;
  }
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Edit distance counting a swap of two neighbours as one edit (the commonest typo).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> match = ClosestMatch(word, candidates);
  return match ? " (did you mean " + Quoted(*match) + "?)" : "";
}

SourcePlace PlaceOfNode(const ConfigNode& node) { return SourcePlace{node.line, node.column}; }

std::string FormatBound(const FieldSpec& spec, const Number& bound) {
  switch (spec.type()) {
    case FieldType::kDuration:
      return FormatDuration(std::chrono::milliseconds(bound.ToInt64().value_or(0)));
    case FieldType::kSize:
      return FormatByteSize(static_cast<uint64_t>(bound.ToInt64().value_or(0)));
    default:
      return bound.ToString();
  }
}

}  // namespace

FileReader LocalFileReader() {
  return [](const std::string& path) -> Result<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return NotFoundError(std::strerror(errno), path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
      return UnavailableError("read failed", path);
    }
    return text.str();
  };
}

std::string ChildPath(std::string_view path, std::string_view key) {
  std::string out(path);
  if (IsPlainKey(key)) {
    if (!out.empty()) {
      out += '.';
    }
    out += key;
  } else {
    out += '[';
    out += Quoted(key);
    out += ']';
  }
  return out;
}

std::string ItemPath(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  std::string lower_word = Lower(word);
  size_t allowed = lower_word.size() <= 4 ? 1 : 2;
  std::optional<std::string> best;
  size_t best_distance = allowed + 1;
  for (const std::string& candidate : candidates) {
    size_t distance = EditDistance(lower_word, Lower(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

Result<Value> TypedDefault(const FieldSpec& spec) {
  const Value& d = spec.default_value();
  if (d.is_undefined()) {
    return Value();
  }
  Status bad = InvalidArgumentError(
      "the default does not fit a " + std::string(FieldTypeName(spec.type())) + " field",
      spec.name());
  switch (spec.type()) {
    case FieldType::kString:
      return d.is_string() ? Result<Value>(d) : bad;
    case FieldType::kEnum: {
      if (!d.is_string()) {
        return bad;
      }
      const auto& values = spec.enum_values();
      return std::find(values.begin(), values.end(), d.as_string()) != values.end()
                 ? Result<Value>(d)
                 : bad;
    }
    case FieldType::kBool:
      return d.is_bool() ? Result<Value>(d) : bad;
    case FieldType::kInt:
      return d.is_number() && d.as_number().ToInt64().has_value() ? Result<Value>(d) : bad;
    case FieldType::kNumber:
      return d.is_number() ? Result<Value>(d) : bad;
    case FieldType::kDuration: {
      if (d.is_number()) {
        return d.as_number().ToInt64().has_value() ? Result<Value>(d) : bad;
      }
      if (!d.is_string()) {
        return bad;
      }
      auto ms = ParseDuration(d.as_string());
      if (!ms.ok()) {
        return bad;
      }
      return Value::Int(ms->count());
    }
    case FieldType::kSize: {
      if (d.is_number()) {
        return d.as_number().ToInt64().has_value() ? Result<Value>(d) : bad;
      }
      if (!d.is_string()) {
        return bad;
      }
      auto bytes = ParseByteSize(d.as_string());
      if (!bytes.ok()) {
        return bad;
      }
      return Value::Int(static_cast<int64_t>(*bytes));
    }
    case FieldType::kObject:
    case FieldType::kMap:
      return d.is_object() ? Result<Value>(d) : bad;
    case FieldType::kList:
      return d.is_array() ? Result<Value>(d) : bad;
    case FieldType::kAny:
      return d;
  }
  return bad;
}

SpecValidator::SpecValidator(std::string file, ValidationEnv env)
    : file_(std::move(file)), env_(std::move(env)) {}

void SpecValidator::Report(SourcePlace place, std::string path, std::string message) {
  diagnostics_.Add(
      Diagnostic{file_, place.line, place.column, std::move(path), std::move(message)});
}

Value SpecValidator::Validate(const FieldSpec& spec, const ConfigNode* node,
                              const std::string& path, SourcePlace holder) {
  if (node == nullptr || node->is_null()) {
    return Absent(spec, path, holder);
  }
  places_[path] = PlaceOfNode(*node);
  size_t before = diagnostics_.size();
  Value result;
  switch (spec.type()) {
    case FieldType::kObject:
      if (!node->is_map()) {
        Report(PlaceOfNode(*node), path,
               "expected a mapping of fields, found " + std::string(DescribeKind(*node)));
        return Value();
      }
      return ValidateObject(spec, *node, path, holder);
    case FieldType::kList:
      result = ValidateList(spec, *node, path);
      break;
    case FieldType::kMap:
      result = ValidateMap(spec, *node, path);
      break;
    case FieldType::kAny:
      result = ValidateAny(*node, path);
      break;
    default:
      result = ValidateScalar(spec, *node, path);
      break;
  }
  if (!result.is_undefined() && diagnostics_.size() == before) {
    RunChecks(spec, result, path, PlaceOfNode(*node));
  }
  return result;
}

Value SpecValidator::Absent(const FieldSpec& spec, const std::string& path, SourcePlace holder) {
  if (spec.has_default()) {
    auto typed = TypedDefault(spec);
    return typed.ok() ? *typed : Value();
  }
  if (spec.required()) {
    Report(holder, path, "required field is missing");
    return Value();
  }
  if (spec.type() != FieldType::kObject) {
    return Value();
  }
  // An optional object whose fields can all be left out is filled with their defaults, so that
  // code reading the config finds them.
  for (const FieldSpec& child : spec.fields()) {
    if (child.required()) {
      return Value();
    }
  }
  Diagnostics outer;
  std::swap(outer, diagnostics_);
  ConfigNode empty;
  empty.kind = ConfigNode::Kind::kMap;
  Value result = ValidateObject(spec, empty, path, holder);
  bool clean = diagnostics_.empty();
  std::swap(outer, diagnostics_);
  return clean ? result : Value();
}

Value SpecValidator::ValidateObject(const FieldSpec& spec, const ConfigNode& node,
                                    const std::string& path, SourcePlace holder,
                                    std::initializer_list<std::string_view> reserved) {
  size_t before = diagnostics_.size();
  std::vector<std::string> known;
  for (const FieldSpec& child : spec.fields()) {
    known.push_back(child.name());
  }
  for (const ConfigEntry& entry : node.entries) {
    if (std::find(reserved.begin(), reserved.end(), entry.key) != reserved.end() ||
        spec.FindField(entry.key) != nullptr) {
      continue;
    }
    std::string message = "unknown field" + DidYouMean(entry.key, known);
    if (known.empty()) {
      message += "; this takes no fields";
    } else if (known.size() <= 12) {
      message += "; known fields: " + Join(known);
    }
    Report(SourcePlace{entry.line, entry.column}, ChildPath(path, entry.key), std::move(message));
  }
  Object out;
  for (const FieldSpec& child : spec.fields()) {
    const ConfigEntry* entry = node.Find(child.name());
    std::string child_path = ChildPath(path, child.name());
    Value value = entry != nullptr ? Validate(child, &entry->value, child_path,
                                              SourcePlace{entry->line, entry->column})
                                   : Absent(child, child_path, holder);
    if (!value.is_undefined()) {
      out.Append(child.name(), std::move(value));
    }
  }
  Value result = Value::MakeObject(std::move(out));
  if (diagnostics_.size() == before) {
    RunChecks(spec, result, path, holder);
  }
  return result;
}

void SpecValidator::RunChecks(const FieldSpec& spec, const Value& value, const std::string& path,
                              SourcePlace place) {
  for (const FieldCheck& check : spec.checks()) {
    for (CheckProblem& problem : check(value)) {
      std::string problem_path = path;
      SourcePlace at = place;
      if (!problem.field.empty()) {
        problem_path = ChildPath(path, problem.field);
        auto it = places_.find(problem_path);
        if (it != places_.end()) {
          at = it->second;
        }
      }
      Report(at, std::move(problem_path), std::move(problem.message));
    }
  }
}

std::optional<std::string> SpecValidator::ScalarText(const ConfigNode& node,
                                                     const std::string& path) {
  if (!HasInterpolation(node.text)) {
    return node.text;
  }
  auto text = Interpolate(node.text, env_.env);
  if (!text.ok()) {
    Report(InterpolationPlace(node, node.text, text.error().offset), path, text.error().message);
    return std::nullopt;
  }
  return std::move(text).value();
}

SourcePlace SpecValidator::InterpolationPlace(const ConfigNode& node, std::string_view parsed_text,
                                              size_t offset) const {
  SourcePlace fallback = PlaceOfNode(node);
  std::string_view source = env_.source;
  if (source.empty() || node.line <= 0) {
    return fallback;
  }
  // The n-th "${" of the parsed text is the n-th "${" of the source from the node's start:
  // quoting and folding change the text around it, not the reference itself.
  size_t nth = 0;
  for (size_t p = parsed_text.find("${"); p != std::string_view::npos && p < offset;
       p = parsed_text.find("${", p + 1)) {
    ++nth;
  }
  size_t pos = 0;
  for (int line = 1; line < node.line; ++line) {
    pos = source.find('\n', pos);
    if (pos == std::string_view::npos) {
      return fallback;
    }
    ++pos;
  }
  pos += static_cast<size_t>(node.column - 1);
  size_t found = source.find("${", pos);
  for (size_t i = 0; i < nth && found != std::string_view::npos; ++i) {
    found = source.find("${", found + 1);
  }
  if (found == std::string_view::npos) {
    return fallback;
  }
  SourcePlace place{1, 1};
  for (size_t i = 0; i < found; ++i) {
    if (source[i] == '\n') {
      ++place.line;
      place.column = 1;
    } else {
      ++place.column;
    }
  }
  return place;
}

std::optional<std::string> SpecValidator::ResolveSecret(std::string text, const ConfigNode& node,
                                                        const std::string& path) {
  if (text.rfind("file:", 0) != 0) {
    return text;
  }
  std::string file_path = text.substr(5);
  if (file_path.empty()) {
    Report(PlaceOfNode(node), path, "\"file:\" needs a path, as in file:/run/secrets/token");
    return std::nullopt;
  }
  std::string resolved = file_path;
  if (file_path.front() != '/' && !env_.base_dir.empty()) {
    resolved = env_.base_dir + "/" + file_path;
  }
  if (!env_.read_file) {
    Report(PlaceOfNode(node), path, "cannot read secret file " + Quoted(file_path));
    return std::nullopt;
  }
  auto content = env_.read_file(resolved);
  if (!content.ok()) {
    Report(PlaceOfNode(node), path,
           "cannot read secret file " + Quoted(file_path) + ": " +
               std::string(content.status().message()));
    return std::nullopt;
  }
  std::string secret = std::move(content).value();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) {
    secret.pop_back();
  }
  return secret;
}

Value SpecValidator::ValidateScalar(const FieldSpec& spec, const ConfigNode& node,
                                    const std::string& path) {
  SourcePlace place = PlaceOfNode(node);
  bool secret = spec.secret();
  if (!node.is_scalar()) {
    Report(place, path,
           "expected " + Expected(spec) + ", found " + std::string(DescribeKind(node)));
    return Value();
  }
  std::optional<std::string> text = ScalarText(node, path);
  if (!text.has_value()) {
    return Value();
  }
  if (secret) {
    text = ResolveSecret(std::move(*text), node, path);
    if (!text.has_value()) {
      return Value();
    }
  }
  const std::string& s = *text;
  std::string shown = Shown(s, secret);
  // Range checks name numbers as written; the bounds in the field's own units.
  auto in_range = [&](const Number& n, std::string_view as_written) {
    if (spec.min().has_value() && Compare(n, *spec.min()) < 0) {
      Report(place, path,
             std::string(as_written) + " is below the minimum " + FormatBound(spec, *spec.min()));
      return false;
    }
    if (spec.max().has_value() && Compare(n, *spec.max()) > 0) {
      Report(place, path,
             std::string(as_written) + " is above the maximum " + FormatBound(spec, *spec.max()));
      return false;
    }
    return true;
  };
  std::string as_written = secret ? "the value" : s;
  switch (spec.type()) {
    case FieldType::kString: {
      int64_t length = static_cast<int64_t>(CodePoints(s));
      if (spec.min().has_value() && Compare(Number::FromInt(length), *spec.min()) < 0) {
        Report(place, path,
               length == 0
                   ? std::string("must not be empty")
                   : shown + " is shorter than the minimum length " + spec.min()->ToString());
        return Value();
      }
      if (spec.max().has_value() && Compare(Number::FromInt(length), *spec.max()) > 0) {
        Report(place, path, shown + " is longer than the maximum length " + spec.max()->ToString());
        return Value();
      }
      return Value::Str(s);
    }
    case FieldType::kEnum: {
      const auto& values = spec.enum_values();
      if (std::find(values.begin(), values.end(), s) == values.end()) {
        Report(place, path,
               shown + " is not one of " + Join(values) +
                   (secret ? std::string() : DidYouMean(s, values)));
        return Value();
      }
      return Value::Str(s);
    }
    case FieldType::kBool: {
      std::optional<bool> b = ParseBool(s);
      if (!b.has_value()) {
        Report(place, path, shown + " is not true or false");
        return Value();
      }
      return Value::Bool(*b);
    }
    case FieldType::kInt: {
      std::optional<Number> n = Number::Parse(s);
      if (!n.has_value() || !n->ToInt64().has_value()) {
        Report(place, path, shown + " is not an integer");
        return Value();
      }
      return in_range(*n, as_written) ? Value::Num(*n) : Value();
    }
    case FieldType::kNumber: {
      std::optional<Number> n = Number::Parse(s);
      if (!n.has_value()) {
        Report(place, path, shown + " is not a number");
        return Value();
      }
      return in_range(*n, as_written) ? Value::Num(*n) : Value();
    }
    case FieldType::kDuration: {
      auto ms = ParseDuration(s);
      if (!ms.ok()) {
        Report(place, path,
               secret ? "the value is not a duration" : std::string(ms.status().message()));
        return Value();
      }
      Number n = Number::FromInt(ms->count());
      return in_range(n, as_written) ? Value::Num(n) : Value();
    }
    case FieldType::kSize: {
      auto bytes = ParseByteSize(s);
      if (!bytes.ok()) {
        Report(place, path,
               secret ? "the value is not a size" : std::string(bytes.status().message()));
        return Value();
      }
      if (*bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        Report(place, path, as_written + " is too large");
        return Value();
      }
      Number n = Number::FromInt(static_cast<int64_t>(*bytes));
      return in_range(n, as_written) ? Value::Num(n) : Value();
    }
    default:
      break;
  }
  return Value();
}

void SpecValidator::CheckCount(const FieldSpec& spec, size_t count, std::string_view noun,
                               const ConfigNode& node, const std::string& path) {
  Number n = Number::FromInt(static_cast<int64_t>(count));
  auto plural = [&](const Number& k) {
    return k.ToString() + " " + std::string(noun) + (k == Number::FromInt(1) ? "" : "s");
  };
  if (spec.min().has_value() && Compare(n, *spec.min()) < 0) {
    Report(PlaceOfNode(node), path,
           "needs at least " + plural(*spec.min()) + ", found " + std::to_string(count));
  } else if (spec.max().has_value() && Compare(n, *spec.max()) > 0) {
    Report(PlaceOfNode(node), path,
           "allows at most " + plural(*spec.max()) + ", found " + std::to_string(count));
  }
}

Value SpecValidator::ValidateList(const FieldSpec& spec, const ConfigNode& node,
                                  const std::string& path) {
  if (!node.is_sequence()) {
    Report(PlaceOfNode(node), path, "expected a list, found " + std::string(DescribeKind(node)));
    return Value();
  }
  Array items;
  for (size_t i = 0; i < node.items.size(); ++i) {
    const ConfigNode& item = node.items[i];
    std::string item_path = ItemPath(path, i);
    if (item.is_null()) {
      Report(PlaceOfNode(item), item_path, "empty list item");
      continue;
    }
    Value value = Validate(spec.element(), &item, item_path, PlaceOfNode(item));
    if (!value.is_undefined()) {
      items.push_back(std::move(value));
    }
  }
  CheckCount(spec, node.items.size(), "item", node, path);
  return Value::MakeArray(std::move(items));
}

Value SpecValidator::ValidateMap(const FieldSpec& spec, const ConfigNode& node,
                                 const std::string& path) {
  if (!node.is_map()) {
    Report(PlaceOfNode(node), path, "expected a mapping, found " + std::string(DescribeKind(node)));
    return Value();
  }
  Object out;
  for (const ConfigEntry& entry : node.entries) {
    std::string entry_path = ChildPath(path, entry.key);
    SourcePlace key_place{entry.line, entry.column};
    if (entry.value.is_null() && !spec.element().has_default()) {
      Report(key_place, entry_path, "missing value");
      continue;
    }
    Value value = Validate(spec.element(), &entry.value, entry_path, key_place);
    if (!value.is_undefined()) {
      out.Append(entry.key, std::move(value));
    }
  }
  CheckCount(spec, node.entries.size(), "entry", node, path);
  return Value::MakeObject(std::move(out));
}

Value SpecValidator::ValidateAny(const ConfigNode& node, const std::string& path) {
  places_[path] = PlaceOfNode(node);
  switch (node.kind) {
    case ConfigNode::Kind::kNull:
      return Value::Null();
    case ConfigNode::Kind::kScalar: {
      std::optional<std::string> text = ScalarText(node, path);
      if (!text.has_value()) {
        return Value();
      }
      if (node.plain) {
        if (IsNull(*text)) {
          return Value::Null();
        }
        if (std::optional<bool> b = ParseBool(*text)) {
          return Value::Bool(*b);
        }
        if (std::optional<Number> n = Number::Parse(*text)) {
          return Value::Num(*n);
        }
      }
      return Value::Str(std::move(*text));
    }
    case ConfigNode::Kind::kSequence: {
      Array items;
      for (size_t i = 0; i < node.items.size(); ++i) {
        items.push_back(ValidateAny(node.items[i], ItemPath(path, i)));
      }
      return Value::MakeArray(std::move(items));
    }
    case ConfigNode::Kind::kMap: {
      Object out;
      for (const ConfigEntry& entry : node.entries) {
        out.Append(entry.key, ValidateAny(entry.value, ChildPath(path, entry.key)));
      }
      return Value::MakeObject(std::move(out));
    }
  }
  return Value();
}

std::optional<ComponentConfig> SpecValidator::ValidateComponent(
    const ComponentRegistry& registry, ComponentKind kind, const ConfigNode& node,
    const std::string& path, SourcePlace holder, bool allow_label) {
  std::string kind_name(ComponentKindName(kind));
  std::vector<std::string> known = registry.Names(kind);
  std::string example = known.empty() ? "NAME" : known.front();
  std::string label;
  std::string type;
  SourcePlace type_place = holder;
  const ConfigNode* fields_node = nullptr;

  if (node.is_scalar()) {
    type = node.text;
    type_place = PlaceOfNode(node);
  } else if (node.is_map()) {
    std::vector<const ConfigEntry*> candidates;
    for (const ConfigEntry& entry : node.entries) {
      if (allow_label && entry.key == "name") {
        if (!entry.value.is_scalar() || entry.value.text.empty()) {
          Report(SourcePlace{entry.line, entry.column}, ChildPath(path, "name"),
                 "expected a name for this " + kind_name);
        } else {
          label = entry.value.text;
        }
        continue;
      }
      candidates.push_back(&entry);
    }
    const ConfigEntry* chosen = nullptr;
    if (candidates.size() == 1) {
      chosen = candidates.front();
    } else {
      std::vector<std::string> keys;
      for (const ConfigEntry* c : candidates) {
        keys.push_back(c->key);
        if (registry.Find(kind, c->key) != nullptr && chosen == nullptr) {
          chosen = c;
        }
      }
      Report(holder, path,
             candidates.empty()
                 ? "expected one " + kind_name + ", as in {" + example + ": {...}}"
                 : "expected one " + kind_name + " here, found " +
                       std::to_string(candidates.size()) + " keys (" + Join(keys) +
                       "); a component's fields go under its name, as in {" + example + ": {...}}");
      if (chosen == nullptr) {
        return std::nullopt;
      }
    }
    type = chosen->key;
    type_place = SourcePlace{chosen->line, chosen->column};
    fields_node = &chosen->value;
  } else {
    Report(node.is_null() ? holder : PlaceOfNode(node), path,
           "expected one " + kind_name + ", as in {" + example + ": {...}}, found " +
               std::string(DescribeKind(node)));
    return std::nullopt;
  }

  const ComponentRegistry::Entry* entry = registry.Find(kind, type);
  if (entry == nullptr) {
    std::string message = "unknown " + kind_name + " " + Quoted(type) + DidYouMean(type, known);
    message +=
        known.empty() ? "; none are registered" : "; known " + kind_name + "s: " + Join(known);
    Report(type_place, path, std::move(message));
    return std::nullopt;
  }

  ComponentConfig config;
  config.kind = kind;
  config.type = type;
  config.name = label.empty() ? type : label;
  config.path = path;
  config.file = file_;
  config.place = type_place;
  config.spec = &entry->spec;
  ConfigNode empty;
  empty.kind = ConfigNode::Kind::kMap;
  if (fields_node != nullptr && !fields_node->is_null() && !fields_node->is_map()) {
    Report(PlaceOfNode(*fields_node), path,
           "the fields of " + type + " must be a mapping, found " +
               std::string(DescribeKind(*fields_node)));
    fields_node = nullptr;
  }
  const ConfigNode& fields = fields_node != nullptr && fields_node->is_map() ? *fields_node : empty;
  config.fields = ValidateObject(entry->spec.root(), fields, path, type_place);
  for (auto it = places_.lower_bound(path); it != places_.end(); ++it) {
    std::string_view key = it->first;
    if (key.substr(0, path.size()) != path) {
      break;
    }
    std::string_view rest = key.substr(path.size());
    if (rest.empty()) {
      continue;
    }
    if (rest.front() == '.') {
      config.places.emplace(std::string(rest.substr(1)), it->second);
    } else if (rest.front() == '[') {
      config.places.emplace(std::string(rest), it->second);
    }
  }
  return config;
}

}  // namespace erphub
