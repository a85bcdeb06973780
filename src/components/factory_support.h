#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/component_config.h"
#include "core/component_registry.h"
#include "core/component_spec.h"
#include "core/status.h"
#include "db/connection.h"

namespace erphub::components {

// What the factories of the built-in components share.

// A factory's problem with one of its fields, at that field's place in the config file: the
// message reads "erphub.yaml:9:20: flows.orders.steps[1].file: cannot read order.jsonata".
// kInvalidArgument.
Status ConfigProblem(const ComponentConfig& config, std::string_view field, std::string message);

// A path from the config: absolute as written, relative ones against the config's folder.
std::filesystem::path ResolveConfigPath(const ComponentEnv& env, std::string_view path);

// A field check (FieldSpec::Check) for a URL that must start with http:// or https://.
std::vector<CheckProblem> IsHttpUrl(const Value& value);

// The clock of the environment, or the system clock when the environment has none.
const Clock& EnvClock(const ComponentEnv& env);

// The database connection of a component whose spec has the fields `url`, `password` and
// `timeout` (taken in whole seconds, at least 1); relative sqlite: paths resolve against the
// config's folder.
db::ConnectionOptions DbConnectionOptions(const ComponentConfig& config, const ComponentEnv& env);

}  // namespace erphub::components
