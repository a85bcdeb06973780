#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/component_config.h"
#include "core/component_registry.h"
#include "core/component_spec.h"
#include "core/config_node.h"
#include "core/diagnostic.h"
#include "core/interpolation.h"
#include "core/result.h"
#include "core/value.h"

namespace erphub {

// Reads a whole file; injected so that tests decide what files hold.
using FileReader = std::function<Result<std::string>(const std::string& path)>;

// Reads files from the local file system.
FileReader LocalFileReader();

// What validation needs besides the spec and the YAML.
struct ValidationEnv {
  EnvLookup env;            // for ${VAR}; empty: every variable is unset
  FileReader read_file;     // for file: secrets; empty: file: secrets fail
  std::string base_dir;     // relative file: paths resolve against it
  std::string_view source;  // the YAML text, to place ${...} problems exactly (optional)
};

// Checks YAML nodes against field specs and turns them into typed Values (see FieldType),
// applying defaults, ${VAR} interpolation and file: secrets. It never stops at the first
// problem: each one becomes a Diagnostic with place and dotted path, and validation goes on
// with the next value. Messages never show the value of a secret field.
class SpecValidator {
 public:
  SpecValidator(std::string file, ValidationEnv env);

  // Validates `node` (nullptr when the key is absent) against `spec` at `path`. `holder` is the
  // place of the key that holds the value, where problems about a missing value point. Returns
  // the typed value, or undefined when absent without default or invalid.
  Value Validate(const FieldSpec& spec, const ConfigNode* node, const std::string& path,
                 SourcePlace holder);

  // Validates a mapping against an object spec, leaving the keys in `reserved` to the caller.
  Value ValidateObject(const FieldSpec& spec, const ConfigNode& node, const std::string& path,
                       SourcePlace holder, std::initializer_list<std::string_view> reserved = {});

  // Validates a component reference of `kind` at `path`: either the component's name alone
  // ("dedupe") or a mapping with the name as its one key and the fields under it
  // ({webhook: {path: /orders}}), plus an optional `name:` label when `allow_label`.
  std::optional<ComponentConfig> ValidateComponent(const ComponentRegistry& registry,
                                                   ComponentKind kind, const ConfigNode& node,
                                                   const std::string& path, SourcePlace holder,
                                                   bool allow_label);

  // A scalar's text after ${VAR} interpolation; nullopt (and a diagnostic) on failure.
  // Interpolation messages name variables, never values.
  std::optional<std::string> ScalarText(const ConfigNode& node, const std::string& path);

  void Report(SourcePlace place, std::string path, std::string message);
  Diagnostics& diagnostics() { return diagnostics_; }
  const std::string& file() const { return file_; }
  // The place of every configured value validated so far, by dotted path.
  const std::map<std::string, SourcePlace, std::less<>>& places() const { return places_; }

 private:
  Value ValidateScalar(const FieldSpec& spec, const ConfigNode& node, const std::string& path);
  Value ValidateList(const FieldSpec& spec, const ConfigNode& node, const std::string& path);
  Value ValidateMap(const FieldSpec& spec, const ConfigNode& node, const std::string& path);
  Value ValidateAny(const ConfigNode& node, const std::string& path);
  Value Absent(const FieldSpec& spec, const std::string& path, SourcePlace holder);
  void CheckCount(const FieldSpec& spec, size_t count, std::string_view noun,
                  const ConfigNode& node, const std::string& path);
  void RunChecks(const FieldSpec& spec, const Value& value, const std::string& path,
                 SourcePlace place);
  std::optional<std::string> ResolveSecret(std::string text, const ConfigNode& node,
                                           const std::string& path);
  SourcePlace InterpolationPlace(const ConfigNode& node, std::string_view parsed_text,
                                 size_t offset) const;

  std::string file_;
  ValidationEnv env_;
  Diagnostics diagnostics_;
  std::map<std::string, SourcePlace, std::less<>> places_;
};

// The default of `spec` in its typed form ("30s" -> 30000); undefined when there is none.
// Fails when the default does not fit the field (a bug in the spec, caught at registration).
Result<Value> TypedDefault(const FieldSpec& spec);

// Path helpers: "a.b" + key, with keys that are not plain names written as ["key"]; "a" + [i].
std::string ChildPath(std::string_view path, std::string_view key);
std::string ItemPath(std::string_view path, size_t index);

// The candidate closest to `word` by edit distance, when it is close enough to be a likely typo.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace erphub
