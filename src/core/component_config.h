#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/component_spec.h"
#include "core/diagnostic.h"
#include "core/value.h"

namespace erphub {

// A place in a config file (1-based; 0 when unknown).
struct SourcePlace {
  int line = 0;
  int column = 0;
};

// One component's validated configuration, as its factory receives it: the typed field values
// with defaults applied, and where each came from so that later problems (an expression that
// does not compile, a schema file that is missing) can name the place.
struct ComponentConfig {
  ComponentKind kind = ComponentKind::kStep;
  std::string type;  // the component's registered name: "webhook", "map"
  std::string name;  // the `name:` given in the config, or `type`
  std::string path;  // dotted path of the component in the config: "flows.orders.steps[1]"
  std::string file;
  SourcePlace place;
  // An object with the fields of the spec (see FieldType for the value of each type). Secrets
  // are in the clear here: use Redacted() for anything shown.
  Value fields;
  // Places of the configured (not defaulted) values, by path relative to the component:
  // "signature.secret", "headers.Accept", "lines[0]".
  std::map<std::string, SourcePlace, std::less<>> places;
  // The spec the fields were validated against; owned by the registry, which outlives this.
  const ComponentSpec* spec = nullptr;

  // The value at a relative dotted path ("signature.preset"); undefined when absent.
  const Value& Get(std::string_view field_path) const;
  // Typed access; absent values read as "", 0 and false.
  std::string_view GetString(std::string_view field_path) const;
  int64_t GetInt(std::string_view field_path) const;
  bool GetBool(std::string_view field_path) const;
  std::chrono::milliseconds GetDuration(std::string_view field_path) const;
  uint64_t GetSize(std::string_view field_path) const;
  bool Has(std::string_view field_path) const { return !Get(field_path).is_undefined(); }

  // The place of a field (or of the component when the field has none).
  SourcePlace PlaceOf(std::string_view field_path) const;
  // A diagnostic about a field, at its place: "file:l:c: flows.x.steps[1].expression: message".
  Diagnostic Problem(std::string_view field_path, std::string message) const;
  // `fields` with every secret replaced by "[redacted]".
  Value Redacted() const;
};

}  // namespace erphub
