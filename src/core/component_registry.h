#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/component_config.h"
#include "core/component_spec.h"
#include "core/lookups.h"
#include "core/result.h"
#include "core/value.h"

namespace erphub {

class Clock;

// Base of every built component; the engine knows the concrete interface of each kind.
class Component {
 public:
  virtual ~Component() = default;
};

// What a factory may use besides the component's own config.
struct ComponentEnv {
  // Folder of the config file: relative paths in component fields resolve against it.
  std::string base_dir;
  const Clock* clock = nullptr;
  // Value maps and cross-references for mappings; nullptr where the hub offers none (lint, map).
  const Lookups* lookups = nullptr;
  // The config's `partners:` section (validated fields by partner id); null when it has none.
  const Value* partners = nullptr;
};

// Builds a component from its validated config. Runs only after the whole config validated.
using ComponentFactory = std::function<Result<std::unique_ptr<Component>>(
    const ComponentConfig& config, const ComponentEnv& env)>;

// The components erphub knows, by kind and name. Filled explicitly by one list of built-ins (no
// self-registering globals); read-only once config loading starts.
class ComponentRegistry {
 public:
  struct Entry {
    ComponentSpec spec;
    ComponentFactory factory;  // empty for spec-only registrations (lint, docs)
  };

  ComponentRegistry() = default;
  ComponentRegistry(const ComponentRegistry&) = delete;
  ComponentRegistry& operator=(const ComponentRegistry&) = delete;

  // Adds a component. kAlreadyExists when one of the same kind and name is registered;
  // kInvalidArgument when a default does not fit its own field (a bug in the spec).
  Status Register(ComponentSpec spec, ComponentFactory factory = nullptr);

  // nullptr when unknown. Pointers stay valid for the registry's lifetime.
  const Entry* Find(ComponentKind kind, std::string_view name) const;
  const ComponentSpec* FindSpec(ComponentKind kind, std::string_view name) const;

  // The registered components of a kind, sorted by name.
  std::vector<const ComponentSpec*> Specs(ComponentKind kind) const;
  std::vector<std::string> Names(ComponentKind kind) const;

 private:
  std::map<std::pair<ComponentKind, std::string>, Entry> entries_;
};

}  // namespace erphub
