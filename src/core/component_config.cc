#include "core/component_config.h"

namespace erphub {
namespace {

const Value& Undefined() {
  static const Value* const kUndefined = new Value();
  return *kUndefined;
}

}  // namespace

const Value& ComponentConfig::Get(std::string_view field_path) const {
  const Value* current = &fields;
  while (!field_path.empty()) {
    size_t dot = field_path.find('.');
    std::string_view key = field_path.substr(0, dot);
    if (!current->is_object()) {
      return Undefined();
    }
    const Value* next = current->as_object().Find(key);
    if (next == nullptr) {
      return Undefined();
    }
    current = next;
    field_path = dot == std::string_view::npos ? std::string_view() : field_path.substr(dot + 1);
  }
  return *current;
}

std::string_view ComponentConfig::GetString(std::string_view field_path) const {
  const Value& v = Get(field_path);
  return v.is_string() ? v.as_string() : std::string_view();
}

int64_t ComponentConfig::GetInt(std::string_view field_path) const {
  const Value& v = Get(field_path);
  if (!v.is_number()) {
    return 0;
  }
  return v.as_number().ToInt64().value_or(0);
}

bool ComponentConfig::GetBool(std::string_view field_path) const {
  const Value& v = Get(field_path);
  return v.is_bool() && v.as_bool();
}

std::chrono::milliseconds ComponentConfig::GetDuration(std::string_view field_path) const {
  return std::chrono::milliseconds(GetInt(field_path));
}

uint64_t ComponentConfig::GetSize(std::string_view field_path) const {
  int64_t bytes = GetInt(field_path);
  return bytes < 0 ? 0 : static_cast<uint64_t>(bytes);
}

SourcePlace ComponentConfig::PlaceOf(std::string_view field_path) const {
  auto it = places.find(field_path);
  return it == places.end() ? place : it->second;
}

Diagnostic ComponentConfig::Problem(std::string_view field_path, std::string message) const {
  SourcePlace at = PlaceOf(field_path);
  std::string full_path = path;
  if (!field_path.empty()) {
    full_path += '.';
    full_path += field_path;
  }
  return Diagnostic{file, at.line, at.column, std::move(full_path), std::move(message)};
}

Value ComponentConfig::Redacted() const {
  return spec == nullptr ? fields : RedactSecrets(spec->root(), fields);
}

}  // namespace erphub
