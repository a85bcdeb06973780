#include "core/component_spec.h"

#include <algorithm>

#include "core/config_units.h"
#include "core/result.h"

namespace erphub {

std::string_view ComponentKindName(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kInput:
      return "input";
    case ComponentKind::kStep:
      return "step";
    case ComponentKind::kOutput:
      return "output";
  }
  return "component";
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kInt:
      return "int";
    case FieldType::kNumber:
      return "number";
    case FieldType::kBool:
      return "bool";
    case FieldType::kDuration:
      return "duration";
    case FieldType::kSize:
      return "size";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kObject:
      return "object";
    case FieldType::kList:
      return "list";
    case FieldType::kMap:
      return "map";
    case FieldType::kAny:
      return "any";
  }
  return "unknown";
}

FieldSpec::FieldSpec(FieldType type, std::string name) : type_(type), name_(std::move(name)) {}

FieldSpec& FieldSpec::Description(std::string text) {
  description_ = std::move(text);
  return *this;
}

FieldSpec& FieldSpec::Required() {
  required_ = true;
  return *this;
}

FieldSpec& FieldSpec::Secret() {
  secret_ = true;
  return *this;
}

FieldSpec& FieldSpec::Default(Value value) {
  default_ = std::move(value);
  return *this;
}

FieldSpec& FieldSpec::Default(const char* text) { return Default(Value::Str(text)); }
FieldSpec& FieldSpec::Default(std::string text) { return Default(Value::Str(std::move(text))); }
FieldSpec& FieldSpec::Default(int value) { return Default(Value::Int(value)); }
FieldSpec& FieldSpec::Default(int64_t value) { return Default(Value::Int(value)); }
FieldSpec& FieldSpec::Default(bool value) { return Default(Value::Bool(value)); }
FieldSpec& FieldSpec::Default(std::chrono::milliseconds value) {
  return Default(Value::Int(value.count()));
}

FieldSpec& FieldSpec::Min(int64_t value) { return Min(Number::FromInt(value)); }
FieldSpec& FieldSpec::Max(int64_t value) { return Max(Number::FromInt(value)); }

FieldSpec& FieldSpec::Min(Number value) {
  min_ = value;
  return *this;
}

FieldSpec& FieldSpec::Max(Number value) {
  max_ = value;
  return *this;
}

FieldSpec& FieldSpec::Min(std::chrono::milliseconds value) { return Min(int64_t{value.count()}); }
FieldSpec& FieldSpec::Max(std::chrono::milliseconds value) { return Max(int64_t{value.count()}); }

FieldSpec& FieldSpec::Field(FieldSpec child) {
  ERPHUB_CHECK(type_ == FieldType::kObject);
  children_.push_back(std::move(child));
  return *this;
}

FieldSpec& FieldSpec::Check(FieldCheck check) {
  checks_.push_back(std::move(check));
  return *this;
}

const FieldSpec* FieldSpec::FindField(std::string_view name) const {
  if (type_ != FieldType::kObject) {
    return nullptr;
  }
  for (const FieldSpec& child : children_) {
    if (child.name() == name) {
      return &child;
    }
  }
  return nullptr;
}

const FieldSpec& FieldSpec::element() const {
  ERPHUB_CHECK((type_ == FieldType::kList || type_ == FieldType::kMap) && children_.size() == 1);
  return children_.front();
}

FieldSpec StringField(std::string name) { return FieldSpec(FieldType::kString, std::move(name)); }
FieldSpec IntField(std::string name) { return FieldSpec(FieldType::kInt, std::move(name)); }
FieldSpec NumberField(std::string name) { return FieldSpec(FieldType::kNumber, std::move(name)); }
FieldSpec BoolField(std::string name) { return FieldSpec(FieldType::kBool, std::move(name)); }
FieldSpec DurationField(std::string name) {
  return FieldSpec(FieldType::kDuration, std::move(name));
}
FieldSpec SizeField(std::string name) { return FieldSpec(FieldType::kSize, std::move(name)); }
FieldSpec ObjectField(std::string name) { return FieldSpec(FieldType::kObject, std::move(name)); }
FieldSpec AnyField(std::string name) { return FieldSpec(FieldType::kAny, std::move(name)); }

FieldSpec EnumField(std::string name, std::vector<std::string> values) {
  FieldSpec spec(FieldType::kEnum, std::move(name));
  spec.enum_values_ = std::move(values);
  return spec;
}

FieldSpec ListField(std::string name, FieldSpec element) {
  FieldSpec spec(FieldType::kList, std::move(name));
  spec.children_.push_back(std::move(element));
  return spec;
}

FieldSpec MapField(std::string name, FieldSpec element) {
  FieldSpec spec(FieldType::kMap, std::move(name));
  spec.children_.push_back(std::move(element));
  return spec;
}

namespace {

bool IsSet(const Value& object, const std::string& field) {
  const Value& v = object.Get(field);
  return !v.is_undefined() && !v.is_null();
}

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += i + 1 == names.size() ? " or " : ", ";
    }
    out += names[i];
  }
  return out;
}

}  // namespace

FieldCheck ExactlyOneOf(std::vector<std::string> fields) {
  return [fields = std::move(fields)](const Value& object) {
    std::vector<std::string> set;
    for (const std::string& f : fields) {
      if (IsSet(object, f)) {
        set.push_back(f);
      }
    }
    std::vector<CheckProblem> problems;
    if (set.empty()) {
      problems.push_back({"", "set one of " + JoinQuoted(fields)});
    } else if (set.size() > 1) {
      problems.push_back({set[1], "set only one of " + JoinQuoted(fields)});
    }
    return problems;
  };
}

FieldCheck AtMostOneOf(std::vector<std::string> fields) {
  return [fields = std::move(fields)](const Value& object) {
    std::vector<std::string> set;
    for (const std::string& f : fields) {
      if (IsSet(object, f)) {
        set.push_back(f);
      }
    }
    std::vector<CheckProblem> problems;
    if (set.size() > 1) {
      problems.push_back({set[1], "set at most one of " + JoinQuoted(fields)});
    }
    return problems;
  };
}

FieldCheck VariantFields(std::string tag, std::vector<Variant> variants) {
  return [tag = std::move(tag), variants = std::move(variants)](const Value& object) {
    std::vector<CheckProblem> problems;
    const Value& tag_value = object.Get(tag);
    if (!tag_value.is_string()) {
      return problems;
    }
    const Variant* chosen = nullptr;
    for (const Variant& v : variants) {
      if (v.tag_value == tag_value.as_string()) {
        chosen = &v;
      }
    }
    if (chosen == nullptr) {
      return problems;
    }
    auto in_chosen = [&](const std::string& f) {
      return std::find(chosen->required_fields.begin(), chosen->required_fields.end(), f) !=
             chosen->required_fields.end();
    };
    for (const std::string& f : chosen->required_fields) {
      if (!IsSet(object, f)) {
        problems.push_back(
            {"", "\"" + f + "\" is required when " + tag + " is " + chosen->tag_value});
      }
    }
    std::vector<std::string> reported;
    for (const Variant& other : variants) {
      for (const std::string& f : other.required_fields) {
        if (!in_chosen(f) && IsSet(object, f) &&
            std::find(reported.begin(), reported.end(), f) == reported.end()) {
          reported.push_back(f);
          problems.push_back({f, "not used when " + tag + " is " + chosen->tag_value});
        }
      }
    }
    return problems;
  };
}

ComponentSpec::ComponentSpec(ComponentKind kind, std::string name)
    : kind_(kind), root_(ObjectField(std::move(name))) {}

ComponentSpec ComponentSpec::Input(std::string name) {
  return ComponentSpec(ComponentKind::kInput, std::move(name));
}
ComponentSpec ComponentSpec::Step(std::string name) {
  return ComponentSpec(ComponentKind::kStep, std::move(name));
}
ComponentSpec ComponentSpec::Output(std::string name) {
  return ComponentSpec(ComponentKind::kOutput, std::move(name));
}

ComponentSpec& ComponentSpec::Summary(std::string text) {
  root_.Description(std::move(text));
  return *this;
}

ComponentSpec& ComponentSpec::Field(FieldSpec field) {
  root_.Field(std::move(field));
  return *this;
}

ComponentSpec& ComponentSpec::Check(FieldCheck check) {
  root_.Check(std::move(check));
  return *this;
}

namespace {

Value Present(const FieldSpec& spec, const Value& value, bool as_text) {
  if (value.is_undefined()) {
    return value;
  }
  if (spec.secret()) {
    return Value::Str(kRedacted);
  }
  switch (spec.type()) {
    case FieldType::kDuration:
      if (as_text && value.is_number()) {
        return Value::Str(
            FormatDuration(std::chrono::milliseconds(value.as_number().ToInt64().value_or(0))));
      }
      return value;
    case FieldType::kSize:
      if (as_text && value.is_number()) {
        return Value::Str(
            FormatByteSize(static_cast<uint64_t>(value.as_number().ToInt64().value_or(0))));
      }
      return value;
    case FieldType::kObject: {
      if (!value.is_object()) {
        return value;
      }
      Object out;
      for (const auto& [key, item] : value.as_object()) {
        const FieldSpec* child = spec.FindField(key);
        out.Append(key, child == nullptr ? item : Present(*child, item, as_text));
      }
      return Value::MakeObject(std::move(out));
    }
    case FieldType::kList: {
      if (!value.is_array()) {
        return value;
      }
      Array items;
      for (const Value& item : value.as_array()) {
        items.push_back(Present(spec.element(), item, as_text));
      }
      return Value::MakeArray(std::move(items));
    }
    case FieldType::kMap: {
      if (!value.is_object()) {
        return value;
      }
      Object out;
      for (const auto& [key, item] : value.as_object()) {
        out.Append(key, Present(spec.element(), item, as_text));
      }
      return Value::MakeObject(std::move(out));
    }
    default:
      return value;
  }
}

}  // namespace

Value RedactSecrets(const FieldSpec& spec, const Value& value) {
  return Present(spec, value, false);
}

Value DisplayValue(const FieldSpec& spec, const Value& value) { return Present(spec, value, true); }

}  // namespace erphub
