#include "core/component_registry.h"

#include "core/spec_validator.h"

namespace erphub {
namespace {

// Every default in the spec must read as a value of its own field.
Status CheckDefaults(const FieldSpec& field, const std::string& path) {
  auto typed = TypedDefault(field);
  if (!typed.ok()) {
    return InvalidArgumentError(std::string(typed.status().message()), path);
  }
  if (field.type() == FieldType::kObject) {
    for (const FieldSpec& child : field.fields()) {
      ERPHUB_TRY(CheckDefaults(child, ChildPath(path, child.name())));
    }
  } else if (field.type() == FieldType::kList || field.type() == FieldType::kMap) {
    ERPHUB_TRY(CheckDefaults(field.element(), path + "[]"));
  }
  return Status();
}

}  // namespace

Status ComponentRegistry::Register(ComponentSpec spec, ComponentFactory factory) {
  std::string label = std::string(ComponentKindName(spec.kind())) + " " + spec.name();
  ERPHUB_TRY(CheckDefaults(spec.root(), label));
  auto key = std::make_pair(spec.kind(), spec.name());
  if (entries_.count(key) != 0) {
    return Status(StatusCode::kAlreadyExists, "registered twice", label);
  }
  entries_.emplace(std::move(key), Entry{std::move(spec), std::move(factory)});
  return Status();
}

const ComponentRegistry::Entry* ComponentRegistry::Find(ComponentKind kind,
                                                        std::string_view name) const {
  auto it = entries_.find(std::make_pair(kind, std::string(name)));
  return it == entries_.end() ? nullptr : &it->second;
}

const ComponentSpec* ComponentRegistry::FindSpec(ComponentKind kind, std::string_view name) const {
  const Entry* entry = Find(kind, name);
  return entry == nullptr ? nullptr : &entry->spec;
}

std::vector<const ComponentSpec*> ComponentRegistry::Specs(ComponentKind kind) const {
  std::vector<const ComponentSpec*> out;
  for (const auto& [key, entry] : entries_) {
    if (key.first == kind) {
      out.push_back(&entry.spec);
    }
  }
  return out;
}

std::vector<std::string> ComponentRegistry::Names(ComponentKind kind) const {
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_) {
    if (key.first == kind) {
      out.push_back(key.second);
    }
  }
  return out;
}

}  // namespace erphub
