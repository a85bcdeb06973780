#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/number.h"
#include "core/value.h"

namespace erphub {

// What a component is: a source of messages, a step that transforms them, or a delivery target.
enum class ComponentKind { kInput, kStep, kOutput };

// "input", "step", "output".
std::string_view ComponentKindName(ComponentKind kind);

// The types a config field can have. After validation a field's Value is: string, enum -> string;
// int, number -> exact Number; bool -> bool; duration -> Number of milliseconds; size -> Number of
// bytes; object, map -> object; list -> array; any -> the YAML value as JSON (plain scalars
// resolve to null, booleans and numbers; quoted ones stay strings).
enum class FieldType {
  kString,
  kInt,
  kNumber,
  kBool,
  kDuration,
  kSize,
  kEnum,
  kObject,
  kList,
  kMap,
  kAny,
};

// "string", "int", ..., as written in docs and messages.
std::string_view FieldTypeName(FieldType type);

// A problem found by a custom check. `field` names a direct child of the checked object (empty:
// the checked value itself); the validator adds the place and the path.
struct CheckProblem {
  std::string field;
  std::string message;
};

// A rule over a field's validated value that one field's type cannot express (exactly one of two
// fields, a URL that must start with http). Runs only when the value itself validated cleanly.
using FieldCheck = std::function<std::vector<CheckProblem>(const Value& value)>;

// The declaration of one config field: its type, default, bounds, documentation and whether it
// holds a secret. Built fluently:
//
//   IntField("batch_size").Default(100).Min(1).Description("Records per transaction.")
//
// min/max bound the value of int, number, duration and size fields, the length of strings, and
// the number of items of lists and maps. Secret fields accept "file:/path" (the file's content,
// without its trailing newline, is the value), and their values never appear in messages or in
// redacted output.
class FieldSpec {
 public:
  FieldSpec(FieldType type, std::string name);

  FieldSpec& Description(std::string text);
  FieldSpec& Required();
  FieldSpec& Secret();
  // Defaults are written as a user would write them ("30s", "1MB", 100, true) and validated
  // like user input when the registry takes the spec.
  FieldSpec& Default(Value value);
  FieldSpec& Default(const char* text);
  FieldSpec& Default(std::string text);
  FieldSpec& Default(int value);
  FieldSpec& Default(int64_t value);
  FieldSpec& Default(bool value);
  FieldSpec& Default(std::chrono::milliseconds value);
  FieldSpec& Min(int64_t value);
  FieldSpec& Max(int64_t value);
  FieldSpec& Min(Number value);
  FieldSpec& Max(Number value);
  FieldSpec& Min(std::chrono::milliseconds value);
  FieldSpec& Max(std::chrono::milliseconds value);
  // Adds a child field (object fields only).
  FieldSpec& Field(FieldSpec child);
  FieldSpec& Check(FieldCheck check);

  FieldType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  bool required() const { return required_; }
  bool secret() const { return secret_; }
  bool has_default() const { return !default_.is_undefined(); }
  // The default as written in the spec (undefined when none).
  const Value& default_value() const { return default_; }
  const std::optional<Number>& min() const { return min_; }
  const std::optional<Number>& max() const { return max_; }
  const std::vector<std::string>& enum_values() const { return enum_values_; }
  // Object fields: the children, in declaration order.
  const std::vector<FieldSpec>& fields() const { return children_; }
  // The child of an object field with this name, or nullptr.
  const FieldSpec* FindField(std::string_view name) const;
  // List and map fields: the spec of each item (its name is unused).
  const FieldSpec& element() const;
  const std::vector<FieldCheck>& checks() const { return checks_; }

 private:
  friend FieldSpec EnumField(std::string name, std::vector<std::string> values);
  friend FieldSpec ListField(std::string name, FieldSpec element);
  friend FieldSpec MapField(std::string name, FieldSpec element);

  FieldType type_;
  std::string name_;
  std::string description_;
  bool required_ = false;
  bool secret_ = false;
  Value default_;
  std::optional<Number> min_;
  std::optional<Number> max_;
  std::vector<std::string> enum_values_;
  std::vector<FieldSpec> children_;  // object: the fields; list and map: the one element spec
  std::vector<FieldCheck> checks_;
};

FieldSpec StringField(std::string name);
FieldSpec IntField(std::string name);
// Numbers stay exact decimals ("0.1" is exactly 0.1).
FieldSpec NumberField(std::string name);
FieldSpec BoolField(std::string name);
FieldSpec DurationField(std::string name);
FieldSpec SizeField(std::string name);
FieldSpec EnumField(std::string name, std::vector<std::string> values);
FieldSpec ObjectField(std::string name);
FieldSpec ListField(std::string name, FieldSpec element);
FieldSpec MapField(std::string name, FieldSpec element);
FieldSpec AnyField(std::string name);

// Checks for object fields.
// Exactly one of `fields` must be set.
FieldCheck ExactlyOneOf(std::vector<std::string> fields);
// At most one of `fields` may be set.
FieldCheck AtMostOneOf(std::vector<std::string> fields);
// An object whose enum field `tag` selects a variant: each variant lists the fields it requires;
// fields that other variants require are not allowed in it. E.g. auth with type bearer needs
// `token` and must not have `password`.
struct Variant {
  std::string tag_value;
  std::vector<std::string> required_fields;
};
FieldCheck VariantFields(std::string tag, std::vector<Variant> variants);

// The spec of one component: its kind, name, one-line summary and fields. Drives config
// validation, `erphub lint` and the generated reference docs (STYLE.md rule 5):
//
//   ComponentSpec CsvInputSpec() {
//     return ComponentSpec::Input("csv").Summary("Reads CSV files dropped into a folder.")
//         .Field(StringField("path").Required().Description("Folder to watch."));
//   }
class ComponentSpec {
 public:
  static ComponentSpec Input(std::string name);
  static ComponentSpec Step(std::string name);
  static ComponentSpec Output(std::string name);

  ComponentSpec& Summary(std::string text);
  ComponentSpec& Field(FieldSpec field);
  // A rule over the whole validated config of the component.
  ComponentSpec& Check(FieldCheck check);

  ComponentKind kind() const { return kind_; }
  const std::string& name() const { return root_.name(); }
  const std::string& summary() const { return root_.description(); }
  const std::vector<FieldSpec>& fields() const { return root_.fields(); }
  // The component's config as one object field (its fields and checks).
  const FieldSpec& root() const { return root_; }

 private:
  ComponentSpec(ComponentKind kind, std::string name);

  ComponentKind kind_;
  FieldSpec root_;
};

// A copy of `value` (validated against `spec`) with every secret replaced by "[redacted]".
Value RedactSecrets(const FieldSpec& spec, const Value& value);

// Like RedactSecrets, and durations and sizes written back as text ("30s", "1MB"): the form
// for showing an effective configuration to a person.
Value DisplayValue(const FieldSpec& spec, const Value& value);

// What redacted secrets read as.
inline constexpr std::string_view kRedacted = "[redacted]";

}  // namespace erphub
