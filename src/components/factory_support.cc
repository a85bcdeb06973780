#include "components/factory_support.h"

#include <algorithm>
#include <cstdint>

#include "core/clock.h"
#include "core/diagnostic.h"

namespace erphub::components {

Status ConfigProblem(const ComponentConfig& config, std::string_view field, std::string message) {
  return InvalidArgumentError(config.Problem(field, std::move(message)).ToString());
}

std::filesystem::path ResolveConfigPath(const ComponentEnv& env, std::string_view path) {
  std::filesystem::path result(path);
  if (result.is_absolute() || env.base_dir.empty()) {
    return result;
  }
  return std::filesystem::path(env.base_dir) / result;
}

const Clock& EnvClock(const ComponentEnv& env) {
  return env.clock != nullptr ? *env.clock : SystemClock::Default();
}

std::vector<CheckProblem> IsHttpUrl(const Value& value) {
  std::string_view url = value.as_string();
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
    return {};
  }
  return {{"", "must start with http:// or https://"}};
}

db::ConnectionOptions DbConnectionOptions(const ComponentConfig& config, const ComponentEnv& env) {
  db::ConnectionOptions options;
  options.url = std::string(config.GetString("url"));
  options.password = std::string(config.GetString("password"));
  options.base_dir = env.base_dir;
  options.timeout_seconds =
      static_cast<int>(std::max<int64_t>(1, config.GetDuration("timeout").count() / 1000));
  return options;
}

}  // namespace erphub::components
